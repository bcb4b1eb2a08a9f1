"""Claude's prompt caching through a gateway: `cache_control` reaches the families that take it,
is left out with one warning elsewhere, and cache reads and writes come back in the usage."""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from llama_index.core.base.llms.types import CacheControl, CachePoint, ChatMessage, TextBlock

import aimhub._shaping
from aimhub._catalog import capabilities_for
from aimhub._shaping import AimhubParameterWarning, shape_chat_request
from tests.unit.langchain._gateway import Gateway, completion, delta, make_llm, sse
from tests.unit.llamaindex import _llm as li

EPHEMERAL = {"type": "ephemeral"}
SYSTEM = SystemMessage(
    content=[{"type": "text", "text": "A long, stable prefix.", "cache_control": EPHEMERAL}]
)
#: Claude usage as new-api relays it (prompt_tokens_details) and as LiteLLM does (top level).
CLAUDE_USAGE: dict[str, Any] = {
    "prompt_tokens": 1200,
    "completion_tokens": 5,
    "total_tokens": 1205,
    "prompt_tokens_details": {"cached_tokens": 1000, "cached_creation_tokens": 150},
}
LITELLM_USAGE: dict[str, Any] = {
    "prompt_tokens": 1200,
    "completion_tokens": 5,
    "total_tokens": 1205,
    "cache_read_input_tokens": 1000,
    "cache_creation_input_tokens": 150,
}


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimhub._shaping, "_warned", set())


def test_the_catalogue_says_which_families_cache() -> None:
    assert capabilities_for("claude-3-5-sonnet-20240620").prompt_caching
    assert capabilities_for("claude-sonnet-4-20250514").prompt_caching
    assert not capabilities_for("gpt-4o").prompt_caching


def test_langchain_sends_cache_control_to_claude_on_system_and_user_parts() -> None:
    gateway = Gateway(completion())
    user = HumanMessage(
        content=[
            {"type": "text", "text": "Document ...", "cache_control": EPHEMERAL},
            {"type": "text", "text": "Question?"},
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", AimhubParameterWarning)
        make_llm(gateway, "claude-3-5-sonnet-20240620").invoke([SYSTEM, user])
    system, sent_user = gateway.last["messages"]
    assert system["content"][0]["cache_control"] == EPHEMERAL
    assert sent_user["content"][0] == {
        "type": "text",
        "text": "Document ...",
        "cache_control": EPHEMERAL,
    }
    assert "cache_control" not in sent_user["content"][1]


def test_other_families_get_it_left_out_with_one_warning() -> None:
    gateway = Gateway(completion())
    llm = make_llm(gateway, "gpt-4o")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            llm.invoke([SYSTEM, HumanMessage("hi")])
    assert len([w for w in caught if "cache_control" in str(w.message)]) == 1
    assert "cache_control" not in str(gateway.requests)


def test_the_rule_is_data_a_capability_override_turns_it_on() -> None:
    body = {"model": "my-relay", "messages": [{"role": "user", "content": SYSTEM.content}]}
    caps = capabilities_for("my-relay", {"prompt_caching": True})
    shaped = shape_chat_request(body, caps, stream=False)
    assert shaped.body["messages"][0]["content"][0]["cache_control"] == EPHEMERAL


@pytest.mark.parametrize("usage", [CLAUDE_USAGE, LITELLM_USAGE], ids=["new-api", "litellm"])
def test_cache_reads_and_writes_reach_usage_metadata(usage: dict[str, Any]) -> None:
    reply = make_llm(Gateway(completion(usage=usage)), "claude-3-5-sonnet-20240620").invoke("hi")
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["input_token_details"] == {
        "cache_read": 1000,
        "cache_creation": 150,
    }


def test_streamed_cache_usage_reaches_usage_metadata() -> None:
    last = {"id": "chatcmpl-1", "model": "m", "choices": [], "usage": CLAUDE_USAGE}
    body = sse(delta(content="a"), delta(finish_reason="stop"), last)
    chunks = list(make_llm(Gateway(body), "claude-3-5-sonnet-20240620").stream("hi"))
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage[0]["input_token_details"] == {"cache_read": 1000, "cache_creation": 150}


def test_llamaindex_cache_point_is_sent_to_claude_and_usage_read_back() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=completion(usage=LITELLM_USAGE))

    llm = li.make_llm(handler, model="claude-3-5-sonnet-20240620")
    message = ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="Document ..."),
            CachePoint(cache_control=CacheControl(type="ephemeral")),
            TextBlock(text="Question?"),
        ],
    )
    response = llm.chat([message])
    assert b'"cache_control":{"type":"ephemeral"' in seen[0].content
    assert response.additional_kwargs["usage"]["cache_creation_tokens"] == 150
    assert response.additional_kwargs["usage"]["cache_read_tokens"] == 1000
