"""Pure converters between LangChain messages and the Chat Completions wire format."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import InputTokenDetails, UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk

from aimhub.adapter import (
    ChatDelta,
    ConfigurationError,
    MediaBlock,
    MediaKind,
    ModelCapabilities,
    NormalizedChoice,
    NormalizedUsage,
    ParsedToolCall,
    StreamSummary,
    media_part,
)

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}
# Streamed messages fed back into a conversation (`chunk + chunk + ...`) keep their chunk types.
_ROLES |= {"HumanMessageChunk": "user", "AIMessageChunk": "assistant"}
_ROLES |= {"SystemMessageChunk": "system", "ToolMessageChunk": "tool"}
_MEDIA_TYPES: dict[str, MediaKind] = {
    "image": "image",
    "audio": "audio",
    "file": "file",
    "video": "video",
}


def _convert_message_to_dict(
    message: BaseMessage, caps: ModelCapabilities, model: str, position: int
) -> dict[str, Any]:
    """One LangChain message as a wire message; media are checked against the model."""
    where = f"message {position}"
    if isinstance(message, ChatMessage):
        out: dict[str, Any] = {"role": message.role}
    elif isinstance(message, FunctionMessage):
        out = {"role": "function", "name": message.name}
    else:
        out = {"role": _ROLES.get(message.type, message.type)}
    if isinstance(message, AIMessage):
        return _assistant(message, out)
    if isinstance(message, ToolMessage):
        out["tool_call_id"] = message.tool_call_id
    if (
        isinstance(message, SystemMessage | HumanMessage | ToolMessage | ChatMessage)
        and message.name
    ):
        out["name"] = message.name
    out["content"] = _content(message.content, caps, model, where)
    return out


def _assistant(message: AIMessage, out: dict[str, Any]) -> dict[str, Any]:
    text, reasoning, tool_uses = _split_ai_content(message.content)
    calls: list[dict[str, Any]] = [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": json.dumps(c["args"], ensure_ascii=False)},
        }
        for c in message.tool_calls
    ]
    calls += [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": c["args"] or ""},
        }
        for c in message.invalid_tool_calls
    ]
    known = {c["id"] for c in calls}
    calls += [c for c in tool_uses if c["id"] not in known]
    out["content"] = text if text or not calls else None
    if calls:
        out["tool_calls"] = calls
    reasoning = message.additional_kwargs.get("reasoning_content") or reasoning
    if reasoning:
        # Sent only where the family needs it: the request shaper applies the echo policy.
        out["reasoning_content"] = reasoning
    if message.name:
        out["name"] = message.name
    return out


def _split_ai_content(content: str | list[Any]) -> tuple[str, str, list[dict[str, Any]]]:
    """Text, reasoning and Anthropic-style `tool_use` blocks of an AI message's content."""
    if isinstance(content, str):
        return content, "", []
    texts: list[str] = []
    reasoning: list[str] = []
    uses: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        elif block.get("type") in ("reasoning", "thinking"):
            reasoning.append(str(block.get("reasoning") or block.get("thinking") or ""))
        elif block.get("type") == "tool_use":
            uses.append(
                {
                    "id": block["id"],
                    "type": "function",
                    "function": {
                        "name": block["name"],
                        "arguments": json.dumps(block.get("input", {})),
                    },
                }
            )
    return "".join(texts), "".join(reasoning), uses


def _content(content: str | list[Any], caps: ModelCapabilities, model: str, where: str) -> Any:
    if isinstance(content, str):
        return content
    parts: list[Any] = []
    for number, block in enumerate(content):
        parts.extend(_block(block, caps, model, f"{where}, block {number}"))
    return parts


def _block(block: Any, caps: ModelCapabilities, model: str, where: str) -> list[Any]:
    if isinstance(block, str):
        return [{"type": "text", "text": block}]
    kind = block.get("type")
    if kind == "text":
        part = {"type": "text", "text": block.get("text", "")}
        if block.get("cache_control") is not None:
            # Kept for Claude's prompt caching; the request shaper drops it for other families.
            part["cache_control"] = block["cache_control"]
        return [part]
    if kind == "tool_result":  # Anthropic-format tool results inside a human message
        return _block_list(block.get("content", ""), caps, model, where)
    if kind in ("tool_use", "reasoning", "thinking"):
        return []
    media = _media_block(block, where)
    if media is None:
        msg = f"unsupported content block type {kind!r} at {where}"
        raise ConfigurationError(msg)
    return [media_part(media, caps, model, where)]


def _block_list(content: Any, caps: ModelCapabilities, model: str, where: str) -> list[Any]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    out: list[Any] = []
    for block in content:
        out.extend(_block(block, caps, model, where))
    return out


