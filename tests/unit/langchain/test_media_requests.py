"""Media in the places OpenAI's Chat Completions restricts them (found by the standard suite).

* Inline file data needs a `filename`: without one OpenAI answers 400 "Missing required
  parameter: 'messages[0].content[1].file.file_id'" (openai/openai-agents-python#1513,
  langchain-ai/langchainjs#9570).
* `tool` messages take text parts only: "Image URLs are only allowed for messages with role
  'user', but this message with role 'tool' contains an image URL" (openai/openai-node#1030,
  OpenHands/OpenHands#7700), and "Invalid value: 'file'. Supported values are: 'text'" for files.
  What a tool returns as media travels in a user turn right after the tool results.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from aimhub import ConfigurationError
from tests.unit.langchain._gateway import Gateway, completion, make_llm

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)
PDF = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg=="


def _sent(messages: list[Any], model: str = "gpt-4o-mini") -> list[dict[str, Any]]:
    gateway = Gateway(completion())
    make_llm(gateway, model=model).invoke(messages)
    return list(gateway.last["messages"])


@pytest.mark.parametrize(
    "block",
    [
        {"type": "file", "base64": PDF, "mime_type": "application/pdf"},
        {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF}"}},
    ],
    ids=["standard-block", "openai-file-part"],
)
def test_inline_file_without_a_filename_gets_one(block: dict[str, Any]) -> None:
    sent = _sent([HumanMessage([{"type": "text", "text": "Summarize:"}, block])])
    part = sent[0]["content"][1]
    assert part["type"] == "file"
    assert part["file"] == {
        "file_data": f"data:application/pdf;base64,{PDF}",
        "filename": "document.pdf",
    }


def test_a_given_filename_is_kept() -> None:
    block = {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "q3.pdf"}
    sent = _sent([HumanMessage([block])])
    assert sent[0]["content"][0]["file"]["filename"] == "q3.pdf"


def _tool_turn(*results: ToolMessage) -> list[Any]:
    calls = [
        {"type": "tool_call", "id": r.tool_call_id, "name": "snapshot", "args": {}} for r in results
    ]
    return [HumanMessage("show me"), AIMessage("", tool_calls=calls), *results]


def test_an_image_a_tool_returns_follows_the_tool_results_in_a_user_turn() -> None:
    image = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    sent = _sent(_tool_turn(ToolMessage([image], tool_call_id="1")))
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "user"]
    tool, user = sent[2], sent[3]
    assert isinstance(tool["content"], str)
    assert tool["tool_call_id"] == "1"
    assert "next message" in tool["content"]
    assert user["content"][0]["type"] == "text"
    assert "tool call 1" in user["content"][0]["text"]
    assert user["content"][1] == {
        "type": "image_url",
        "image_url": {"url": f"data:image/png;base64,{PNG}"},
    }


def test_text_of_a_tool_result_stays_in_the_tool_message() -> None:
    result = ToolMessage(
        [
            {"type": "text", "text": "rendered"},
            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        ],
        tool_call_id="1",
    )
    sent = _sent(_tool_turn(result))
    assert sent[2]["content"].startswith("rendered")
    assert sent[3]["content"][1] == {"type": "image_url", "image_url": {"url": "https://x/y.png"}}


def test_media_of_parallel_tool_results_come_after_all_of_them() -> None:
    pdf = {"type": "file", "base64": PDF, "mime_type": "application/pdf"}
    image = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    sent = _sent(
        _tool_turn(
            ToolMessage([pdf], tool_call_id="a"),
            ToolMessage("plain text", tool_call_id="b"),
            ToolMessage([image], tool_call_id="c"),
        )
    )
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool", "tool", "user"]
    assert sent[3]["content"] == "plain text"
    kinds = [p["type"] for p in sent[5]["content"]]
    assert kinds == ["text", "file", "text", "image_url"]
    assert sent[5]["content"][1]["file"]["filename"] == "document.pdf"


def test_a_text_only_tool_history_is_sent_unchanged() -> None:
    sent = _sent(_tool_turn(ToolMessage("3", tool_call_id="1")))
    assert sent[2] == {"role": "tool", "tool_call_id": "1", "content": "3"}
    assert len(sent) == 3


@pytest.mark.parametrize(
    "block",
    [
        {"type": "file", "file_id": "file-abc"},
        {"type": "file", "source_type": "id", "id": "file-abc"},
        {"type": "file", "file": {"file_id": "file-abc"}},
    ],
    ids=["v1-block", "v0-block", "openai-file-part"],
)
def test_an_uploaded_file_is_sent_by_its_id(block: dict[str, Any]) -> None:
    sent = _sent([HumanMessage([{"type": "text", "text": "Summarize:"}, block])])
    assert sent[0]["content"][1] == {"type": "file", "file": {"file_id": "file-abc"}}


def test_a_file_given_only_by_url_is_a_clear_error_instead_of_an_unknown_field() -> None:
    # Chat Completions' `file` part has `file_data` and `file_id`; a `file_url` is rejected.
    block = {"type": "file", "url": "https://example.com/q3.pdf", "mime_type": "application/pdf"}
    with pytest.raises(ConfigurationError, match=r"not a URL \(message 0, block 0\).*file_id"):
        _sent([HumanMessage([block])])


def test_an_uploaded_file_id_on_an_image_block_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"refers to an uploaded file \(file-abc\)"):
        _sent([HumanMessage([{"type": "image", "file_id": "file-abc"}])])
