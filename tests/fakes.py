"""Fake gateways for unit tests: `httpx.MockTransport` handlers, scripted bodies, SSE builders.

Our own client is always real; only the transport underneath it is fake.

```python
gateway = FakeGateway(json_reply(429, {"error": {"message": "slow down"}}), json_reply(200, CHAT))
client = make_client(gateway, is_async)
reply = await call(client, "chat", model="m", messages=[{"role": "user", "content": "hi"}])
assert len(gateway.requests) == 2
```
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from aimhub import AimhubClient, AsyncAimhubClient, AsyncStream, Stream

#: Looks like a real key so that redaction patterns are exercised; never valid anywhere.
TEST_KEY = "sk-unittest0123456789abcdefSECRET"
BASE_URL = "https://gateway.test/v1"

Reply = Callable[[httpx.Request], httpx.Response]
Client = AimhubClient | AsyncAimhubClient


class ScriptedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body handed out one scripted network chunk at a time.

    Records how many chunks the client pulled (`produced`) and whether it closed the body
    (`closed`), so tests can prove laziness and early close. An exception in the script is
    raised at that point, as a broken connection would.
    """

    def __init__(self, chunks: Iterable[bytes | Exception]) -> None:
        self._chunks = list(chunks)
        self.produced = 0
        self.closed = False

    def _next(self) -> Iterator[bytes]:
        for item in self._chunks:
            if isinstance(item, Exception):
                raise item
            self.produced += 1
            yield item

    def __iter__(self) -> Iterator[bytes]:
        yield from self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for item in self._next():
            yield item

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class FakeGateway:
    """A MockTransport handler that answers with scripted replies, in order.

    Each reply is a factory (`json_reply`, `sse_reply`, ...) or an exception to raise; the last
    one is repeated when the script runs out. Every request is recorded.
    """

    def __init__(self, *replies: Reply | Exception) -> None:
        if not replies:
            msg = "FakeGateway needs at least one reply"
            raise ValueError(msg)
        self._replies = replies
        self.requests: list[httpx.Request] = []
        self.streams: list[ScriptedStream] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self._replies[min(len(self.requests), len(self._replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        response = reply(request)
        if isinstance(response.stream, ScriptedStream):
            self.streams.append(response.stream)
        return response

    @property
    def bodies(self) -> list[Any]:
        """The JSON bodies the client sent."""
        return [json.loads(r.content) if r.content else None for r in self.requests]


def json_reply(
    status: int = 200, body: object = None, headers: Mapping[str, str] | None = None
) -> Reply:
    """A JSON answer (a fresh `httpx.Response` per call, so it can be repeated)."""

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=dict(headers or {}))

    return reply


def text_reply(
    status: int,
    text: str | bytes,
    content_type: str = "text/plain; charset=utf-8",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A raw body with any content type (HTML pages, plain text, empty)."""

    def reply(request: httpx.Request) -> httpx.Response:
        content = text.encode() if isinstance(text, str) else text
        all_headers = {"content-type": content_type, **(headers or {})}
        return httpx.Response(status, content=content, headers=all_headers)

    return reply


def sse_reply(
    chunks: Iterable[bytes | Exception],
    status: int = 200,
    content_type: str = "text/event-stream",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A streamed answer made of exactly these network chunks (see `ScriptedStream`)."""
    script = list(chunks)

    def reply(request: httpx.Request) -> httpx.Response:
        all_headers = {"content-type": content_type, **(headers or {})}
        return httpx.Response(status, headers=all_headers, stream=ScriptedStream(script))

    return reply


def make_client(gateway: FakeGateway, is_async: bool, **kwargs: Any) -> Client:
    """Our real client over the fake gateway; `max_retries` defaults to 0 unless given."""
    kwargs.setdefault("api_key", TEST_KEY)
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("max_retries", 0)
    transport = httpx.MockTransport(gateway)
    if is_async:
        return AsyncAimhubClient(http_client=httpx.AsyncClient(transport=transport), **kwargs)
    return AimhubClient(http_client=httpx.Client(transport=transport), **kwargs)


async def call(client: Client, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a client method and await it when the client is async: one test body, both worlds."""
    result = getattr(client, method)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def collect(stream: Stream[Any] | AsyncStream[Any]) -> list[Any]:
    """Every chunk of a stream, inside its context manager."""
    if isinstance(stream, AsyncStream):
        async with stream:
            return [chunk async for chunk in stream]
    with stream:
        return list(stream)


async def drain(stream: Stream[Any] | AsyncStream[Any], seen: list[Any]) -> None:
    """Read a stream to its end (or its error), keeping every chunk it yielded."""
    if isinstance(stream, AsyncStream):
        async with stream:
            async for chunk in stream:
                seen.append(chunk)
    else:
        with stream:
            seen.extend(stream)


async def take(stream: Stream[Any] | AsyncStream[Any], n: int, *, use_context: bool) -> list[Any]:
    """The first `n` chunks, then break out of the loop (optionally inside `with`)."""
    taken: list[Any] = []
    if isinstance(stream, AsyncStream):
        if use_context:
            async with stream:
                async for chunk in stream:
                    taken.append(chunk)
                    if len(taken) == n:
                        break
            return taken
        agen = stream.__aiter__()
        async for chunk in agen:
            taken.append(chunk)
            if len(taken) == n:
                break
        await agen.aclose()  # what `async for` leaves to the event loop's finaliser
        return taken
    if use_context:
        with stream:
            for chunk in stream:
                taken.append(chunk)
                if len(taken) == n:
                    break
        return taken
    for chunk in stream:
        taken.append(chunk)
        if len(taken) == n:
            break
    return taken


async def close(client: Client) -> None:
    """Close a client of either kind."""
    await call(client, "close")


# --- wire payloads -----------------------------------------------------------------------------


def chat_chunk(
    content: str | None = None,
    *,
    finish_reason: str | None = None,
    role: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One `chat.completion.chunk` with a single choice."""
    delta: dict[str, Any] = {}
    if role is not None:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        **extra,
    }


def prompt_filter_chunk() -> dict[str, Any]:
    """The choice-less chunk Azure-backed channels send first, carrying only filter results."""
    return {
        "id": "",
        "object": "",
        "created": 0,
        "model": "",
        "choices": [],
        "prompt_filter_results": [{"prompt_index": 0}],
    }


def chat_completion(content: str = "Hello!", **extra: Any) -> dict[str, Any]:
    """A whole `chat.completion`."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        **extra,
    }


def sse(*payloads: object, done: bool = True, eol: str = "\n", space: bool = True) -> bytes:
    """An event stream: one `data:` event per payload, then `[DONE]`."""
    prefix = "data: " if space else "data:"
    events = [
        prefix + (p if isinstance(p, str) else json.dumps(p, ensure_ascii=False)) + eol + eol
        for p in payloads
    ]
    if done:
        events.append(f"{prefix}[DONE]{eol}{eol}")
    return "".join(events).encode()


def split_every(data: bytes, size: int) -> list[bytes]:
    """Cut bytes into network chunks of `size` bytes (odd sizes cut lines and characters)."""
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- the demo script ---------------------------------------------------------------------------

DEMO_PATH = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def load_demo() -> ModuleType:
    """`examples/demo.py` is a script, not a package module: load it by path (once)."""
    name = "aimhub_examples_demo"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DEMO_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module