def _media_block(block: Mapping[str, Any], where: str) -> MediaBlock | None:
    """Any image/audio/file block shape (OpenAI, LangChain v0/v1, Anthropic) as a `MediaBlock`."""
    kind = block.get("type")
    if kind == "image_url":
        image = block["image_url"]
        url = image if isinstance(image, str) else image.get("url")
        detail = None if isinstance(image, str) else image.get("detail")
        return _from_url("image", url, detail=detail)
    if kind == "input_audio":
        audio = block["input_audio"]
        return MediaBlock(
            "audio", data=audio["data"], mime_type=f"audio/{audio.get('format', 'wav')}"
        )
    if kind == "file" and isinstance(block.get("file"), Mapping):
        file = block["file"]
        data_url = file.get("file_data")
        if isinstance(data_url, str) and data_url.startswith("data:"):
            return _from_url("file", data_url, filename=file.get("filename"))
        return MediaBlock(
            "file",
            data=data_url,
            url=file.get("file_url"),
            filename=file.get("filename"),
            mime_type="application/pdf",
            file_id=file.get("file_id"),
        )
    source = block.get("source")
    if isinstance(source, Mapping):  # Anthropic format
        media: MediaKind = "file" if kind == "document" else "image"
        if source.get("type") == "url":
            return MediaBlock(media, url=source["url"])
        return MediaBlock(media, data=source.get("data"), mime_type=source.get("media_type"))
    if kind in _MEDIA_TYPES:
        media_kind = _MEDIA_TYPES[kind]
        if block.get("file_id") or block.get("source_type") == "id":
            file_id = block.get("file_id") or block.get("id")
            return MediaBlock(media_kind, file_id=file_id, filename=block.get("filename"))
        if block.get("source_type") == "url" or block.get("url"):
            return MediaBlock(media_kind, url=block.get("url"), mime_type=block.get("mime_type"))
        data = block.get("base64") or block.get("data")
        filename = block.get("filename") or (block.get("extras") or {}).get("filename")
        return MediaBlock(
            media_kind,
            data=data,
            mime_type=block.get("mime_type"),
            filename=filename,
        )
    return None


def _from_url(kind: MediaKind, url: str | None, **extra: Any) -> MediaBlock:
    if url and url.startswith("data:") and ";base64," in url:
        header, data = url[5:].split(";base64,", 1)
        return MediaBlock(kind, data=data, mime_type=header or None, **extra)
    return MediaBlock(kind, url=url, **extra)


def _create_usage_metadata(usage: NormalizedUsage) -> UsageMetadata:
    """LangChain usage from the normalised counts (cache and reasoning details when known)."""
    metadata = UsageMetadata(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )
    details: InputTokenDetails = {}
    if usage.cache_read is not None:
        details["cache_read"] = usage.cache_read
    if usage.cache_creation is not None:
        details["cache_creation"] = usage.cache_creation
    if details:
        metadata["input_token_details"] = details
    if usage.reasoning is not None:
        metadata["output_token_details"] = {"reasoning": usage.reasoning}
    return metadata


def _tool_calls(calls: Sequence[ParsedToolCall]) -> tuple[list[Any], list[Any]]:
    good, bad = [], []
    for call in calls:
        if call.error is None and call.args is not None:
            good.append(tool_call(name=call.name, args=call.args, id=call.id))
        else:
            bad.append(
                invalid_tool_call(
                    name=call.name or None, args=call.arguments, id=call.id, error=call.error
                )
            )
    return good, bad


def _convert_choice_to_message(
    choice: NormalizedChoice,
    usage: NormalizedUsage | None,
    metadata: dict[str, Any],
) -> AIMessage:
    """A whole answer as an `AIMessage`.

    No `id`: gateways send constant, empty or reused completion ids, and LangGraph's
    `add_messages` merges messages with equal ids, so distinct turns would overwrite each other.
    LangChain gives the message a unique run id instead; the gateway's id stays in
    `response_metadata["id"]` (docs/gateway-behaviour.md §21.1).
    """
    good, bad = _tool_calls(choice.tool_calls)
    extra: dict[str, Any] = {}
    if choice.reasoning:
        extra["reasoning_content"] = choice.reasoning
    if choice.refusal:
        extra["refusal"] = choice.refusal
    return AIMessage(
        content=choice.text,
        additional_kwargs=extra,
        tool_calls=good,
        invalid_tool_calls=bad,
        usage_metadata=_create_usage_metadata(usage) if usage else None,
        response_metadata={
            **metadata,
            "finish_reason": choice.finish_reason,
            "native_finish_reason": choice.native_finish_reason,
        },
    )


def _convert_delta_to_chunk(delta: ChatDelta) -> AIMessageChunk:
    """What one streamed chunk adds, as an `AIMessageChunk`."""
    if not (delta.reasoning or delta.tool_calls or delta.logprobs is not None):
        return AIMessageChunk(content=delta.text)  # most chunks: skip building empty extras
    extra = {"reasoning_content": delta.reasoning} if delta.reasoning else {}
    chunks = [
        tool_call_chunk(name=d.name, args=d.arguments, id=d.id, index=d.index)
        for d in delta.tool_calls
    ]
    metadata = {"logprobs": delta.logprobs} if delta.logprobs is not None else {}
    return AIMessageChunk(
        content=delta.text,
        additional_kwargs=extra,
        tool_call_chunks=chunks,
        response_metadata=metadata,
    )


def _convert_summary_to_chunk(summary: StreamSummary, metadata: dict[str, Any]) -> AIMessageChunk:
    """The last chunk of a stream: finish reason, ids and the usage, exactly once."""
    return AIMessageChunk(
        content="",
        usage_metadata=_create_usage_metadata(summary.usage) if summary.usage else None,
        response_metadata={
            **metadata,
            "model_name": summary.model or metadata.get("model_name"),
            "finish_reason": summary.finish_reason,
            "native_finish_reason": summary.native_finish_reason,
            "id": summary.id,
            "system_fingerprint": summary.system_fingerprint,
        },
        chunk_position="last",
    )
