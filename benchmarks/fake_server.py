"""A fake OpenAI-compatible aggregator for benchmarks: stdlib asyncio, HTTP/1.1 keep-alive.

Every answer is rendered once and cached, so the server's cost per request is a header parse,
one `json.loads` of the request body and a few socket writes: small, and the same for every
client. It listens on 127.0.0.1 (or a unix socket), prints `READY <port>` and stops by itself
when its stdin closes (the parent went away) or after `--max-seconds`.

Routes (any prefix before them is ignored, e.g. `/v1`):

- `POST /chat/completions`: a short answer; a `get_weather` tool call when the body has `tools`;
  with `"stream": true`, `--chunks` content chunks in OpenAI SSE framing, then a finish chunk,
  a usage chunk and `[DONE]`, each event written separately (chunked transfer encoding).
- `POST /embeddings`: one vector of `--dims` floats (or `dimensions`) per input, as JSON
  numbers or, with `"encoding_format": "base64"`, as base64 of little-endian float32.
- `GET /models`: a model list.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHAT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
ANSWER = "Hello! How can I help you today?"
TOOL_NAME = "get_weather"
TOOL_ARGUMENTS = '{"city":"Paris","unit":"celsius"}'
#: Tokens of the streamed answer, cycled: consecutive chunks differ, as real ones do (litellm
#: rejects a stream that repeats one chunk).
STREAM_TOKENS = tuple(
    f"{w} "
    for w in [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "a",
        "lazy",
        "dog",
        "while",
        "streaming",
        "tokens",
    ]
)
_CREATED = 1_700_000_000
_FLUSH_EVERY = 64  # events written between two `drain()`s of a stream


@dataclass
class Reply:
    """One answer: a status line and headers, then the body as pieces written one by one."""

    status: int
    content_type: str
    pieces: list[bytes]
    chunked: bool = False

    def head(self) -> bytes:
        """The status line and headers."""
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(self.status, "Error")
        lines = [
            f"HTTP/1.1 {self.status} {reason}",
            f"Content-Type: {self.content_type}",
            "x-request-id: bench-request",
        ]
        if self.chunked:
            lines += ["Transfer-Encoding: chunked", "Cache-Control: no-cache"]
        else:
            lines.append(f"Content-Length: {sum(len(p) for p in self.pieces)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _json(obj: Any, status: int = 200) -> Reply:
    return Reply(status, "application/json", [_dumps(obj)])


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": CHAT_MODEL,
        "system_fingerprint": "fp_bench",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def _usage(completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": 12,
        "completion_tokens": completion_tokens,
        "total_tokens": 12 + completion_tokens,
    }


def chat_body(*, tools: bool) -> dict[str, Any]:
    """A whole (non-streamed) chat answer: text, or one tool call."""
    if tools:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_bench",
                    "type": "function",
                    "function": {"name": TOOL_NAME, "arguments": TOOL_ARGUMENTS},
                }
            ],
        }
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": ANSWER, "refusal": None}
        finish = "stop"
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": _CREATED,
        "model": CHAT_MODEL,
        "system_fingerprint": "fp_bench",
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": _usage(9),
    }


def sse_events(chunks: int) -> list[bytes]:
    """A streamed answer's events: `chunks` content chunks (the first with the role), then more."""
    first = _chunk({"role": "assistant", "content": STREAM_TOKENS[0]})
    plain = [b"data: " + _dumps(_chunk({"content": t})) + b"\n\n" for t in STREAM_TOKENS]
    out = [b"data: " + _dumps(first) + b"\n\n"]
    out += [plain[i % len(plain)] for i in range(1, chunks)]
    out.append(b"data: " + _dumps(_chunk({}, "stop")) + b"\n\n")
    usage_chunk = {**_chunk({}), "choices": [], "usage": _usage(chunks)}
    out.append(b"data: " + _dumps(usage_chunk) + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return out


def chunk_frames(events: list[bytes]) -> list[bytes]:
    """Events as HTTP/1.1 chunked-transfer frames, ending with the zero-length chunk."""
    return [b"%x\r\n%b\r\n" % (len(e), e) for e in events] + [b"0\r\n\r\n"]


def vector(dims: int) -> list[float]:
    """The (unit-length, deterministic) vector every input gets."""
    rng = random.Random(dims)
    raw = [rng.uniform(-1.0, 1.0) for _ in range(dims)]
    norm = sum(x * x for x in raw) ** 0.5
    # Rounded through float32, as real embedding APIs do, so both encodings carry the same values.
    return list(struct.unpack(f"<{dims}f", struct.pack(f"<{dims}f", *(x / norm for x in raw))))


def embeddings_body(count: int, dims: int, encoding: str) -> bytes:
    """An embeddings answer for `count` inputs."""
    values = vector(dims)
    if encoding == "base64":
        item = json.dumps(base64.b64encode(struct.pack(f"<{dims}f", *values)).decode())
    else:
        item = json.dumps(values, separators=(",", ":"))
    data = ",".join(
        f'{{"object":"embedding","index":{i},"embedding":{item}}}' for i in range(count)
    )
    usage = json.dumps({"prompt_tokens": count * 8, "total_tokens": count * 8})
    return (
        f'{{"object":"list","data":[{data}],"model":"{EMBEDDING_MODEL}","usage":{usage}}}'
    ).encode()


MODELS_BODY = {
    "object": "list",
    "data": [
        {"id": m, "object": "model", "created": _CREATED, "owned_by": "bench"}
        for m in (CHAT_MODEL, EMBEDDING_MODEL)
    ],
}


@dataclass
class FakeGateway:
    """Routes a parsed request to a (cached) reply. Pure: no sockets, so it is unit-testable."""

    chunks: int = 5000
    dims: int = 256
    _cache: dict[Any, Reply] = field(default_factory=dict)

    def reply(self, method: str, path: str, body: bytes) -> Reply:
        """The reply to one request."""
        route = path.split("?", 1)[0].rstrip("/")
        if method == "GET" and route.endswith("/models"):
            return self._cached(("models",), lambda: _json(MODELS_BODY))
        if method != "POST":
            return _json({"error": {"message": f"no route {method} {path}"}}, 404)
        try:
            request = json.loads(body) if body else {}
        except ValueError:
            return _json({"error": {"message": "body is not JSON", "code": "bad_json"}}, 400)
        if route.endswith("/chat/completions"):
            return self._chat(request)
        if route.endswith("/embeddings"):
            return self._embeddings(request)
        return _json({"error": {"message": f"no route {method} {path}"}}, 404)

    def _cached(self, key: Any, make: Callable[[], Reply]) -> Reply:
        reply = self._cache.get(key)
        if reply is None:
            reply = self._cache[key] = make()
        return reply

    def _chat(self, request: dict[str, Any]) -> Reply:
        tools = bool(request.get("tools") or request.get("functions"))
        if request.get("stream"):
            n = self.chunks
            return self._cached(
                ("stream", n),
                lambda: Reply(200, "text/event-stream", chunk_frames(sse_events(n)), True),
            )
        return self._cached(("chat", tools), lambda: _json(chat_body(tools=tools)))

    def _embeddings(self, request: dict[str, Any]) -> Reply:
        inputs = request.get("input")
        count = len(inputs) if isinstance(inputs, list) else 1
        dims = int(request.get("dimensions") or self.dims)
        encoding = "base64" if request.get("encoding_format") == "base64" else "float"
        key = ("embeddings", count, dims, encoding)
        return self._cached(
            key,
            lambda: Reply(200, "application/json", [embeddings_body(count, dims, encoding)]),
        )


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size + 2))
        body = b"".join(p[:-2] for p in parts)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, path, headers, body


