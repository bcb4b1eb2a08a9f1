"""Time bounds per call: `total_timeout`, and for streams `first_token_timeout`/`idle_timeout`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from aimhub import AimhubClient, APITimeoutError, AsyncAimhubClient, ConfigurationError
from tests.fakes import TEST_KEY, Client, call, chat_chunk, chat_completion, collect, sse

ARGS = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


class Dribble(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives one piece at a time, `gap` seconds apart (after `first` seconds)."""

    def __init__(self, body: bytes, pieces: int, gap: float, first: float = 0.0) -> None:
        size = max(1, len(body) // pieces)
        self._parts = [body[i : i + size] for i in range(0, len(body), size)]
        self._gap, self._first = gap, first

    def __iter__(self) -> Iterator[bytes]:
        time.sleep(self._first)
        for part in self._parts:
            yield part
            time.sleep(self._gap)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        await asyncio.sleep(self._first)
        for part in self._parts:
            yield part
            await asyncio.sleep(self._gap)


def _client(
    is_async: bool,
    body: bytes,
    content_type: str,
    *,
    pieces: int = 12,
    gap: float = 0.05,
    first: float = 0.0,
    **limits: float,
) -> Client:
    def reply(request: httpx.Request) -> httpx.Response:
        stream = Dribble(body, pieces=pieces, gap=gap, first=first)
        return httpx.Response(200, headers={"content-type": content_type}, stream=stream)

    transport = httpx.MockTransport(reply)
    base = {"api_key": TEST_KEY, "base_url": "https://gateway.test/v1", "max_retries": 2}
    if is_async:
        http = httpx.AsyncClient(transport=transport)
        return AsyncAimhubClient(http_client=http, **base, **limits)  # type: ignore[arg-type]
    return AimhubClient(http_client=httpx.Client(transport=transport), **base, **limits)  # type: ignore[arg-type]


async def test_total_timeout_bounds_a_dribbled_answer(is_async: bool) -> None:
    body = json.dumps(chat_completion("x" * 200)).encode()
    client = _client(is_async, body, "application/json", pieces=20, total_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"total_timeout=0\.2 s exceeded"):
        await call(client, "chat", **ARGS)
    # 20 pieces 0.05 s apart take 1 s: the bound cut it, and no retry restarted it.
    assert time.monotonic() - started < 0.7


async def test_without_bounds_the_same_answer_arrives(is_async: bool) -> None:
    body = json.dumps(chat_completion("ok")).encode()
    client = _client(is_async, body, "application/json", gap=0.01)
    reply = await call(client, "chat", **ARGS)
    assert reply.choices[0].message.content == "ok"


async def test_idle_timeout_bounds_the_gap_between_stream_chunks(is_async: bool) -> None:
    body = sse(*(chat_chunk(str(i)) for i in range(6)))
    client = _client(is_async, body, "text/event-stream", idle_timeout=0.1, gap=0.25, pieces=6)
    stream = await call(client, "stream_chat", **ARGS)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"idle_timeout=0\.1 s exceeded") as info:
        await collect(stream)
    assert time.monotonic() - started < 0.9  # all six chunks would take 1.5 s
    assert info.value.partial_text == "0"


async def test_first_token_timeout_bounds_the_wait_for_the_first_bytes(is_async: bool) -> None:
    body = sse(chat_chunk("late"))
    client = _client(
        is_async, body, "text/event-stream", first_token_timeout=0.1, first=0.3, gap=0.0
    )
    stream = await call(client, "stream_chat", **ARGS)
    with pytest.raises(APITimeoutError, match=r"first_token_timeout=0\.1 s exceeded"):
        await collect(stream)


async def test_streams_within_their_bounds_are_untouched(is_async: bool) -> None:
    body = sse(*(chat_chunk(str(i)) for i in range(3)))
    client = _client(
        is_async, body, "text/event-stream", idle_timeout=1, first_token_timeout=1, gap=0.01
    )
    chunks = await collect(await call(client, "stream_chat", **ARGS))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "012"


@pytest.mark.parametrize("name", ["total_timeout", "first_token_timeout", "idle_timeout"])
@pytest.mark.parametrize("value", [0, -1, "5", True])
def test_bad_bounds_are_rejected(name: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=f"{name} must be a positive number"):
        AimhubClient(api_key=TEST_KEY, **{name: value})  # type: ignore[arg-type]


# --- on the wire: a loopback server that dribbles ---------------------------------------------


@pytest.mark.parametrize(("mode", "bound"), [("dribble", 0.3), ("slow", 0.2)])
async def test_total_timeout_holds_over_real_sockets(
    is_async: bool, loopback: str, mode: str, bound: float
) -> None:
    # `dribble`: a byte run every 0.1 s never trips the 5 s read timeout; `slow`: 0.5 s of
    # silence before the headers, which the sync client's capped read catches.
    cls = AsyncAimhubClient if is_async else AimhubClient
    client = cls(
        api_key=TEST_KEY, base_url=f"{loopback}/{mode}/v1", timeout=5.0, total_timeout=bound
    )
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="total_timeout"):
        await call(client, "chat", **ARGS)
    assert time.monotonic() - started < bound + 0.35
