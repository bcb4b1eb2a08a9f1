"""ChatAimhub sends exactly the JSON each family needs."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    HumanMessageChunk,
    SystemMessage,
    SystemMessageChunk,
    ToolMessage,
    ToolMessageChunk,
)
from langchain_core.tools import tool
from pydantic import BaseModel

from aimhub import ConfigurationError
from aimhub._shaping import AimhubParameterWarning
from tests.unit.langchain._gateway import Gateway, completion, make_llm

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)


@tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    return f"sunny in {city}"


@pytest.fixture(autouse=True)
def _quiet_shaping_warnings() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AimhubParameterWarning)
        yield


def test_fields_map_to_openai_names_and_max_tokens_stays_max_tokens() -> None:
    gateway = Gateway(completion())
    llm = make_llm(
        gateway,
        temperature=0.2,
        max_completion_tokens=50,
        top_p=0.9,
        stop_sequences=["END"],
        seed=7,
        model_kwargs={"user": "u1"},
    )
    llm.invoke("hi")
    body = gateway.last
    assert body["max_tokens"] == 50
    assert "max_completion_tokens" not in body
    assert body["stop"] == ["END"]
    assert body["seed"] == 7
    assert body["user"] == "u1"
    assert body["messages"] == [{"role": "user", "content": "hi"}]


def test_openai_reasoning_models_get_max_completion_tokens_and_no_temperature() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="o3-mini", max_tokens=50, temperature=0.5).invoke("hi")
    assert gateway.last["max_completion_tokens"] == 50
    assert "max_tokens" not in gateway.last
    assert "temperature" not in gateway.last


def test_stream_asks_for_usage_unless_disabled() -> None:
    gateway = Gateway(b"data: [DONE]\n\n")
    list(make_llm(gateway).stream("hi"))
    assert gateway.last["stream_options"] == {"include_usage": True}
    list(make_llm(gateway, stream_usage=False).stream("hi"))
    assert "stream_options" not in gateway.last


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("any", "required"),
        ("required", "required"),
        ("get_weather", {"type": "function", "function": {"name": "get_weather"}}),
        (True, {"type": "function", "function": {"name": "get_weather"}}),
    ],
)
def test_tool_choice_forms(choice: Any, expected: Any) -> None:
    gateway = Gateway(completion())
    make_llm(gateway).bind_tools([get_weather], tool_choice=choice).invoke("weather?")
    assert gateway.last["tool_choice"] == expected
    assert gateway.last["tools"][0]["function"]["name"] == "get_weather"
    assert "parallel_tool_calls" not in gateway.last


def test_tool_choice_required_is_downgraded_for_qwen_with_a_warning() -> None:
    gateway = Gateway(completion())
    llm = make_llm(gateway, model="qwen-plus")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        llm.bind_tools([get_weather], tool_choice="required").invoke("weather?")
    assert gateway.last["tool_choice"] == "auto"
    assert any("tool_choice" in str(w.message) for w in caught)


def test_parallel_tool_calls_sent_only_when_set_and_dropped_for_o_series() -> None:
    gateway = Gateway(completion())
    make_llm(gateway).bind_tools([get_weather], parallel_tool_calls=False).invoke("x")
    assert gateway.last["parallel_tool_calls"] is False
    make_llm(gateway, model="o3").bind_tools([get_weather], parallel_tool_calls=False).invoke("x")
    assert "parallel_tool_calls" not in gateway.last


def test_qwen_gets_explicit_top_p_and_thinking_off_when_not_streaming() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="qwen3-32b").invoke("hi")
    assert gateway.last["top_p"] == 0.8
    assert gateway.last["enable_thinking"] is False


def test_qwen_thinking_requested_without_streaming_streams_underneath() -> None:
    gateway = Gateway(
        b'data: {"choices":[{"delta":{"reasoning_content":"r"}}]}\n\n'
        b'data: {"choices":[{"delta":{"content":"A"},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    answer = make_llm(gateway, model="qwen3-32b", extra_body={"enable_thinking": True}).invoke("hi")
    assert gateway.last["stream"] is True
    assert answer.content == "A"
    assert answer.additional_kwargs["reasoning_content"] == "r"


def test_glm_sampling_is_clamped_into_open_interval() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="glm-4", temperature=0, top_p=1).invoke("hi")
    assert gateway.last["temperature"] == 0.01
    assert gateway.last["top_p"] == 0.99


def test_claude_system_messages_are_merged_first_and_roles_alternate() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="claude-3-5-sonnet-20240620").invoke(
        [SystemMessage("a"), HumanMessage("u1"), SystemMessage("b"), HumanMessage("u2")]
    )
    assert gateway.last["messages"] == [
        {"role": "system", "content": "a\n\nb"},
        {"role": "user", "content": "u1\n\nu2"},
    ]


def test_developer_role_is_never_sent_to_non_openai_models() -> None:
    gateway = Gateway(completion())
    from langchain_core.messages import ChatMessage

    make_llm(gateway, model="qwen-max").invoke(
        [ChatMessage(role="developer", content="d"), HumanMessage("hi")]
    )
    assert gateway.last["messages"][0]["role"] == "system"


def test_deepseek_json_schema_becomes_json_object() -> None:
    class Joke(BaseModel):
        setup: str
        punchline: str

    gateway = Gateway(completion('{"setup":"s","punchline":"p"}'))
    llm = make_llm(gateway, model="deepseek-chat")
    result = llm.with_structured_output(Joke, method="json_schema").invoke("joke")
    assert result == Joke(setup="s", punchline="p")
    assert gateway.last["response_format"] == {"type": "json_object"}
    assert "setup" in gateway.last["messages"][0]["content"]


def test_structured_output_default_method_comes_from_the_family() -> None:
    class Joke(BaseModel):
        setup: str

    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "Joke", "arguments": '{"setup": "s"}'},
    }
    gateway = Gateway(completion(None, tool_calls=[call], finish="tool_calls"))
    assert make_llm(gateway, model="claude-3-5-sonnet").with_structured_output(Joke).invoke(
        "j"
    ) == Joke(setup="s")
    assert gateway.last["tool_choice"] == {"type": "function", "function": {"name": "Joke"}}
    gateway = Gateway(completion('{"setup": "s"}'))
    make_llm(gateway).with_structured_output(Joke).invoke("j")
    assert gateway.last["response_format"]["type"] == "json_schema"


def test_structured_output_include_raw_keeps_parsing_errors() -> None:
    class Joke(BaseModel):
        setup: str

    gateway = Gateway(completion("not json"))
    out = (
        make_llm(gateway)
        .with_structured_output(Joke, method="json_mode", include_raw=True)
        .invoke("j")
    )
    assert out["parsed"] is None
    assert out["parsing_error"] is not None
    assert isinstance(out["raw"], AIMessage)


def test_reasoning_is_echoed_only_on_tool_turns_for_families_that_need_it() -> None:
    history = [
        HumanMessage("q"),
        AIMessage(
            "",
            additional_kwargs={"reasoning_content": "thought"},
            tool_calls=[{"name": "get_weather", "args": {"city": "x"}, "id": "c1"}],
        ),
        ToolMessage("sunny", tool_call_id="c1"),
        AIMessage("done", additional_kwargs={"reasoning_content": "later"}),
        HumanMessage("again"),
    ]
    gateway = Gateway(completion())
    make_llm(gateway, model="deepseek-reasoner").invoke(history)
    sent = gateway.last["messages"]
    assert sent[1]["reasoning_content"] == "thought"
    assert "reasoning_content" not in sent[3]
    make_llm(gateway, model="gpt-4o").invoke(history)
    assert all("reasoning_content" not in m for m in gateway.last["messages"])


def test_streamed_messages_fed_back_keep_their_roles_and_echo_policy() -> None:
    # `sum(llm.stream(...))` is an AIMessageChunk whose `type` is "AIMessageChunk".
    streamed = AIMessageChunk(
        "",
        additional_kwargs={"reasoning_content": "thought"},
        tool_call_chunks=[{"name": "get_weather", "args": '{"city": "x"}', "id": "c1", "index": 0}],
    )
    history = [HumanMessageChunk("q"), streamed, ToolMessageChunk("sunny", tool_call_id="c1")]
    gateway = Gateway(completion())
    make_llm(gateway, model="qwen3-32b").invoke([SystemMessageChunk("s"), *history])
    system, user, assistant, tool_msg = gateway.last["messages"]
    assert [m["role"] for m in (system, user, assistant, tool_msg)] == [
        "system",
        "user",
        "assistant",
        "tool",
    ]
    assert assistant["tool_calls"][0]["id"] == "c1"
    assert "reasoning_content" not in assistant  # Qwen3: never echoed
    make_llm(gateway, model="deepseek-reasoner").invoke(history)
    assert gateway.last["messages"][1]["reasoning_content"] == "thought"


def test_tool_history_is_sent_with_ids_and_json_arguments() -> None:
    gateway = Gateway(completion())
    make_llm(gateway).invoke(
        [
            HumanMessage("q"),
            AIMessage(
                "", tool_calls=[{"name": "get_weather", "args": {"city": "北京"}, "id": "c1"}]
            ),
            ToolMessage("sunny", tool_call_id="c1"),
        ]
    )
    assistant, tool_msg = gateway.last["messages"][1:]
    assert assistant["content"] is None
    assert assistant["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "北京"}',
    }
    assert tool_msg == {"role": "tool", "tool_call_id": "c1", "content": "sunny"}


def test_standard_and_openai_media_blocks_become_wire_parts() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="gpt-4o").invoke(
        [
            HumanMessage(
                content=[
                    {"type": "text", "text": "look"},
                    {"type": "image", "base64": PNG, "mime_type": "image/png"},
                    {"type": "image", "url": "https://x.test/a.png"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "https://x.test/b.png", "detail": "low"},
                    },
                    {
                        "type": "file",
                        "base64": "JVBERi0=",
                        "mime_type": "application/pdf",
                        "filename": "a.pdf",
                    },
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                    },
                ]
            )
        ]
    )
    parts = gateway.last["messages"][0]["content"]
    assert parts[1] == {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    assert parts[2]["image_url"]["url"] == "https://x.test/a.png"
    assert parts[3]["image_url"]["detail"] == "low"
    assert parts[4] == {
        "type": "file",
        "file": {"file_data": "data:application/pdf;base64,JVBERi0=", "filename": "a.pdf"},
    }
    assert parts[5]["image_url"]["url"].startswith("data:image/png;base64,")


def test_gemini_takes_audio_and_pdf_through_image_url() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="gemini-2.0-flash").invoke(
        [
            HumanMessage(
                content=[
                    {"type": "audio", "url": "https://x.test/a.mp3"},
                    {"type": "file", "url": "https://x.test/a.pdf", "mime_type": "application/pdf"},
                ]
            )
        ]
    )
    parts = gateway.last["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["image_url", "image_url"]


def test_openai_audio_goes_as_input_audio() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, model="gpt-4o-audio-preview").invoke(
        [
            HumanMessage(
                content=[
                    {"type": "audio", "base64": "UklGRg==", "mime_type": "audio/wav"},
                ]
            )
        ]
    )
    assert gateway.last["messages"][0]["content"][0] == {
        "type": "input_audio",
        "input_audio": {"data": "UklGRg==", "format": "wav"},
    }


def test_block_a_model_cannot_take_is_a_clear_error_naming_block_and_model() -> None:
    llm = make_llm(Gateway(completion()), model="deepseek-chat")
    with pytest.raises(
        ConfigurationError, match=r"deepseek-chat does not take image input \(message 0, block 1\)"
    ):
        llm.invoke(
            [
                HumanMessage(
                    content=[
                        {"type": "text", "text": "x"},
                        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                    ]
                )
            ]
        )


def test_per_call_model_override_uses_that_models_rules() -> None:
    gateway = Gateway(completion())
    make_llm(gateway, max_tokens=5).invoke("hi", model="o4-mini")
    assert gateway.last["model"] == "o4-mini"
    assert gateway.last["max_completion_tokens"] == 5


def test_images_in_tool_results_only_where_the_family_takes_them() -> None:
    image = {"type": "image", "url": "https://x.test/chart.png"}
    turn = [
        HumanMessage("chart?"),
        AIMessage("", tool_calls=[{"name": "chart", "args": {}, "id": "call_1"}]),
        ToolMessage(content=[image], tool_call_id="call_1"),
    ]
    gateway = Gateway(completion())
    make_llm(gateway, model="gpt-4o").invoke(turn)
    # Lifted to a user turn after the tool result, where the model sees it.
    assert gateway.last["messages"][-1]["content"][1]["type"] == "image_url"
    with pytest.raises(ConfigurationError, match=r"media in tool messages \(message 2\)"):
        make_llm(gateway, model="gemini-2.0-flash").invoke(turn)
    assert len(gateway.requests) == 1
