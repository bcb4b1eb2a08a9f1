"""Helpers of the `Aimhub` unit tests: an LLM over a fake transport, one call for both worlds."""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
from llama_index.core.base.llms.types import ChatMessage, MessageRole

from llamaindex_aimhub import Aimhub

KEY = "sk-unit-test-key-0123456789"
BASE_URL = "https://gw.test/v1"


def make_llm(handler: Any, model: str = "gpt-4o-mini", **kwargs: Any) -> Aimhub:
    """An `Aimhub` whose sync and async clients both talk to `handler` (no retries)."""
    transport = httpx.MockTransport(handler)
    kwargs.setdefault("max_retries", 0)
    return Aimhub(
        model=model,
        api_key=KEY,
        api_base=BASE_URL,
        http_client=httpx.Client(transport=transport),
        async_http_client=httpx.AsyncClient(transport=transport),
        **kwargs,
    )


async def run(llm: Any, method: str, is_async: bool, *args: Any, **kwargs: Any) -> Any:
    """Call `method`, or its `a`-prefixed twin when `is_async`; a stream comes back as a list."""
    result = getattr(llm, f"a{method}" if is_async else method)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    if inspect.isasyncgen(result):
        return [item async for item in result]
    if inspect.isgenerator(result):
        return list(result)
    return result


def user(text: str) -> list[ChatMessage]:
    """One user message."""
    return [ChatMessage(role=MessageRole.USER, content=text)]


def body_of(request: httpx.Request) -> dict[str, Any]:
    """The JSON a request carried."""
    data: dict[str, Any] = json.loads(request.content)
    return data


def chunk(finish: str | None = None, index: int = 0, **delta: Any) -> dict[str, Any]:
    """One `chat.completion.chunk` whose first choice carries `delta`."""
    return {
        "id": "chatcmpl-s1",
        "object": "chat.completion.chunk",
        "created": 1714079126,
        "model": "m",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
    }


def completion(content: str | None = "ok", finish: str = "stop", **message: Any) -> dict[str, Any]:
    """A whole `chat.completion` (the shape of 数标标's API docs)."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1714079126,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
        "system_fingerprint": "fp_5d12056990",
    }
