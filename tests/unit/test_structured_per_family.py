"""Structured output uses a method the family's upstream honours, asks for JSON once, and the
warning names the family it is about."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from pydantic import BaseModel

import aimhub._shaping
from aimhub._catalog import capabilities_for
from aimhub._shaping import AimhubParameterWarning, shape_chat_request, structured_method
from tests.unit.langchain._gateway import Gateway, completion, make_llm


class Joke(BaseModel):
    setup: str
    punchline: str


CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "Joke", "arguments": '{"setup": "s", "punchline": "p"}'},
}


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimhub._shaping, "_warned", set())


@pytest.mark.parametrize("method", ["json_schema", "json_mode"])
def test_claude_json_methods_become_a_tool_call(method: Any) -> None:
    gateway = Gateway(completion(None, tool_calls=[CALL], finish="tool_calls"))
    llm = make_llm(gateway, model="claude-3-5-sonnet-20240620")
    with pytest.warns(AimhubParameterWarning, match=r"claude family.*method='function_calling'"):
        runnable = llm.with_structured_output(Joke, method=method)
    assert runnable.invoke("joke") == Joke(setup="s", punchline="p")
    sent = gateway.last
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "Joke"}}
    assert "response_format" not in sent
    assert "JSON" not in json.dumps(sent["messages"])


def test_qwen_json_schema_warning_names_qwen_not_deepseek() -> None:
    with pytest.warns(AimhubParameterWarning) as caught:
        make_llm(Gateway(completion()), model="qwen-plus").with_structured_output(
            Joke, method="json_schema"
        )
    text = " ".join(str(w.message) for w in caught)
    assert "qwen family" in text
    assert "DeepSeek" not in text


def test_deepseek_warning_names_deepseek() -> None:
    body = {
        "model": "deepseek-chat",
        "messages": [{"role": "user", "content": "joke"}],
        "response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}},
    }
    with pytest.warns(AimhubParameterWarning, match="deepseek family"):
        shape_chat_request(body, capabilities_for("deepseek-chat"), stream=False)


def test_the_json_instruction_is_sent_once_when_neither_format_is_accepted() -> None:
    caps = capabilities_for("my-model", {"json_schema": False, "json_mode": False})
    body = {
        "model": "my-model",
        "messages": [{"role": "user", "content": "joke"}],
        "response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}},
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = shape_chat_request(body, caps, stream=False).body
    instructions = [m for m in out["messages"] if m["role"] == "system"]
    assert len(instructions) == 1
    assert '"type": "object"' in instructions[0]["content"]
    assert "response_format" not in out
    assert len(caught) == 1
    assert "neither response_format json_schema nor json_object" in str(caught[0].message)


def test_methods_that_work_are_kept() -> None:
    gpt = capabilities_for("gpt-4o")
    assert structured_method(gpt, "json_schema", has_schema=True) == ("json_schema", None)
    claude = capabilities_for("claude-3-5-sonnet-20240620")
    assert structured_method(claude, "json_mode", has_schema=False) == ("json_mode", None)
    assert structured_method(claude, None, has_schema=True) == ("function_calling", None)
