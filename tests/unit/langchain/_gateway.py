"""A scripted gateway for ChatAimhub unit tests: records requests, answers JSON or SSE."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from langchain_aimhub import ChatAimhub


def sse(*chunks: dict[str, Any] | str, done: bool = True) -> bytes:
    """An event stream body from chunk dicts (or raw lines)."""
    lines = [
        c if isinstance(c, str) else f"data: {json.dumps(c, ensure_ascii=False)}\n\n"
        for c in chunks
    ]
    if done:
        lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


def delta(**fields: Any) -> dict[str, Any]:
    """One chunk carrying `fields` in choice 0's delta."""
    finish = fields.pop("finish_reason", None)
    return {
        "id": "chatcmpl-1",
        "model": "m",
        "choices": [{"index": 0, "delta": fields, "finish_reason": finish}],
    }


class Gateway:
    """Answers every request with the next scripted reply and keeps the request bodies."""

    def __init__(self, *replies: httpx.Response | dict[str, Any] | bytes) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content) if request.content else {})
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, httpx.Response):
            return reply
        if isinstance(reply, bytes):
            return httpx.Response(
                200,
                content=reply,
                headers={"content-type": "text/event-stream", "x-oneapi-request-id": "req-s"},
            )
        return httpx.Response(200, json=reply, headers={"x-oneapi-request-id": "req-1"})

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]


def completion(
    content: str | None = "ok",
    *,
    tool_calls: Sequence[dict[str, Any]] = (),
    finish: str = "stop",
    usage: dict[str, Any] | None = None,
    **message: Any,
) -> dict[str, Any]:
    """A non-streamed answer."""
    msg: dict[str, Any] = {"role": "assistant", "content": content, **message}
    if tool_calls:
        msg["tool_calls"] = list(tool_calls)
    return {
        "id": "chatcmpl-9",
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
        "usage": usage or {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
    }


def make_llm(gateway: Gateway, model: str = "gpt-4o-mini", **kwargs: Any) -> ChatAimhub:
    """A ChatAimhub whose sync and async clients both talk to `gateway`."""
    transport = httpx.MockTransport(gateway)
    return ChatAimhub(
        model=model,
        api_key="sk-unit-test-key-0123456789",
        base_url="https://gw.test/v1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
        **kwargs,
    )
