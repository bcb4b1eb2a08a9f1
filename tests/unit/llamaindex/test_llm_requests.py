"""What `Aimhub` sends: exact request JSON for every path, family rules applied by the shaper."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.tools import FunctionTool

import aimhub._shaping
from aimhub._shaping import AimhubParameterWarning
from tests.fakes import FakeGateway, json_reply, sse, sse_reply
from tests.unit.llamaindex._llm import KEY, body_of, chunk, completion, make_llm, run, user

HI = [{"role": "user", "content": "Hi"}]
STREAM = [chunk(role="assistant", content="Hel"), chunk(content="lo"), chunk(finish="stop")]


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shaper warns once per model and rule per process; each test starts afresh."""
    monkeypatch.setattr(aimhub._shaping, "_warned", set())


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def get_time(city: str) -> str:
    """The local time in a city."""
    return f"10:00 in {city}"


TOOLS = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]


async def test_chat_sends_only_model_and_messages(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    await run(make_llm(gateway), "chat", is_async, user("Hi"))
    request = gateway.requests[0]
    assert (request.method, str(request.url)) == ("POST", "https://gw.test/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    # No max_tokens=256, no temperature, no stream flags: nothing the user did not ask for.
    assert body_of(request) == {"model": "gpt-4o-mini", "messages": HI, "stream": False}


async def test_complete_is_a_chat_never_the_legacy_route(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion("done")))
    response = await run(make_llm(gateway), "complete", is_async, "Hi")
    assert response.text == "done"
    assert gateway.requests[0].url.path == "/v1/chat/completions"
    assert body_of(gateway.requests[0])["messages"] == HI


@pytest.mark.parametrize("method", ["stream_chat", "stream_complete"])
async def test_streams_ask_for_usage(is_async: bool, method: str) -> None:
    gateway = FakeGateway(sse_reply([sse(*STREAM)]))
    prompt: Any = "Hi" if method == "stream_complete" else user("Hi")
    responses = await run(make_llm(gateway), method, is_async, prompt)
    assert responses[-1].delta == ""
    assert gateway.requests[0].url.path == "/v1/chat/completions"
    assert body_of(gateway.requests[0]) == {
        "model": "gpt-4o-mini",
        "messages": HI,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def test_settings_are_sent_when_set(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    llm = make_llm(
        gateway,
        model="claude-3-5-sonnet-20240620",
        temperature=0.2,
        max_tokens=300,
        additional_kwargs={"top_k": 5, "stop": ["\n\n"]},
    )
    await run(llm, "chat", is_async, user("Hi"), stop=["END"], seed=None)
    assert body_of(gateway.requests[0]) == {
        "model": "claude-3-5-sonnet-20240620",
        "messages": HI,
        "temperature": 0.2,
        "max_tokens": 300,
        "top_k": 5,
        "stop": ["END"],  # call kwargs win over instance settings; None values are left out
        "stream": False,
    }


async def test_reasoning_effort_reaches_reasoning_models(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    llm = make_llm(gateway, model="o3-mini", reasoning_effort="high", max_tokens=500)
    with pytest.warns(AimhubParameterWarning, match="temperature"):
        await run(llm, "chat", is_async, user("Hi"), temperature=0.5)
    assert body_of(gateway.requests[0]) == {
        "model": "o3-mini",
        "messages": HI,
        "reasoning_effort": "high",
        "max_completion_tokens": 500,  # the OpenAI reasoning family's name for the cap
        "stream": False,
    }


async def test_reasoning_effort_is_left_out_with_a_warning_where_rejected(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    llm = make_llm(gateway, model="gpt-4o-mini", reasoning_effort="low")
    with pytest.warns(AimhubParameterWarning, match="reasoning_effort"):
        await run(llm, "chat", is_async, user("Hi"))
    assert "reasoning_effort" not in body_of(gateway.requests[0])


async def test_a_model_passed_per_call_gets_its_own_family_rules(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    await run(make_llm(gateway), "chat", is_async, user("Hi"), model="qwen-plus")
    body = body_of(gateway.requests[0])
    assert body["model"] == "qwen-plus"
    # new-api would inject 0.001 for Qwen otherwise (docs/gateway-behaviour.md §5)
    assert body["top_p"] == 0.8


async def test_tools_are_sent_as_functions_with_parallel_calls_off_by_default(
    is_async: bool,
) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    history = user("Weather?")
    await run(make_llm(gateway), "chat_with_tools", is_async, TOOLS, chat_history=history)
    body = body_of(gateway.requests[0])
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "get_weather(city: 'str') -> 'str'\nThe weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"title": "City", "type": "string"}},
                    "required": ["city"],
                },
            },
        },
        {
            "type": "function",
            "function": {
                "name": "get_time",
                "description": "get_time(city: 'str') -> 'str'\nThe local time in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"title": "City", "type": "string"}},
                    "required": ["city"],
                },
            },
        },
    ]
    assert "tool_choice" not in body
    assert body["parallel_tool_calls"] is False
    assert body["messages"] == [{"role": "user", "content": "Weather?"}]
    assert len(history) == 1  # the caller's history is not appended to


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"tool_required": True}, {"tool_choice": "required", "parallel_tool_calls": False}),
        ({"allow_parallel_tool_calls": True}, {}),
        (
            {"tool_choice": "get_time", "allow_parallel_tool_calls": True},
            {"tool_choice": {"type": "function", "function": {"name": "get_time"}}},
        ),
        (
            {"tool_choice": "auto", "tool_required": True, "strict": True},
            {"tool_choice": "auto", "parallel_tool_calls": False},
        ),
    ],
)
async def test_tool_choice_and_parallel_calls(
    is_async: bool, options: dict[str, Any], expected: dict[str, Any]
) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    await run(make_llm(gateway), "chat_with_tools", is_async, TOOLS, user_msg="Hi", **options)
    body = body_of(gateway.requests[0])
    sent = {k: body[k] for k in ("tool_choice", "parallel_tool_calls") if k in body}
    assert sent == expected
    strict = [t["function"].get("strict") for t in body["tools"]]
    assert strict == ([True, True] if options.get("strict") else [None, None])


