"""Streams through the client: framings, errors in and instead of streams, laziness, early close."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from aimhub import (
    APIConnectionError,
    APIStreamError,
    AsyncStream,
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    RateLimitError,
    Stream,
)
from aimhub.types import ChatCompletionChunk, Completion
from tests.fakes import (
    FakeGateway,
    call,
    chat_chunk,
    chat_completion,
    collect,
    drain,
    json_reply,
    make_client,
    prompt_filter_chunk,
    split_every,
    sse,
    sse_reply,
    take,
    text_reply,
)

ARGS: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
HELLO = [
    chat_chunk(role="assistant"),
    chat_chunk("Hel"),
    chat_chunk("lo"),
    chat_chunk(finish_reason="stop"),
]


def texts(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


async def stream_of(is_async: bool, *replies: Any, **kwargs: Any) -> list[Any]:
    client = make_client(FakeGateway(*replies), is_async, **kwargs)
    return await collect(await call(client, "stream_chat", **ARGS))


# --- what is sent ---------------------------------------------------------------------------


async def test_stream_request_asks_for_sse_and_usage(is_async: bool) -> None:
    gateway = FakeGateway(sse_reply([sse(*HELLO)]))
    client = make_client(gateway, is_async)
    await collect(await call(client, "stream_chat", **ARGS))
    request = gateway.requests[0]
    assert request.headers["accept"] == "text/event-stream"
    assert gateway.bodies[0]["stream"] is True
    assert gateway.bodies[0]["stream_options"] == {"include_usage": True}


async def test_stream_options_none_opts_out_and_explicit_value_is_kept(is_async: bool) -> None:
    gateway = FakeGateway(sse_reply([sse(*HELLO)]))
    client = make_client(gateway, is_async)
    await collect(await call(client, "stream_chat", stream_options=None, **ARGS))
    await collect(
        await call(client, "stream_chat", stream_options={"include_usage": False}, **ARGS)
    )
    assert "stream_options" not in gateway.bodies[0]
    assert gateway.bodies[1]["stream_options"] == {"include_usage": False}


# --- framings through the client -------------------------------------------------------------


@pytest.mark.parametrize(
    "wire",
    [
        sse(*HELLO),
        sse(*HELLO, space=False),
        sse(*HELLO, eol="\r\n"),
        sse(*HELLO, eol="\r"),
        sse(*HELLO, done=False),
        b": PING\n\n"
        + sse(*HELLO[:2]).replace(b"data: [DONE]\n\n", b": retrying\n\n")
        + b"event: delta\n"
        + sse(*HELLO[2:]),
        b"".join(
            b"data: " + json.dumps(c, indent=1).replace("\n", "\ndata: ").encode() + b"\n\n"
            for c in HELLO
        ),
    ],
    ids=["lf", "no-space", "crlf", "lone-cr", "no-done", "keepalives-and-events", "multi-line"],
)
@pytest.mark.parametrize("size", [1, 3, 7, 64, 100_000])
async def test_every_framing_in_any_chunk_size_yields_the_same_chunks(
    is_async: bool, wire: bytes, size: int
) -> None:
    chunks = await stream_of(is_async, sse_reply(split_every(wire, size)))
    assert texts(chunks) == "Hello"
    assert len(chunks) == 4
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_chinese_answer_split_one_byte_at_a_time(is_async: bool) -> None:
    wire = sse(chat_chunk("你好，"), chat_chunk("世界！🌏"))
    chunks = await stream_of(is_async, sse_reply(split_every(wire, 1)))
    assert texts(chunks) == "你好，世界！🌏"


async def test_empty_choices_and_usage_only_chunks_do_not_crash(is_async: bool) -> None:
    usage_only = {
        **chat_chunk(),
        "choices": [],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }
    null_choices = {**chat_chunk(), "choices": None}
    wire = sse(prompt_filter_chunk(), *HELLO, null_choices, usage_only)
    chunks = await stream_of(is_async, sse_reply([wire]))
    assert texts(chunks) == "Hello"
    assert chunks[0].choices == []
    assert chunks[0].prompt_filter_results == [{"prompt_index": 0}]  # unknown fields are kept
    assert chunks[-2].choices == []
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == 7


async def test_empty_string_finish_reason_is_none(is_async: bool) -> None:
    # one-api's Claude converter sends `finish_reason: ""` on every non-final chunk.
    wire = sse(chat_chunk("a", finish_reason=""), chat_chunk("", finish_reason="stop"))
    chunks = await stream_of(is_async, sse_reply([wire]))
    assert [c.choices[0].finish_reason for c in chunks] == [None, "stop"]


async def test_blank_and_non_json_data_events_are_skipped_with_a_warning(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    wire = b"data:\n\ndata: ping\n\n" + sse(*HELLO)
    with caplog.at_level(logging.WARNING, logger="aimhub"):
        chunks = await stream_of(is_async, sse_reply([wire]))
    assert texts(chunks) == "Hello"
    assert "ping" in caplog.text


async def test_events_after_done_are_not_read(is_async: bool) -> None:
    wire = sse(*HELLO) + b'data: {"error": {"message": "after done"}}\n\n'
    chunks = await stream_of(is_async, sse_reply([wire]))
    assert texts(chunks) == "Hello"


async def test_stream_complete_yields_legacy_completion_chunks(is_async: bool) -> None:
    pieces = [
        {
            "id": "cmpl-1",
            "object": "text_completion",
            "model": "m",
            "choices": [{"index": 0, "text": t, "finish_reason": f}],
        }
        for t, f in (("Once", None), (" upon", "length"))
    ]
    gateway = FakeGateway(sse_reply([sse(*pieces)]))
    client = make_client(gateway, is_async)
    chunks = await collect(await call(client, "stream_complete", model="m", prompt="p"))
    assert all(isinstance(c, Completion) for c in chunks)
    assert "".join(c.choices[0].text for c in chunks) == "Once upon"
    assert gateway.requests[0].url.path == "/v1/completions"


# --- a JSON document instead of a stream ---------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            200,
            {"error": {"message": "当前分组 default 下对于模型 m 无可用渠道"}},
            ModelNotAvailableError,
        ),
        (401, {"error": {"message": "该令牌额度已用尽"}}, InsufficientQuotaError),
        (429, {"error": {"message": "您已达到请求数限制：1分钟内最多请求3次"}}, RateLimitError),
    ],
    ids=["200-json-error", "401-quota", "429-rate-limit"],
)
async def test_json_error_answered_to_a_stream_request_raises_the_right_class(
    is_async: bool, status: int, body: object, expected: type[Exception]
) -> None:
    client = make_client(FakeGateway(json_reply(status, body)), is_async)
    with pytest.raises(expected):
        await call(client, "stream_chat", **ARGS)


async def test_json_error_answered_to_a_stream_request_is_retried_when_retryable(
    is_async: bool, sleeps: list[float]
) -> None:
    gateway = FakeGateway(
        json_reply(200, {"error": {"message": "No candidates returned", "code": 500}}),
        sse_reply([sse(*HELLO)]),
    )
    chunks = await collect(
        await call(make_client(gateway, is_async, max_retries=1), "stream_chat", **ARGS)
    )
    assert texts(chunks) == "Hello"
    assert len(gateway.requests) == 2
    assert len(sleeps) == 1


async def test_error_status_with_event_stream_content_type_raises(is_async: bool) -> None:
    wire = b'data: {"error": {"message": "upstream down", "code": "do_request_failed"}}\n\n'
    client = make_client(FakeGateway(sse_reply([wire], status=500)), is_async)
    with pytest.raises(InternalServerError, match="upstream down"):
        await call(client, "stream_chat", **ARGS)


async def test_whole_json_reply_to_a_stream_request_yields_one_equivalent_chunk(
    is_async: bool,
) -> None:
    whole = chat_completion("全部一次", reasoning_note="kept")
    chunks = await stream_of(is_async, json_reply(200, whole))
    assert len(chunks) == 1
    (chunk,) = chunks
    assert isinstance(chunk, ChatCompletionChunk)
    assert chunk.object == "chat.completion.chunk"
    assert chunk.choices[0].delta is not None
    assert chunk.choices[0].delta.content == "全部一次"
    assert chunk.choices[0].delta.role == "assistant"
    assert chunk.choices[0].finish_reason == "stop"
    assert chunk.usage is not None
    assert chunk.usage.total_tokens == 5


async def test_whole_json_completion_to_stream_complete_yields_it_once(is_async: bool) -> None:
    whole = {
        "id": "c",
        "object": "text_completion",
        "choices": [{"index": 0, "text": "whole", "finish_reason": "stop"}],
    }
    client = make_client(FakeGateway(json_reply(200, whole)), is_async)
    chunks = await collect(await call(client, "stream_complete", model="m", prompt="p"))
    assert [c.choices[0].text for c in chunks] == ["whole"]


# --- errors inside the stream -------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_wire", "expected"),
    [
        (
            b'data: {"error": {"message": "upstream failed", "type": "upstream_error"}}\n\n',
            APIStreamError,
        ),
        (
            b'{"error":{"message":"upstream failed","type":"new_api_error"}}',  # bare, c.JSON
            APIStreamError,
        ),
        (b'{"error":{"message":"upstream failed","type":"new_api_error"}}\n\n', APIStreamError),
        (
            b'event: error\ndata: {"type": "overloaded_error", "message": "upstream failed"}\n\n',
            APIStreamError,
        ),
        (
            b'data: {"error": {"message": "upstream failed: saturated", "code": 429}}\n\n',
            RateLimitError,
        ),
        (b'data: {"error": {"message": "upstream failed", "code": 500}}\n\n', InternalServerError),
    ],
    ids=["data-error", "bare-json-no-newline", "bare-json", "event-error", "code-429", "code-500"],
)
async def test_error_object_inside_the_stream_raises_with_partial_text(
    is_async: bool, error_wire: bytes, expected: type[Exception]
) -> None:
    wire = sse(chat_chunk("Hel"), chat_chunk("lo"), done=False) + error_wire
    gateway = FakeGateway(sse_reply(split_every(wire, 5)))
    client = make_client(gateway, is_async, max_retries=3)
    stream = await call(client, "stream_chat", **ARGS)
    seen: list[Any] = []
    with pytest.raises(expected) as info:
        await drain(stream, seen)
    assert texts(seen) == "Hello"
    error = info.value
    assert error.partial_text == "Hello"  # type: ignore[attr-defined]
    assert "upstream failed" in str(error)
    assert "5 characters" in str(error)
    assert len(gateway.requests) == 1
    assert gateway.streams[0].closed


async def test_connection_dropped_right_after_done_ends_the_stream_quietly(is_async: bool) -> None:
    # Observed on llama-cpp-python 0.3.36 (not recordable: vcrpy reads whole bodies): a second
    # request interrupts a running stream; the server sends `[DONE]`, then drops the connection
    # mid chunked-encoding, and no chunk ever carried a finish_reason (docs/gateway-behaviour.md
    # §3, silent truncation).
    network = [
        sse(chat_chunk(role="assistant"), done=False),
        sse(chat_chunk("Once"), done=False),
        b"data: [DONE]\n\n",
        httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body (incomplete chunked read)"
        ),
    ]
    gateway = FakeGateway(sse_reply(network))
    chunks = await collect(await call(make_client(gateway, is_async), "stream_chat", **ARGS))
    assert texts(chunks) == "Once"
    assert all(choice.finish_reason is None for c in chunks for choice in c.choices)
    assert gateway.streams[0].closed


async def test_stream_exposes_request_id_header(is_async: bool) -> None:
    reply = sse_reply([sse(*HELLO)], headers={"X-Oneapi-Request-Id": "RID-1"})
    client = make_client(FakeGateway(reply), is_async)
    stream = await call(client, "stream_chat", **ARGS)
    assert stream.request_id == "RID-1"
    await collect(stream)


# --- laziness and early close ---------------------------------------------------------------


async def test_stream_yields_the_first_chunk_before_the_rest_is_produced(is_async: bool) -> None:
    network = [sse(chunk, done=False) for chunk in HELLO] + [b"data: [DONE]\n\n"]
    gateway = FakeGateway(sse_reply(network))
    client = make_client(gateway, is_async)
    stream = await call(client, "stream_chat", **ARGS)
    body = gateway.streams[0]
    assert body.produced == 0  # opening the stream reads nothing
    if isinstance(stream, AsyncStream):
        iterator = stream.__aiter__()
        first = await iterator.__anext__()
        assert body.produced == 1
        await iterator.aclose()
    else:
        sync_iterator = iter(stream)
        first = next(sync_iterator)
        assert body.produced == 1
        sync_iterator.close()
    assert first.choices[0].delta.role == "assistant"
    assert body.closed


@pytest.mark.parametrize("use_context", [False, True], ids=["break", "break-in-with"])
async def test_breaking_out_early_closes_the_response(is_async: bool, use_context: bool) -> None:
    network = [sse(chunk, done=False) for chunk in HELLO] + [b"data: [DONE]\n\n"]
    gateway = FakeGateway(sse_reply(network))
    client = make_client(gateway, is_async)
    stream = await call(client, "stream_chat", **ARGS)
    taken = await take(stream, 2, use_context=use_context)
    assert len(taken) == 2
    body = gateway.streams[0]
    assert body.closed
    assert body.produced == 2


async def test_exiting_the_context_manager_without_iterating_closes_the_response(
    is_async: bool,
) -> None:
    gateway = FakeGateway(sse_reply([sse(*HELLO)]))
    client = make_client(gateway, is_async)
    stream = await call(client, "stream_chat", **ARGS)
    if isinstance(stream, AsyncStream):
        async with stream:
            pass
    else:
        assert isinstance(stream, Stream)
        with stream:
            pass
    assert gateway.streams[0].closed
    assert gateway.streams[0].produced == 0


async def test_reading_to_the_end_closes_the_response_without_a_context_manager(
    is_async: bool,
) -> None:
    gateway = FakeGateway(sse_reply([sse(*HELLO)]))
    client = make_client(gateway, is_async)
    stream = await call(client, "stream_chat", **ARGS)
    chunks = [c async for c in stream] if isinstance(stream, AsyncStream) else list(stream)
    assert len(chunks) == 4
    assert gateway.streams[0].closed


async def test_corrupt_compressed_stream_raises_our_connection_error(is_async: bool) -> None:
    reply = sse_reply([b"\x1f\x8b not really gzip"], headers={"content-encoding": "gzip"})
    client = make_client(FakeGateway(reply), is_async)
    stream = await call(client, "stream_chat", **ARGS)
    with pytest.raises(APIConnectionError, match="DecodingError"):
        await collect(stream)


def test_transport_stream_must_be_bytes_iterable() -> None:
    # Sanity check of the fake itself: httpx accepts our scripted body for both client kinds.
    response = sse_reply([b"x"])(httpx.Request("GET", "https://gateway.test/"))
    assert isinstance(response.stream, httpx.SyncByteStream)
    assert isinstance(response.stream, httpx.AsyncByteStream)


async def test_text_plain_stream_is_still_decoded_as_sse(is_async: bool) -> None:
    # Some relays drop the content type of event streams.
    chunks = await stream_of(is_async, sse_reply([sse(*HELLO)], content_type="text/plain"))
    assert texts(chunks) == "Hello"


async def test_html_page_answered_to_a_stream_request_raises(is_async: bool) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head></html>"
    client = make_client(FakeGateway(text_reply(502, page, "text/html")), is_async)
    with pytest.raises(InternalServerError, match="HTML page"):
        await call(client, "stream_chat", **ARGS)
