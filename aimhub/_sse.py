"""Pure server-sent-events decoding that survives what gateways really send.

The framings handled are those of docs/gateway-behaviour.md §3.

Bytes go in as they arrive from the network, events come out as soon as they are complete.
Beyond the SSE spec, a line that is itself a JSON object is reported as an event: new-api writes
relay errors as bare JSON (no `data:`) once the stream has started.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SSEDecoder", "ServerSentEvent"]


@dataclass(slots=True)
class ServerSentEvent:
    """One event: `data` is the joined `data:` lines (or a bare JSON line without a field)."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental decoder: `feed()` each network chunk, `flush()` at end of stream.

    Handles `data:` with or without a space, comments and keep-alives (`: PING`), `event:`/`id:`/
    `retry:` fields, LF, CRLF and CR line ends (also split across chunks), multi-line data, UTF-8
    split across chunks, and a last event with no blank line after it.
    """

    __slots__ = ("_data", "_event", "_first_line", "_id", "_partial", "_retry", "_skip_lf")

    def __init__(self) -> None:
        self._partial = b""
        self._skip_lf = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._first_line = True

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one network chunk; return the events it completed."""
        if not chunk:
            return []  # keep a pending CR: the LF of its CRLF may be in the next chunk
        if self._skip_lf:
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        if self._partial:
            chunk = self._partial + chunk
            self._partial = b""
        if not chunk:
            return []
        lines = chunk.splitlines(keepends=True)
        last = lines[-1]
        if not last.endswith((b"\n", b"\r")):
            # Splitting on line ends is UTF-8 safe: \r and \n never occur inside a multibyte char.
            self._partial = lines.pop()
        elif last.endswith(b"\r"):
            self._skip_lf = True  # a CRLF may be cut between two chunks
        events: list[ServerSentEvent] = []
        for line in lines:
            self._line(line.rstrip(b"\r\n"), events)
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: complete a last line and event that had no terminator."""
        events: list[ServerSentEvent] = []
        if self._partial:
            line, self._partial = self._partial, b""
            self._line(line.rstrip(b"\r\n"), events)
        self._dispatch(events)
        return events

    def _line(self, line: bytes, out: list[ServerSentEvent]) -> None:
        if self._first_line:
            self._first_line = False
            line = line.removeprefix(b"\xef\xbb\xbf")  # the spec ignores a leading BOM
        if not line:
            self._dispatch(out)
        elif line.startswith(b"data:"):
            value = line[6:] if line.startswith(b"data: ") else line[5:]
            self._data.append(value.decode("utf-8", "replace"))
        elif line.startswith(b":"):
            pass  # comment / keep-alive (`: PING`, `: retrying`, `: OPENROUTER PROCESSING`)
        elif line.startswith((b"{", b"[")):
            self._dispatch(out)
            out.append(ServerSentEvent(data=line.decode("utf-8", "replace")))
        else:
            name, _, raw = line.partition(b":")
            value = raw[1:] if raw.startswith(b" ") else raw
            if name == b"event":
                self._event = value.decode("utf-8", "replace")
            elif name == b"id":
                self._id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():
                self._retry = int(value)

    def _dispatch(self, out: list[ServerSentEvent]) -> None:
        if self._data:
            out.append(
                ServerSentEvent(
                    data="\n".join(self._data), event=self._event, id=self._id, retry=self._retry
                )
            )
            self._data = []
        # Per the SSE spec the event type resets at every blank line; the last id persists.
        self._event = None
        self._retry = None
