"""Per-call `extra_headers`, `extra_query` and `extra_body` do what they do in `ChatOpenAI`:
headers on the request, query parameters in the URL, `extra_body` merged into the JSON body."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.types import ChatMessage

from aimhub import ConfigurationError
from tests.unit.langchain import _gateway as lc
from tests.unit.llamaindex import _llm as li

OPTIONS: dict[str, Any] = {
    "extra_headers": {"X-Trace": "abc"},
    "extra_query": {"api-version": "2024-06-01"},
    "extra_body": {"enable_search": True},
}


class Recorder:
    """Answers like `lc.Gateway` and keeps the whole requests."""

    def __init__(self, reply: dict[str, Any] | bytes) -> None:
        self.gateway = lc.Gateway(reply)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.gateway(request)


def _check(request: httpx.Request) -> None:
    body = json.loads(request.content)
    assert request.headers["x-trace"] == "abc"
    assert request.url.params["api-version"] == "2024-06-01"
    assert body["enable_search"] is True
    for name in ("extra_headers", "extra_query", "extra_body"):
        assert name not in body


def _chat(recorder: Recorder) -> Any:
    transport = httpx.MockTransport(recorder)
    return lc.ChatAimhub(
        model="gpt-4o-mini",
        api_key="sk-unit-test-key-0123456789",
        base_url="https://gw.test/v1",
        default_query={"tenant": "t1"},
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )


async def test_langchain_invoke_and_ainvoke() -> None:
    recorder = Recorder(lc.completion())
    llm = _chat(recorder)
    llm.invoke("hi", **OPTIONS)
    await llm.ainvoke("hi", **OPTIONS)
    for request in recorder.requests:
        _check(request)
        assert request.url.params["tenant"] == "t1"  # merged with, not replacing, default_query


async def test_langchain_stream_astream_and_bound_options() -> None:
    recorder = Recorder(lc.sse(lc.delta(content="a"), lc.delta(finish_reason="stop")))
    llm = _chat(recorder)
    list(llm.stream("hi", **OPTIONS))
    _ = [c async for c in llm.astream("hi", **OPTIONS)]
    whole = Recorder(lc.completion())
    _chat(whole).bind(**OPTIONS).invoke("hi")
    assert len(recorder.requests) == 2
    for request in [*recorder.requests, *whole.requests]:
        _check(request)


def test_langchain_rejects_a_non_mapping_before_sending() -> None:
    recorder = Recorder(lc.completion())
    with pytest.raises(ConfigurationError, match="extra_headers must be a mapping"):
        _chat(recorder).invoke("hi", extra_headers=["X-Trace: abc"])
    assert recorder.requests == []


@pytest.mark.parametrize("is_async", [False, True])
async def test_llamaindex_chat_and_stream_call_kwargs(is_async: bool) -> None:
    recorder = Recorder(lc.completion())
    llm = li.make_llm(recorder)
    messages = [ChatMessage(role="user", content="hi")]
    await li.run(llm, "chat", is_async, messages, **OPTIONS)
    await li.run(llm, "complete", is_async, "hi", **OPTIONS)
    stream = Recorder(lc.sse(lc.delta(content="a"), lc.delta(finish_reason="stop")))
    await li.run(li.make_llm(stream), "stream_chat", is_async, messages, **OPTIONS)
    for request in [*recorder.requests, *stream.requests]:
        _check(request)
