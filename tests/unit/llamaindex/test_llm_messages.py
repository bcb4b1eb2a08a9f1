"""`ChatMessage` → wire: text, media blocks via the core's `media_part`, tool turns, reasoning."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    CacheControl,
    CachePoint,
    ChatMessage,
    CitableBlock,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from aimhub import ConfigurationError
from aimhub._catalog import capabilities_for
from aimhub._shaping import AimhubParameterWarning, shape_chat_request
from llamaindex_aimhub._convert import message_to_dict, to_wire_messages

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PNG_B64 = base64.b64encode(PNG).decode()
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 16
PDF = b"%PDF-1.4\n%fake\n"


def convert(message: ChatMessage, model: str = "gpt-4o-mini") -> dict[str, Any]:
    return message_to_dict(message, capabilities_for(model), model, 0)


def user(*blocks: Any) -> ChatMessage:
    return ChatMessage(role=MessageRole.USER, blocks=list(blocks))


def test_text_only_content_is_a_plain_string() -> None:
    message = user(TextBlock(text="one"), TextBlock(text="two"))
    assert convert(message) == {"role": "user", "content": "one\ntwo"}


def test_image_url_keeps_its_detail() -> None:
    message = user(
        TextBlock(text="What is this?"), ImageBlock(url="https://x.test/a.jpeg", detail="low")
    )
    assert convert(message)["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.jpeg", "detail": "low"}},
    ]


def test_image_bytes_become_a_data_url() -> None:
    part = convert(user(ImageBlock(image=PNG)))["content"][0]
    assert part == {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}


def test_image_path_is_read_and_inlined(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    part = convert(user(ImageBlock(path=path)))["content"][0]
    assert part["image_url"]["url"] == f"data:image/png;base64,{PNG_B64}"


def test_audio_bytes_become_input_audio() -> None:
    part = convert(user(AudioBlock(audio=WAV, format="wav")), "gpt-4o-audio-preview")["content"][0]
    assert part == {
        "type": "input_audio",
        "input_audio": {"data": base64.b64encode(WAV).decode(), "format": "wav"},
    }


def test_gemini_takes_audio_and_pdf_urls_as_image_url_parts() -> None:
    # 钱多多's API docs: an mp3 and a pdf sent to gemini-2.0-flash as `image_url` parts.
    message = user(
        AudioBlock(url="https://x.test/31-2.mp3"),
        DocumentBlock(url="https://x.test/a.pdf"),
    )
    parts = convert(message, "gemini-2.0-flash")["content"]
    assert [p["image_url"]["url"] for p in parts] == [
        "https://x.test/31-2.mp3",
        "https://x.test/a.pdf",
    ]


def test_llamaindex_placeholder_title_is_not_sent_as_the_file_name() -> None:
    part = convert(user(DocumentBlock(data=PDF)))["content"][0]
    assert part["file"]["file_data"].startswith("data:application/pdf;base64,")
    assert part["file"].get("filename") != "input_document"


def test_pdf_bytes_become_a_file_part() -> None:
    part = convert(user(DocumentBlock(data=PDF, title="spec.pdf")))["content"][0]
    assert part == {
        "type": "file",
        "file": {
            "file_data": f"data:application/pdf;base64,{base64.b64encode(PDF).decode()}",
            "filename": "spec.pdf",
        },
    }


@pytest.mark.parametrize(
    ("model", "block", "words"),
    [
        ("deepseek-chat", ImageBlock(url="https://x.test/a.png"), "image input"),
        ("gpt-4o-mini", AudioBlock(audio=WAV, format="wav"), "audio input"),
        ("qwen-plus", DocumentBlock(data=PDF), "PDF/file input"),
        ("gpt-4o-audio-preview", AudioBlock(url="https://x.test/a.wav"), "base64"),
    ],
)
def test_media_the_model_cannot_take_is_a_clear_error(model: str, block: Any, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        convert(user(TextBlock(text="look"), block), model)
    assert "message 0, block 1" in str(info.value)


def test_unsupported_blocks_are_named() -> None:
    block = CitableBlock(title="t", source="s", content=[TextBlock(text="x")])
    with pytest.raises(ConfigurationError, match="CitableBlock at message 0, block 0"):
        convert(user(block))


def test_cache_points_are_left_out_with_a_warning_where_the_family_has_no_prompt_cache() -> None:
    message = user(TextBlock(text="hi"), CachePoint(cache_control=CacheControl(type="ephemeral")))
    with pytest.warns(AimhubParameterWarning, match="cache_control"):
        assert convert(message, "gpt-4o-mini-cachetest")["content"] == "hi"


def test_a_cache_point_marks_the_block_before_it_for_claude() -> None:
    message = user(
        TextBlock(text="long prefix"),
        CachePoint(cache_control=CacheControl(type="ephemeral")),
        TextBlock(text="question"),
    )
    assert convert(message, "claude-3-5-sonnet-20240620")["content"] == [
        {
            "type": "text",
            "text": "long prefix",
            "cache_control": {"type": "ephemeral", "ttl": "5m"},
        },
        {"type": "text", "text": "question"},
    ]


def test_assistant_turn_with_reasoning_and_tool_calls() -> None:
    message = ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[
            ThinkingBlock(content="Need the weather."),
            TextBlock(text=""),
            ToolCallBlock(
                tool_call_id="call_1", tool_name="get_weather", tool_kwargs={"city": "巴黎"}
            ),
            ToolCallBlock(
                tool_call_id="call_2", tool_name="get_time", tool_kwargs='{"city": "Paris"}'
            ),
        ],
    )
    assert convert(message) == {
        "role": "assistant",
        "content": None,  # null beside tool calls: Claude converters reject empty text
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "巴黎"}'},
            },
            {
                "id": "call_2",
                "type": "function",
                "function": {"name": "get_time", "arguments": '{"city": "Paris"}'},
            },
        ],
        "reasoning_content": "Need the weather.",
    }


def test_legacy_tool_calls_in_additional_kwargs_are_sent() -> None:
    legacy = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}]
    message = ChatMessage(
        role=MessageRole.ASSISTANT, content="", additional_kwargs={"tool_calls": legacy}
    )
    out = convert(message)
    assert out["tool_calls"] == [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    ]


def test_assistant_call_without_id_is_an_error() -> None:
    message = ChatMessage(role=MessageRole.ASSISTANT, blocks=[ToolCallBlock(tool_name="f")])
    with pytest.raises(ConfigurationError, match="no tool_call_id"):
        convert(message)


def test_tool_result_turn() -> None:
    message = ChatMessage(
        role=MessageRole.TOOL, content="sunny", additional_kwargs={"tool_call_id": "call_1"}
    )
    assert convert(message) == {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}


def test_tool_result_without_call_id_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="tool_call_id"):
        convert(ChatMessage(role=MessageRole.TOOL, content="sunny"))


def test_images_in_tool_results_only_where_the_family_takes_them() -> None:
    message = ChatMessage(
        role=MessageRole.TOOL,
        blocks=[ImageBlock(url="https://x.test/chart.png")],
        additional_kwargs={"tool_call_id": "call_1"},
    )
    assert convert(message, "gpt-4o")["content"][0]["type"] == "image_url"
    # The rule is the core's (one check for every adapter), applied when the request is shaped.
    caps = capabilities_for("gemini-2.0-flash")
    body = {"model": "gemini-2.0-flash", "messages": [convert(message, "gemini-2.0-flash")]}
    with pytest.raises(ConfigurationError, match=r"media in tool messages \(message 0\)"):
        shape_chat_request(body, caps, stream=False)


def test_chatbot_and_model_roles_are_the_assistant() -> None:
    for role in (MessageRole.CHATBOT, MessageRole.MODEL):
        assert convert(ChatMessage(role=role, content="hi"))["role"] == "assistant"


@pytest.mark.parametrize(
    ("model", "kept"),
    [
        # V3.2+ needs it back on tool-call turns (docs/gateway-behaviour.md §7)
        ("deepseek-reasoner", True),
        ("glm-4.5", True),
        ("deepseek-r1", False),  # the original R1 rejects it in input
        ("gpt-4o-mini", False),
        ("qwen3-32b", False),
    ],
)
def test_reasoning_is_echoed_only_where_the_family_needs_it(model: str, kept: bool) -> None:
    history = [
        ChatMessage(role=MessageRole.USER, content="Weather?"),
        ChatMessage(
            role=MessageRole.ASSISTANT,
            blocks=[
                ThinkingBlock(content="Call the tool."),
                ToolCallBlock(tool_call_id="call_1", tool_name="get_weather", tool_kwargs={}),
            ],
        ),
        ChatMessage(
            role=MessageRole.TOOL, content="sunny", additional_kwargs={"tool_call_id": "call_1"}
        ),
    ]
    caps = capabilities_for(model)
    body = {"model": model, "messages": to_wire_messages(history, caps, model)}
    shaped = shape_chat_request(body, caps, stream=False).body
    assert ("reasoning_content" in shaped["messages"][1]) is kept
