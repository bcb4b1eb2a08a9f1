"""Structured output by each family's best method: JSON schema, JSON mode or function calling."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import PydanticProgramMode
from pydantic import BaseModel

import aimhub._shaping
from aimhub._shaping import AimhubParameterWarning
from tests.unit.llamaindex._gateway import FamilyGateway
from tests.unit.llamaindex._llm import make_llm, run
from tests.unit.llamaindex._observe import observed


class Joke(BaseModel):
    """A joke with its punchline."""

    setup: str
    punchline: str


JOKE = {"setup": "Why did the cat sit on the laptop?", "punchline": "To keep an eye on the mouse."}
PROMPT = PromptTemplate("Tell a joke about {topic}.")


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimhub._shaping, "_warned", set())


async def predict(model: str, is_async: bool, **llm_kwargs: Any) -> tuple[Joke, FamilyGateway]:
    gateway = FamilyGateway(structured=JOKE)
    llm = make_llm(gateway, model=model, **llm_kwargs)
    joke = await run(llm, "structured_predict", is_async, Joke, PROMPT, topic="cats")
    assert joke == Joke(**JOKE)
    return joke, gateway


async def test_json_schema_families_get_a_response_format(is_async: bool) -> None:
    with observed() as events:
        _, gateway = await predict("gpt-4o-mini", is_async)
    (body,) = gateway.bodies
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Joke", "schema": Joke.model_json_schema()},
    }
    assert "tools" not in body
    assert body["messages"] == [{"role": "user", "content": "Tell a joke about cats."}]
    assert "LLMStructuredPredictStartEvent" in events.names
    assert "LLMStructuredPredictEndEvent" in events.names


async def test_json_mode_families_get_json_object_and_the_schema_in_the_prompt(
    is_async: bool,
) -> None:
    # DeepSeek answers 400 to `json_schema` (docs/gateway-behaviour.md §9): JSON mode plus the
    # schema in words.
    _, gateway = await predict("deepseek-chat", is_async)
    (body,) = gateway.bodies
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]
    assert system["role"] == "system"
    assert '"punchline"' in system["content"]
    assert "Output a valid JSON object" in system["content"]


async def test_families_without_json_mode_get_only_the_prompt(is_async: bool) -> None:
    _, gateway = await predict("ernie-4.0-8k", is_async)
    (body,) = gateway.bodies
    assert "response_format" not in body
    assert "JSON schema" in body["messages"][0]["content"]


async def test_tool_families_use_a_required_function_call(is_async: bool) -> None:
    _, gateway = await predict("claude-3-5-sonnet-20240620", is_async)
    (body,) = gateway.bodies
    assert [t["function"]["name"] for t in body["tools"]] == ["Joke"]
    assert body["tool_choice"] == "required"
    assert "response_format" not in body


async def test_qwen_uses_tools_with_tool_choice_downgraded(is_async: bool) -> None:
    with pytest.warns(AimhubParameterWarning, match="tool_choice"):
        _, gateway = await predict("qwen-plus", is_async)
    assert gateway.bodies[0]["tool_choice"] == "auto"


async def test_an_explicit_program_mode_wins(is_async: bool) -> None:
    _, gateway = await predict(
        "gpt-4o-mini", is_async, pydantic_program_mode=PydanticProgramMode.LLM
    )
    (body,) = gateway.bodies
    assert "response_format" not in body
    assert "tools" not in body


@pytest.mark.parametrize("model", ["gpt-4o-mini", "deepseek-chat", "claude-3-5-sonnet-20240620"])
async def test_stream_structured_predict_ends_with_the_object(is_async: bool, model: str) -> None:
    gateway = FamilyGateway(structured=JOKE)
    llm = make_llm(gateway, model=model)
    if is_async:
        stream = await llm.astream_structured_predict(Joke, PROMPT, topic="cats")
        partials = [p async for p in stream]
    else:
        partials = list(llm.stream_structured_predict(Joke, PROMPT, topic="cats"))
    assert len(partials) > 1
    assert Joke.model_validate(partials[-1].model_dump()) == Joke(**JOKE)
    assert gateway.bodies[0]["stream"] is True


@pytest.mark.parametrize("model", ["gpt-4o-mini", "claude-3-5-sonnet-20240620"])
async def test_as_structured_llm(is_async: bool, model: str) -> None:
    llm = make_llm(FamilyGateway(structured=JOKE), model=model).as_structured_llm(Joke)
    messages = [ChatMessage(role=MessageRole.USER, content="Tell a joke about cats.")]
    response = await run(llm, "chat", is_async, messages)
    assert response.raw == Joke(**JOKE)