async def test_required_tool_choice_is_downgraded_for_qwen(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    llm = make_llm(gateway, model="qwen-plus")
    with pytest.warns(AimhubParameterWarning, match="tool_choice 'required'"):
        await run(llm, "chat_with_tools", is_async, TOOLS, user_msg="Hi", tool_required=True)
    assert body_of(gateway.requests[0])["tool_choice"] == "auto"


async def test_parallel_tool_calls_is_never_sent_to_o1(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not sent at all, rather than sent and then removed
        await run(make_llm(gateway, model="o1"), "chat_with_tools", is_async, TOOLS, user_msg="Hi")
    assert "parallel_tool_calls" not in body_of(gateway.requests[0])


async def test_thinking_models_stream_underneath_when_thinking_is_on(is_async: bool) -> None:
    chunks = [
        chunk(role="assistant", reasoning_content="Hmm."),
        chunk(content="Yes."),
        chunk(finish="stop"),
    ]
    gateway = FakeGateway(sse_reply([sse(*chunks)]))
    llm = make_llm(gateway, model="qwen3-32b", enable_thinking=True)
    response = await run(llm, "chat", is_async, user("Hi"))
    body = body_of(gateway.requests[0])
    assert (body["stream"], body["enable_thinking"]) == (True, True)
    assert response.message.content == "Yes."
    assert response.message.blocks[0].content == "Hmm."
    assert response.additional_kwargs["finish_reason"] == "stop"


async def test_thinking_models_turn_thinking_off_when_not_streaming(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    await run(make_llm(gateway, model="qwen3-32b"), "chat", is_async, user("Hi"))
    assert body_of(gateway.requests[0])["enable_thinking"] is False


async def test_system_and_developer_roles(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, completion()))
    messages = [
        ChatMessage(role=MessageRole.DEVELOPER, content="Be brief."),
        ChatMessage(role=MessageRole.USER, content="Hi"),
    ]
    await run(make_llm(gateway, model="deepseek-chat"), "chat", is_async, messages)
    # Only OpenAI reasoning models take `developer`; the shaper rewrites it
    # (docs/gateway-behaviour.md §5).
    assert body_of(gateway.requests[0])["messages"][0] == {"role": "system", "content": "Be brief."}
