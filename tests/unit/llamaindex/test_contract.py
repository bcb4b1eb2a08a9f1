"""The LlamaIndex contract of `Aimhub`, mirroring LangChain's standard chat-model matrix.

LlamaIndex has no standard test suite. This one runs every chat path (sync/async, plain/stream,
chat/complete), tool calling with several calls in one delta and the results sent back,
structured output, multimodal input, usage and the reasoning round trip on the model ids the
LangChain tests use, each answered in its own family's wire shape (`_gateway.FamilyGateway`).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import (
    ChatMessage,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
)
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

import aimhub._shaping
from aimhub import ConfigurationError
from aimhub._catalog import capabilities_for
from aimhub._shaping import AimhubParameterWarning
from tests.unit.llamaindex._gateway import REQUEST_ID, FamilyGateway
from tests.unit.llamaindex._llm import make_llm, run

MODELS = [
    "gpt-4o-mini",
    "claude-3-5-sonnet-20240620",
    "deepseek-reasoner",
    "qwen-plus",
    "gemini-2.0-flash",
]
PATHS = ["chat", "stream_chat", "complete", "stream_complete"]
REASONING = {"deepseek-reasoner"}


class Joke(BaseModel):
    """A joke."""

    setup: str
    punchline: str


JOKE = {"setup": "Why?", "punchline": "Because."}


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}."


def get_time(city: str) -> str:
    """The local time in a city."""
    return f"10:00 in {city}."


TOOLS = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]


@pytest.fixture(autouse=True)
def quiet_shaper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimhub._shaping, "_warned", set())


@pytest.fixture(params=MODELS)
def model(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def final(result: Any) -> Any:
    return result[-1] if isinstance(result, list) else result


@pytest.mark.parametrize("path", PATHS)
async def test_every_chat_path(model: str, path: str, is_async: bool) -> None:
    gateway = FamilyGateway(text="Hello from the gateway!")
    llm = make_llm(gateway, model=model)
    prompt: Any = "Hi" if "complete" in path else [ChatMessage(role="user", content="Hi")]
    result = await run(llm, path, is_async, prompt)
    last = final(result)
    text = last.text if "complete" in path else last.message.content
    assert text == "Hello from the gateway!"
    if path.startswith("stream"):
        assert "".join(r.delta or "" for r in result) == "Hello from the gateway!"
        assert len(result) > 2
    info = last.additional_kwargs
    assert (info["finish_reason"], info["request_id"]) == ("stop", REQUEST_ID)
    assert info["usage"]["total_tokens"] == 40
    assert gateway.requests[0].url.path == "/v1/chat/completions"


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_several_tool_calls_and_their_results(
    model: str, stream: bool, is_async: bool
) -> None:
    gateway = FamilyGateway(text="Sunny, and it is 10:00.")
    llm = make_llm(gateway, model=model)
    history = [ChatMessage(role=MessageRole.USER, content="Weather and time in Paris?")]
    method = "stream_chat_with_tools" if stream else "chat_with_tools"
    response = final(
        await run(
            llm, method, is_async, TOOLS, chat_history=history, allow_parallel_tool_calls=True
        )
    )
    calls = llm.get_tool_calls_from_response(response)
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {"city": "Paris"}),
    ]
    assert response.additional_kwargs["finish_reason"] == "tool_calls"
    history.append(response.message)
    for call, tool in zip(calls, TOOLS, strict=True):
        output = tool.call(**call.tool_kwargs)
        history.append(
            ChatMessage(
                role=MessageRole.TOOL,
                content=str(output),
                additional_kwargs={"tool_call_id": call.tool_id},
            )
        )
    answer = final(await run(llm, method, is_async, TOOLS, chat_history=history))
    assert answer.message.content == "Sunny, and it is 10:00."
    sent = gateway.bodies[1]["messages"]
    assert [c["id"] for c in sent[1]["tool_calls"]] == [c.tool_id for c in calls]
    assert [m["tool_call_id"] for m in sent[2:]] == [c.tool_id for c in calls]
    # The reasoning round trip: echoed on the tool-call turn only where the family needs it.
    assert ("reasoning_content" in sent[1]) is (model in REASONING)


async def test_structured_output_by_the_family_method(model: str, is_async: bool) -> None:
    gateway = FamilyGateway(structured=JOKE)
    llm = make_llm(gateway, model=model)
    with pytest.warns(AimhubParameterWarning) if model == "qwen-plus" else nullcontext():
        joke = await run(llm, "structured_predict", is_async, Joke, PromptTemplate("A joke."))
    assert joke == Joke(**JOKE)
    body = gateway.bodies[0]
    method = capabilities_for(model).structured_output
    if method == "function_calling":
        assert [t["function"]["name"] for t in body["tools"]] == ["Joke"]
    elif method == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
    else:
        assert body["response_format"] == {"type": "json_object"}


async def test_image_input(model: str, is_async: bool) -> None:
    gateway = FamilyGateway(text="A cat.")
    llm = make_llm(gateway, model=model)
    message = ChatMessage(
        role=MessageRole.USER,
        blocks=[TextBlock(text="What is this?"), ImageBlock(url="https://x.test/cat.png")],
    )
    if not llm.vision:
        with pytest.raises(ConfigurationError, match="does not take image input"):
            await run(llm, "chat", is_async, [message])
        assert gateway.requests == []  # refused before anything is sent
        return
    response = await run(llm, "chat", is_async, [message])
    assert response.message.content == "A cat."
    part = gateway.bodies[0]["messages"][0]["content"][1]
    assert part == {"type": "image_url", "image_url": {"url": "https://x.test/cat.png"}}


@pytest.mark.parametrize("path", ["chat", "stream_chat"])
async def test_usage_details(model: str, path: str, is_async: bool) -> None:
    llm = make_llm(FamilyGateway(), model=model)
    info = final(await run(llm, path, is_async, [ChatMessage(role="user", content="Hi")]))
    usage = info.additional_kwargs["usage"]
    assert (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]) == (31, 9, 40)
    family = capabilities_for(model).family
    assert usage.get("cache_read_tokens") == (16 if family in ("openai", "deepseek") else None)
    assert usage.get("reasoning_tokens") == (4 if model in REASONING else None)


@pytest.mark.parametrize("path", ["chat", "stream_chat"])
async def test_reasoning_comes_out_as_thinking(model: str, path: str, is_async: bool) -> None:
    llm = make_llm(FamilyGateway(), model=model)
    result = await run(llm, path, is_async, [ChatMessage(role="user", content="Hi")])
    thinking = [b for b in final(result).message.blocks if isinstance(b, ThinkingBlock)]
    if model in REASONING:
        assert [b.content for b in thinking] == ["Let me think."]
        if path == "stream_chat":
            streamed = "".join(r.additional_kwargs.get("thinking_delta", "") for r in result)
            assert streamed == "Let me think."
    else:
        assert thinking == []


# LlamaIndex's workflow runtime inspects pydantic instances with `inspect.getmembers`.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
@pytest.mark.parametrize("streaming", [True, False], ids=["streaming", "not-streaming"])
async def test_a_function_agent_calls_two_tools_over_several_turns(
    model: str, streaming: bool
) -> None:
    gateway = FamilyGateway(text="Sunny; 10:00.", parallel=False)
    agent = FunctionAgent(tools=TOOLS, llm=make_llm(gateway, model=model), streaming=streaming)
    result = await agent.run(user_msg="Weather and time in Paris?")
    assert str(result.response.content) == "Sunny; 10:00."
    assert len(gateway.requests) == 3  # get_weather, then get_time, then the answer
    assert [body["stream"] for body in gateway.bodies] == [streaming] * 3
    last = gateway.bodies[-1]["messages"]
    assert [m["role"] for m in last[-4:]] == ["assistant", "tool", "assistant", "tool"]
    assert last[-3]["content"] == "Sunny in Paris."
