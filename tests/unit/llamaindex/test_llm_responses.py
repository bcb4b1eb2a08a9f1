"""Whole answers → `ChatResponse`: text, reasoning, tool calls, usage, finish, ids, errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatResponse, TextBlock, ThinkingBlock, ToolCallBlock

from aimhub import AuthenticationError, ConfigurationError, InsufficientQuotaError
from tests.fakes import FakeGateway, json_reply
from tests.unit.llamaindex._llm import completion, make_llm, run, user

HEADERS = {"x-oneapi-request-id": "2025050804141012345"}


async def answer(is_async: bool, body: dict[str, Any], model: str = "gpt-4o-mini") -> ChatResponse:
    gateway = FakeGateway(json_reply(200, body, headers=HEADERS))
    response: ChatResponse = await run(make_llm(gateway, model=model), "chat", is_async, user("Hi"))
    return response


def call(call_id: str | None, name: str, arguments: Any) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


async def test_text_usage_finish_and_request_id(is_async: bool) -> None:
    response = await answer(is_async, completion("Hello there"))
    assert response.message.role == "assistant"
    assert response.message.blocks == [TextBlock(text="Hello there")]
    assert response.additional_kwargs == {
        "finish_reason": "stop",
        "native_finish_reason": "stop",
        "request_id": "2025050804141012345",
        "id": "chatcmpl-1",
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_5d12056990",
        "prompt_tokens": 9,
        "completion_tokens": 3,
        "total_tokens": 12,
        "usage": {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12},
    }
    # `raw` is the gateway's body as it came (what LlamaIndex's token counter reads).
    assert response.raw["usage"] == {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}
    assert response.raw["choices"][0]["finish_reason"] == "stop"


async def test_complete_carries_the_same_information(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion("Hi!"), headers=HEADERS))
    response = await run(make_llm(gateway), "complete", is_async, "Hi")
    assert response.text == "Hi!"
    assert response.additional_kwargs["request_id"] == "2025050804141012345"
    assert response.additional_kwargs["usage"]["total_tokens"] == 12


@pytest.mark.parametrize(
    ("message", "reasoning", "text"),
    [
        ({"content": "42", "reasoning_content": "Think."}, "Think.", "42"),
        ({"content": "42", "reasoning": "Think."}, "Think.", "42"),  # OpenRouter's name
        # new-api sets both to the same text: never concatenated (docs/gateway-behaviour.md §7)
        ({"content": "42", "reasoning_content": "Think.", "reasoning": "Think."}, "Think.", "42"),
        ({"content": "<think>\nThink.\n</think>\n42"}, "Think.", "42"),  # thinking-to-content
    ],
)
async def test_reasoning_becomes_a_thinking_block(
    is_async: bool, message: dict[str, Any], reasoning: str, text: str
) -> None:
    body = completion(**message)
    body["usage"]["completion_tokens_details"] = {"reasoning_tokens": 2}
    response = await answer(is_async, body, model="deepseek-reasoner")
    assert response.message.blocks == [
        ThinkingBlock(content=reasoning, num_tokens=2),
        TextBlock(text=text),
    ]
    assert response.additional_kwargs["usage"]["reasoning_tokens"] == 2


async def test_parallel_tool_calls(is_async: bool) -> None:
    body = completion(
        None,
        # new-api's Claude mapping passes Anthropic's reason through (docs/gateway-behaviour.md §8)
        "tool_use",
        tool_calls=[
            call("toolu_1", "get_weather", '{"city": "Paris"}'),
            call("toolu_2", "get_time", {"city": "Paris"}),  # an object, as GLM relays send
        ],
    )
    gateway = FakeGateway(json_reply(200, body))
    llm = make_llm(gateway, model="claude-3-5-sonnet-20240620")
    response = await run(llm, "chat", is_async, user("Hi"))
    assert response.additional_kwargs["finish_reason"] == "tool_calls"
    assert response.additional_kwargs["native_finish_reason"] == "tool_use"
    selections = llm.get_tool_calls_from_response(response)
    assert [(s.tool_id, s.tool_name, s.tool_kwargs) for s in selections] == [
        ("toolu_1", "get_weather", {"city": "Paris"}),
        ("toolu_2", "get_time", {"city": "Paris"}),
    ]
    blocks = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
    assert [b.tool_kwargs for b in blocks] == [{"city": "Paris"}, {"city": "Paris"}]


async def test_empty_ids_get_stable_generated_ones(is_async: bool) -> None:
    # Google's OpenAI-compatible endpoint answers `"id": ""` (docs/gateway-behaviour.md §6).
    body = completion(None, tool_calls=[call("", "get_weather", '{"city": "Paris"}')])
    gateway = FakeGateway(json_reply(200, body))
    llm = make_llm(gateway, model="gemini-2.0-flash")
    response = await run(llm, "chat", is_async, user("Hi"))
    (selection,) = llm.get_tool_calls_from_response(response)
    assert selection.tool_id.startswith("call_")
    block = response.message.blocks[-1]
    assert isinstance(block, ToolCallBlock)
    assert block.tool_call_id == selection.tool_id  # the tool message will echo this id
    assert response.additional_kwargs["finish_reason"] == "tool_calls"  # upstream said "stop"


async def test_malformed_arguments_follow_the_convention_or_raise(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    body = completion(None, tool_calls=[call("c1", "get_weather", '{"city": "Par')])
    gateway = FakeGateway(json_reply(200, body))
    llm = make_llm(gateway)
    response = await run(llm, "chat", is_async, user("Hi"))
    assert "c1" in response.additional_kwargs["tool_call_errors"]
    with caplog.at_level(logging.WARNING, logger="llamaindex_aimhub"):
        (selection,) = llm.get_tool_calls_from_response(response)
    # LlamaIndex's convention: what parses as partial JSON is used (cut-off values are None)
    assert selection.tool_kwargs == {"city": None}
    assert "not valid JSON" in caplog.text
    with pytest.raises(ValueError, match=r"tool call c1 \(get_weather\): arguments are not valid"):
        llm.get_tool_calls_from_response(response, error_on_invalid_arguments=True)


async def test_arguments_that_are_no_object_become_empty_kwargs(is_async: bool) -> None:
    body = completion(None, tool_calls=[call("c1", "get_weather", "[1, 2]")])
    llm = make_llm(FakeGateway(json_reply(200, body)))
    response = await run(llm, "chat", is_async, user("Hi"))
    assert llm.get_tool_calls_from_response(response)[0].tool_kwargs == {}
    with pytest.raises(ValueError, match="not an object"):
        llm.get_tool_calls_from_response(response, error_on_invalid_arguments=True)


async def test_no_tool_call(is_async: bool) -> None:
    llm = make_llm(FakeGateway(json_reply(200, completion("plain"))))
    response = await run(llm, "chat", is_async, user("Hi"))
    with pytest.raises(ValueError, match="Expected at least one tool call"):
        llm.get_tool_calls_from_response(response)
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []


async def test_only_one_call_is_kept_when_parallel_calls_are_not_allowed(is_async: bool) -> None:
    # Old new-api drops `parallel_tool_calls` (docs/gateway-behaviour.md §5): the answer may still
    # have two.
    body = completion(None, tool_calls=[call("c1", "a", "{}"), call("c2", "b", "{}")])
    llm = make_llm(FakeGateway(json_reply(200, body)))
    response = await run(llm, "chat_with_tools", is_async, [], user_msg="Hi")
    assert [s.tool_id for s in llm.get_tool_calls_from_response(response)] == ["c1"]
    response = await run(
        llm, "chat_with_tools", is_async, [], user_msg="Hi", allow_parallel_tool_calls=True
    )
    assert [s.tool_id for s in llm.get_tool_calls_from_response(response)] == ["c1", "c2"]


@pytest.mark.parametrize(
    ("usage", "where", "expected"),
    [
        (
            {
                "prompt_tokens": 20,
                "completion_tokens": 5,
                "total_tokens": 25,
                "prompt_cache_hit_tokens": 16,
                "prompt_cache_miss_tokens": 4,
            },
            "top",
            {"input_tokens": 20, "output_tokens": 5, "total_tokens": 25, "cache_read_tokens": 16},
        ),
        (
            {
                "prompt_tokens": 20.0,
                "completion_tokens": 5.0,
                "total_tokens": 25.0,
                "prompt_tokens_details": {"cached_tokens": 8},
            },
            "top",
            {"input_tokens": 20, "output_tokens": 5, "total_tokens": 25, "cache_read_tokens": 8},
        ),
        (
            {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9},
            "choice",  # Moonshot puts usage in the choice (docs/gateway-behaviour.md §4)
            {"input_tokens": 7, "output_tokens": 2, "total_tokens": 9},
        ),
    ],
)
async def test_usage_variants(
    is_async: bool, usage: dict[str, Any], where: str, expected: dict[str, int]
) -> None:
    body = completion("ok")
    del body["usage"]
    if where == "top":
        body["usage"] = usage
    else:
        body["choices"][0]["usage"] = usage
    response = await answer(is_async, body)
    assert response.additional_kwargs["usage"] == expected
    assert response.additional_kwargs["prompt_tokens"] == expected["input_tokens"]


async def test_an_answer_without_choices_is_an_empty_message(is_async: bool) -> None:
    body = completion("x")
    body["choices"] = []
    response = await answer(is_async, body)
    assert response.message.content == ""
    assert response.additional_kwargs["finish_reason"] is None


@pytest.mark.parametrize("method", ["chat", "stream_chat", "complete", "stream_complete"])
async def test_gateway_errors_propagate_as_aimhub_errors(is_async: bool, method: str) -> None:
    error = {"error": {"message": "该令牌额度已用尽 (request id: 2025X)", "type": "new_api_error"}}
    gateway = FakeGateway(json_reply(401, error, headers=HEADERS))
    prompt: Any = "Hi" if "complete" in method else user("Hi")
    with pytest.raises(InsufficientQuotaError) as info:
        await run(make_llm(gateway, max_retries=3), method, is_async, prompt)
    assert len(gateway.requests) == 1  # a quota error is never retried
    assert info.value.request_id == "2025050804141012345"


async def test_a_wrong_key_is_an_authentication_error(is_async: bool) -> None:
    gateway = FakeGateway(
        json_reply(401, {"error": {"message": "无效的令牌", "type": "one_api_error"}})
    )
    with pytest.raises(AuthenticationError):
        await run(make_llm(gateway), "chat", is_async, user("Hi"))


def test_a_missing_key_names_the_environment_variable() -> None:
    from llamaindex_aimhub import Aimhub

    with pytest.raises(ConfigurationError, match="AIMHUB_API_KEY"):
        Aimhub(model="gpt-4o-mini")
