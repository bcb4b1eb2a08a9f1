"""The pure SSE decoder: every framing of docs/gateway-behaviour.md §3, whole and in pieces."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimhub._sse import ServerSentEvent, SSEDecoder


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events


def datas(*chunks: bytes) -> list[str]:
    return [event.data for event in decode(*chunks)]


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (b"data: a\n\ndata: b\n\n", ["a", "b"]),
        (b"data:a\n\ndata:b\n\n", ["a", "b"]),
        (b"data:  two spaces\n\n", [" two spaces"]),  # only one space is the separator
        (b"data: a\r\n\r\ndata: b\r\n\r\n", ["a", "b"]),
        (b"data: a\r\rdata: b\r\r", ["a", "b"]),
        (b"data: line1\ndata: line2\n\n", ["line1\nline2"]),
        (b": PING\n\ndata: a\n\n: retrying\n\n", ["a"]),
        (b":OPENROUTER PROCESSING\n\ndata: a\n\n", ["a"]),
        (b"data: a", ["a"]),  # no terminator at all: flushed at the end
        (b"data: a\n", ["a"]),
        (b"data:\n\ndata: a\n\n", ["", "a"]),  # a blank data line is an empty event
        (b"\n\n\ndata: a\n\n\n\n", ["a"]),
        (b"id: 7\nretry: 3000\ndata: a\n\n", ["a"]),
        (b"unknown-field: x\ndata: a\n\n", ["a"]),
    ],
    ids=[
        "lf",
        "no-space",
        "two-spaces",
        "crlf",
        "lone-cr",
        "multi-line",
        "keepalive-comments",
        "openrouter-comment",
        "unterminated",
        "single-newline",
        "blank-data",
        "extra-blank-lines",
        "id-retry",
        "unknown-field",
    ],
)
def test_framing_variants_decode_to_the_same_data(wire: bytes, expected: list[str]) -> None:
    assert datas(wire) == expected


def test_event_lines_set_the_event_name_and_reset_after_each_event() -> None:
    wire = b"event: message_start\ndata: {}\n\n\ndata: plain\n\n"  # new-api's extra blank line
    events = decode(wire)
    assert [(e.event, e.data) for e in events] == [("message_start", "{}"), (None, "plain")]


def test_id_and_retry_fields_are_kept() -> None:
    (event,) = decode(b"id: 42\nretry: 1500\ndata: x\n\n")
    assert (event.id, event.retry) == ("42", 1500)


def test_bare_json_line_is_reported_as_an_event() -> None:
    # new-api writes relay errors with c.JSON (no `data:`) once the stream has started.
    wire = b'data: {"a": 1}\n\n{"error": {"message": "boom"}}'
    events = decode(wire)
    assert [json.loads(e.data) for e in events] == [{"a": 1}, {"error": {"message": "boom"}}]


def test_bare_json_line_completes_a_pending_event_first() -> None:
    events = decode(b'data: first\n{"error": "x"}\n')
    assert [e.data for e in events] == ["first", '{"error": "x"}']


def test_crlf_split_between_two_chunks_is_one_line_end() -> None:
    # "a\r" | "\ndata: b" must not read the "\n" as a blank line (which would split the event).
    assert datas(b"data: a\r", b"\ndata: b\r\n\r\n") == ["a\nb"]


def test_crlf_split_with_an_empty_chunk_in_between() -> None:
    assert datas(b"data: a\r", b"", b"\ndata: b\r\n\r\n") == ["a\nb"]


def test_chinese_text_fed_one_byte_at_a_time_is_decoded_whole() -> None:
    text = "你好，世界！🌏 データ"
    wire = f"data: {text}\n\n".encode()
    assert datas(*[wire[i : i + 1] for i in range(len(wire))]) == [text]


def test_events_come_out_as_soon_as_they_are_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert [e.data for e in decoder.feed(b"\nda")] == ["a"]
    assert [e.data for e in decoder.feed(b"ta: b\n\n")] == ["b"]
    assert decoder.flush() == []


def test_missing_done_and_missing_final_blank_line_still_yield_the_last_event() -> None:
    assert datas(b"data: a\n\ndata: b\n") == ["a", "b"]


def test_leading_byte_order_mark_is_ignored() -> None:
    assert datas(b"\xef\xbb\xbfdata: a\n\n") == ["a"]


# --- property: chunking never changes the result ------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=20,
)
_LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def event_streams(draw: st.DrawFn) -> bytes:
    """A valid stream: data (1-3 lines), comments, event names, optional [DONE], any line ends."""
    eol = draw(_LINE_END)
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["data", "comment", "named"]))
        if kind == "comment":
            parts.append(f": {draw(_TEXT)}{eol}{eol}")
            continue
        if kind == "named":
            parts.append(f"event: {draw(st.sampled_from(['delta', 'ping']))}{eol}")
        for line in draw(st.lists(_TEXT, min_size=1, max_size=3)):
            sep = draw(st.sampled_from(["data: ", "data:"]))
            # `data:` immediately followed by text starting with a space keeps that space.
            parts.append(f"{sep}{line}{eol}")
        parts.append(eol)
    if draw(st.booleans()):
        parts.append(f"data: [DONE]{eol}{eol}")
    return "".join(parts).encode()


@st.composite
def splits(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    wire = draw(event_streams())
    cuts = sorted(draw(st.lists(st.integers(0, len(wire)), max_size=12)))
    pieces = [wire[a:b] for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True)]
    return wire, pieces


@settings(max_examples=300, deadline=None)
@given(splits())
def test_any_split_into_network_chunks_yields_the_same_events(
    case: tuple[bytes, list[bytes]],
) -> None:
    wire, pieces = case
    assert decode(*pieces) == decode(wire)
