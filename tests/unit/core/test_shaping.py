"""Request shaping: the exact JSON sent for each family rule (docs/gateway-behaviour.md §5-§9)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from aimhub._catalog import capabilities_for
from aimhub._shaping import AimhubParameterWarning, shape_chat_request

USER = {"role": "user", "content": "hi"}


def shaped(model: str, stream: bool = False, **body: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AimhubParameterWarning)
        out = shape_chat_request({"model": model, **body}, capabilities_for(model), stream=stream)
    return out.body


@pytest.mark.parametrize(
    ("model", "body", "expected"),
    [
        # max_tokens by default; max_completion_tokens only for OpenAI reasoning; never both
        ("claude-3-haiku", {"max_completion_tokens": 9}, {"max_tokens": 9}),
        ("gpt-4o", {"max_tokens": 9, "max_completion_tokens": 5}, {"max_tokens": 9}),
        ("o1", {"max_tokens": 9}, {"max_completion_tokens": 9}),
        ("gpt-5", {"max_tokens": 9, "temperature": 0.3}, {"max_completion_tokens": 9}),
        # GLM open intervals
        ("glm-4", {"temperature": 0, "top_p": 1}, {"temperature": 0.01, "top_p": 0.99}),
        ("glm-4", {"temperature": 1.5}, {"temperature": 1.0}),
        # Qwen: explicit 2-decimal top_p, thinking off when not streaming
        ("qwen-plus", {}, {"top_p": 0.8}),
        ("qwen-plus", {"top_p": 0.123}, {"top_p": 0.12}),
        ("qwen3-8b", {}, {"top_p": 0.8, "enable_thinking": False}),
        # Claude takes temperature in [0, 1] and no seed
        ("claude-3-opus", {"temperature": 1.7, "seed": 3}, {"temperature": 1.0}),
        # Kimi K2.6 takes temperature 1 only
        ("kimi-k2.6", {"temperature": 0.2}, {"temperature": 1.0}),
        # reasoning_effort only where the family takes it
        ("gpt-4o", {"reasoning_effort": "high"}, {}),
        ("o3-mini", {"reasoning_effort": "high"}, {"reasoning_effort": "high"}),
        # tool_choice downgrades and `any`
        ("gpt-4o", {"tool_choice": "any"}, {"tool_choice": "required"}),
        ("qwen-max", {"tool_choice": "required"}, {"tool_choice": "auto", "top_p": 0.8}),
        (
            "glm-4",
            {"tool_choice": {"type": "function", "function": {"name": "f"}}},
            {"tool_choice": "auto"},
        ),
        ("o1", {"parallel_tool_calls": True}, {}),
        # DeepSeek json_schema -> json_object (schema moves to the prompt, checked below)
        (
            "deepseek-chat",
            {"response_format": {"type": "json_schema", "json_schema": {}}},
            {"response_format": {"type": "json_object"}},
        ),
    ],
)
def test_parameter_rules(model: str, body: dict[str, Any], expected: dict[str, Any]) -> None:
    out = shaped(model, **body)
    assert {k: v for k, v in out.items() if k != "model"} == expected


def test_strict_is_removed_for_upstreams_that_ignore_it() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {}, "strict": True}}
    assert shaped("deepseek-chat", tools=[tool])["tools"][0]["function"] == {
        "name": "f",
        "parameters": {},
    }
    assert shaped("gpt-4o", tools=[tool])["tools"][0]["function"]["strict"] is True


def test_json_schema_fallback_puts_the_schema_in_a_system_message() -> None:
    fmt = {"type": "json_schema", "json_schema": {"schema": {"type": "object", "required": ["a"]}}}
    out = shaped("deepseek-chat", response_format=fmt, messages=[USER])
    assert out["messages"][0]["role"] == "system"
    assert '"required": ["a"]' in out["messages"][0]["content"]
    assert out["messages"][1] == USER


def test_json_mode_is_asked_in_the_prompt_where_response_format_is_not_forwarded() -> None:
    out = shaped("ERNIE-Bot-4", response_format={"type": "json_object"}, messages=[USER])
    assert "response_format" not in out
    assert "JSON" in out["messages"][0]["content"]


def test_claude_roles() -> None:
    messages = [
        {"role": "system", "content": "a"},
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "u1"},
        {"role": "user", "content": "u2"},
        {"role": "system", "content": "b"},
        {"role": "tool", "tool_call_id": "c", "content": [{"type": "text", "text": "r"}]},
    ]
    assert shaped("claude-3-haiku", messages=messages)["messages"] == [
        {"role": "system", "content": "a\n\nb"},
        {"role": "user", "content": "..."},
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "u1\n\nu2"},
        {"role": "tool", "tool_call_id": "c", "content": "r"},
    ]


def test_ernie_drops_leading_assistant_turns_and_merges_same_roles() -> None:
    messages = [
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "a"},
        {"role": "user", "content": "b"},
    ]
    assert shaped("ernie-4.0-8k", messages=messages)["messages"] == [
        {"role": "user", "content": "a\n\nb"}
    ]


def test_openai_messages_are_passed_through_untouched() -> None:
    messages = [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    assert shaped("gpt-4o", messages=messages)["messages"] == messages


def test_developer_role_only_for_openai_reasoning_models() -> None:
    dev = [{"role": "developer", "content": "d"}, USER]
    assert shaped("qwen-max", messages=dev)["messages"][0]["role"] == "system"
    assert shaped("o3", messages=dev)["messages"][0]["role"] == "developer"


def test_reasoning_echo_policy() -> None:
    turn = {
        "role": "assistant",
        "content": None,
        "reasoning_content": "r",
        "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
        ],
    }
    plain = {"role": "assistant", "content": "x", "reasoning_content": "r"}
    assert (
        shaped("deepseek-reasoner", messages=[USER, turn])["messages"][1]["reasoning_content"]
        == "r"
    )
    assert (
        "reasoning_content"
        not in shaped("deepseek-reasoner", messages=[USER, plain])["messages"][1]
    )
    assert "reasoning_content" not in shaped("deepseek-r1", messages=[USER, turn])["messages"][1]
    assert "reasoning_content" not in shaped("gpt-4o", messages=[USER, turn])["messages"][1]


def test_a_changed_user_value_warns_once_naming_value_and_rule() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            shape_chat_request(
                {"model": "glm-4-plus", "temperature": 0},
                capabilities_for("glm-4-plus"),
                stream=False,
            )
    messages = [str(w.message) for w in caught if issubclass(w.category, AimhubParameterWarning)]
    assert len(messages) == 1
    assert "temperature=0" in messages[0]
    assert "range [0.01, 1.0]" in messages[0]  # GLM's open interval, as catalogue data


def test_shaping_does_not_mutate_the_callers_body() -> None:
    body = {"model": "glm-4", "temperature": 0, "messages": [USER]}
    shape_chat_request(body, capabilities_for("glm-4"), stream=False)
    assert body == {"model": "glm-4", "temperature": 0, "messages": [USER]}


def test_stream_usage_opt_out_is_data() -> None:
    caps = capabilities_for("gpt-4o").replace(stream_usage=False)
    assert shape_chat_request({"model": "x"}, caps, stream=True).body["stream_options"] is None