async def _serve(
    gateway: FakeGateway, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            try:
                method, path, headers, body = await _read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            reply = gateway.reply(method, path, body)
            head = reply.head()
            if reply.chunked:
                writer.write(head)
                for number, piece in enumerate(reply.pieces, 1):
                    writer.write(piece)  # one event per write, as a gateway relays tokens
                    if number % _FLUSH_EVERY == 0:
                        await writer.drain()
            elif len(reply.pieces[0]) < 65536:
                writer.write(head + reply.pieces[0])  # one segment: head and body arrive together
            else:
                writer.write(head)
                writer.write(reply.pieces[0])
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                return
    except ConnectionError:
        return
    finally:
        writer.close()


async def serve(
    gateway: FakeGateway,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    uds: str | None = None,
    ready: Callable[[str], None] | None = None,
) -> asyncio.AbstractServer:
    """Start listening; `ready` gets the port (or the socket path)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve(gateway, reader, writer)

    if uds is not None:
        server = await asyncio.start_unix_server(handle, path=uds, backlog=1024)
        where = uds
    else:
        server = await asyncio.start_server(handle, host, port, backlog=1024, reuse_address=True)
        where = str(server.sockets[0].getsockname()[1])
    if ready is not None:
        ready(where)
    return server


def _until_eof() -> None:
    while sys.stdin.buffer.read1(65536):
        pass


async def _main(args: argparse.Namespace) -> None:
    gateway = FakeGateway(chunks=args.chunks, dims=args.dims)
    server = await serve(
        gateway, port=args.port, ready=lambda where: print(f"READY {where}", flush=True)
    )
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, _until_eof)  # the parent exited or closed the pipe
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stdin_closed, timeout=args.max_seconds)
    server.close()
    os._exit(0)  # the stdin reader thread cannot be interrupted


def main() -> None:
    """Command line: `python fake_server.py [--port 0] [--chunks 5000] [--dims 256]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=5000)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
