"""Pure converters between LlamaIndex chat messages and the Chat Completions wire format."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    AudioBlock,
    CachePoint,
    ChatMessage,
    ChatResponse,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
    VideoBlock,
)

from aimhub.adapter import (
    ChatCompletion,
    ChatDelta,
    ChatStreamAccumulator,
    ConfigurationError,
    MediaBlock,
    ModelCapabilities,
    NormalizedUsage,
    ParsedToolCall,
    completion_usage,
    media_part,
    normalize_completion,
    warn_cache_control_dropped,
)

# Roles some LlamaIndex integrations use for the assistant and for tool results.
_ROLES = {"chatbot": "assistant", "model": "assistant", "function": "tool"}
_AUDIO_MIME = {"mp3": "audio/mpeg", "mpeg": "audio/mpeg", "wav": "audio/wav", "wave": "audio/wav"}
_UNTITLED = "input_document"
#: Where the reasons a call's arguments are unusable travel, keyed by call id.
TOOL_CALL_ERRORS = "tool_call_errors"


# --- requests: ChatMessage -> wire ---------------------------------------------------------------


#: OpenAI message keys a `ChatMessage` keeps in `additional_kwargs`.
_DICT_EXTRAS = ("name", "tool_call_id", "tool_calls", "reasoning_content")


def as_chat_messages(messages: Sequence[object]) -> list[ChatMessage]:
    """`ChatMessage`s as they are, and OpenAI-style dicts (`{"role", "content"}`) converted.

    Users coming from the OpenAI SDK pass dicts; anything else is named with the fix.
    """
    if isinstance(messages, str | bytes) or not isinstance(messages, Sequence):
        msg = (
            f"messages must be a list of ChatMessage (or OpenAI-style dicts), got "
            f"{type(messages).__name__}; e.g. [ChatMessage(role='user', content='Hello')]"
        )
        raise ConfigurationError(msg)
    return [_as_chat_message(m, i) for i, m in enumerate(messages)]


def _as_chat_message(message: object, position: int) -> ChatMessage:
    if isinstance(message, ChatMessage):
        return message
    fix = "pass ChatMessage(role='user', content='Hello') or {'role': 'user', 'content': 'Hello'}"
    if not isinstance(message, Mapping):
        msg = f"message {position} is a {type(message).__name__}, not a ChatMessage; {fix}"
        raise ConfigurationError(msg)
    role, content = message.get("role"), message.get("content")
    if not isinstance(role, str) or role not in {r.value for r in MessageRole}:
        msg = (
            f"message {position} has role {role!r}; use 'system', 'user', 'assistant' or "
            f"'tool'; {fix}"
        )
        raise ConfigurationError(msg)
    if content is not None and not isinstance(content, str):
        msg = (
            f"message {position} has non-text content as a dict; for images and files pass a "
            "ChatMessage with blocks (ImageBlock, DocumentBlock)"
        )
        raise ConfigurationError(msg)
    extras = {k: message[k] for k in _DICT_EXTRAS if message.get(k) is not None}
    return ChatMessage(role=role, content=content, additional_kwargs=extras)


def to_wire_messages(
    messages: Sequence[ChatMessage], caps: ModelCapabilities, model: str
) -> list[dict[str, Any]]:
    """Every message as a wire dict; media are checked against what the model takes."""
    return [message_to_dict(m, caps, model, i) for i, m in enumerate(messages)]


def message_to_dict(
    message: ChatMessage, caps: ModelCapabilities, model: str, position: int
) -> dict[str, Any]:
    """One `ChatMessage` as a wire message."""
    role = _ROLES.get(message.role.value, message.role.value)
    where = f"message {position}"
    if role == "assistant":
        return _assistant(message, where)
    out: dict[str, Any] = {"role": role}
    if role == "tool":
        out["tool_call_id"] = _tool_call_id(message, where)
    name = message.additional_kwargs.get("name")
    if name:
        out["name"] = name
    out["content"] = _content(message.blocks, caps, model, where)
    return out


def _tool_call_id(message: ChatMessage, where: str) -> str:
    call_id = message.additional_kwargs.get("tool_call_id")
    if not call_id:
        msg = (
            f"the tool message at {where} has no additional_kwargs['tool_call_id']; it must name "
            "the assistant's tool call it answers"
        )
        raise ConfigurationError(msg)
    return str(call_id)


def _assistant(message: ChatMessage, where: str) -> dict[str, Any]:
    text = "\n".join(b.text for b in message.blocks if isinstance(b, TextBlock))
    thinking = "".join(b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock))
    calls = [_call_dict(b, where) for b in message.blocks if isinstance(b, ToolCallBlock)]
    if not calls:
        calls = [_legacy_call_dict(c) for c in message.additional_kwargs.get("tool_calls") or []]
    # `null` rather than "" beside tool calls: gateways' Claude converters reject empty text.
    out: dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
    if calls:
        out["tool_calls"] = calls
    reasoning = thinking or message.additional_kwargs.get("reasoning_content")
    if reasoning:
        # Always offered; the request shaper applies the family's echo policy
        # (docs/gateway-behaviour.md §7).
        out["reasoning_content"] = reasoning
    return out


def _call_dict(block: ToolCallBlock, where: str) -> dict[str, Any]:
    if not block.tool_call_id:
        msg = f"the tool call {block.tool_name!r} at {where} has no tool_call_id"
        raise ConfigurationError(msg)
    arguments = block.tool_kwargs
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {
        "id": block.tool_call_id,
        "type": "function",
        "function": {"name": block.tool_name, "arguments": arguments},
    }


def _legacy_call_dict(call: Any) -> dict[str, Any]:
    # Older LlamaIndex integrations kept OpenAI SDK objects in additional_kwargs["tool_calls"].
    data = call.model_dump() if hasattr(call, "model_dump") else dict(call)
    function = dict(data.get("function") or {})
    if not isinstance(function.get("arguments"), str):
        function["arguments"] = json.dumps(function.get("arguments") or {}, ensure_ascii=False)
    return {"id": data.get("id"), "type": "function", "function": function}


def _is_media(block: Any) -> bool:
    return isinstance(block, ImageBlock | AudioBlock | DocumentBlock | VideoBlock)


def _content(blocks: Sequence[Any], caps: ModelCapabilities, model: str, where: str) -> Any:
    parts: list[dict[str, Any]] = []
    for number, block in enumerate(blocks):
        spot = f"{where}, block {number}"
        if isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, CachePoint):
            # As in llama-index-llms-anthropic: the cache breakpoint is the block before it.
            if not caps.prompt_caching:
                warn_cache_control_dropped(model)
            elif parts:
                parts[-1]["cache_control"] = block.cache_control.model_dump(exclude_none=True)
        elif isinstance(block, ThinkingBlock | ToolCallBlock):
            continue  # reasoning and calls travel on assistant turns only
        elif _is_media(block):
            parts.append(media_part(_media_block(block), caps, model, spot))
        else:
            msg = f"{type(block).__name__} at {spot} cannot be sent to a Chat Completions model"
            raise ConfigurationError(msg)
    if all(p["type"] == "text" and "cache_control" not in p for p in parts):
        # Plain strings: the form every upstream converter (ERNIE, Spark, Hunyuan) understands.
        return "\n".join(p["text"] for p in parts)
    return parts


def _media_block(block: Any) -> MediaBlock:
    """A LlamaIndex media block as the core's neutral `MediaBlock` (URLs are never fetched)."""
    if isinstance(block, ImageBlock):
        if block.url is not None:
            return MediaBlock("image", url=str(block.url), detail=block.detail)
        data = block.resolve_image(as_base64=True).read().decode()
        return MediaBlock("image", data=data, mime_type=block.image_mimetype, detail=block.detail)
    if isinstance(block, AudioBlock):
        fmt = (block.format or "wav").lower()
        mime = _AUDIO_MIME.get(fmt, f"audio/{fmt}")
        if block.url is not None:
            return MediaBlock("audio", url=str(block.url), mime_type=mime)
        return MediaBlock(
            "audio", data=block.resolve_audio(as_base64=True).read().decode(), mime_type=mime
        )
    if isinstance(block, VideoBlock):
        if block.url is not None:
            return MediaBlock("video", url=str(block.url), mime_type=block.video_mimetype)
        data = block.resolve_video(as_base64=True).read().decode()
        return MediaBlock("video", data=data, mime_type=block.video_mimetype)
    document: DocumentBlock = block
    mime = document.document_mimetype or "application/pdf"
    # LlamaIndex fills in "input_document" when no title was given: not a file name to send.
    name = document.title if document.title != _UNTITLED else None
    if document.url:
        return MediaBlock("file", url=document.url, mime_type=mime, filename=name)
    data = base64.b64encode(document.resolve_document().read()).decode()
    return MediaBlock("file", data=data, mime_type=mime, filename=name)


# --- responses: wire -> ChatResponse -------------------------------------------------------------


def usage_info(usage: NormalizedUsage | None) -> dict[str, Any]:
    """Token counts under LlamaIndex's names plus a `usage` record with cache/reasoning details."""
    if usage is None:
        return {}
    details = {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "cache_read_tokens": usage.cache_read,
        "cache_creation_tokens": usage.cache_creation,
        "reasoning_tokens": usage.reasoning,
    }
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "usage": {k: v for k, v in details.items() if v is not None},
    }


def response_info(
    usage: NormalizedUsage | None,
    finish_reason: str | None,
    native_finish_reason: str | None,
    **ids: str | None,
) -> dict[str, Any]:
    """`ChatResponse.additional_kwargs`: usage, normalised and raw finish reason, ids."""
    info: dict[str, Any] = {
        "finish_reason": finish_reason,
        "native_finish_reason": native_finish_reason,
        **{k: v for k, v in ids.items() if v is not None},
    }
    info.update(usage_info(usage))
    return info


def assistant_message(
    text: str,
    reasoning: str | None,
    calls: Sequence[ParsedToolCall | tuple[str, str, str]],
    usage: NormalizedUsage | None = None,
) -> ChatMessage:
    """The assistant turn: thinking, text, then one `ToolCallBlock` per call.

    Finished calls carry their arguments as a dict when they parsed, else as the raw string;
    streamed partial calls (`(id, name, arguments)` tuples) always as the raw string so far.
    The calls are also kept as wire dicts in `additional_kwargs["tool_calls"]`: LlamaIndex's
    streaming structured output (`process_streaming_objects`) only looks for tool calls there.
    """
    blocks: list[Any] = []
    if reasoning:
        reasoning_tokens = usage.reasoning if usage is not None else None
        blocks.append(ThinkingBlock(content=reasoning, num_tokens=reasoning_tokens))
    blocks.append(TextBlock(text=text))
    wire: list[dict[str, Any]] = []
    for call in calls:
        if isinstance(call, ParsedToolCall):
            kwargs: dict[str, Any] | str = call.args if call.args is not None else call.arguments
            call_id, name, arguments = call.id, call.name, call.arguments
        else:
            call_id, name, kwargs = call
            arguments = kwargs
        blocks.append(ToolCallBlock(tool_call_id=call_id, tool_name=name, tool_kwargs=kwargs))
        function = {"name": name, "arguments": arguments}
        wire.append({"id": call_id, "type": "function", "function": function})
    extra = {"tool_calls": wire} if wire else {}
    return ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=extra)


def _call_errors(calls: Sequence[ParsedToolCall]) -> dict[str, Any]:
    errors = {c.id: c.error for c in calls if c.error}
    return {TOOL_CALL_ERRORS: errors} if errors else {}


def chat_response_from_completion(completion: ChatCompletion) -> ChatResponse:
    """A whole answer as a `ChatResponse` (first choice; LlamaIndex has one message per reply)."""
    choices = normalize_completion(completion)
    usage = completion_usage(completion)
    if choices:
        choice = choices[0]
        message = assistant_message(choice.text, choice.reasoning, choice.tool_calls, usage)
        finish, native, calls = choice.finish_reason, choice.native_finish_reason, choice.tool_calls
    else:
        message, finish, native, calls = assistant_message("", None, []), None, None, []
    info = response_info(
        usage,
        finish,
        native,
        request_id=completion.request_id,
        id=completion.id,
        model=completion.model,
        system_fingerprint=completion.system_fingerprint,
    )
    info.update(_call_errors(calls))
    return ChatResponse(
        message=message, raw=completion.model_dump(exclude_none=True), additional_kwargs=info
    )


class StreamConverter:
    """Chunks in, cumulative `ChatResponse`s out: one per chunk that adds something, then a final
    one carrying the finished tool calls, usage, finish reason and request id.

    Each response's `delta` is the new text and `additional_kwargs["thinking_delta"]` the new
    reasoning (what LlamaIndex agents stream); `message` is the whole answer so far.
    """

    def __init__(self, request_id: str | None = None) -> None:
        self._accumulator = ChatStreamAccumulator()
        self._request_id = request_id
        self._text = ""
        self._reasoning = ""
        self._calls: list[list[str]] = []  # [id, name, arguments so far], by dense index
        self._raw: dict[str, Any] | None = None

    def add(self, chunk: dict[str, Any]) -> ChatResponse | None:
        """Take one chunk, as the gateway's JSON object (`stream_chat_dicts`); a response when it
        added text, reasoning or a tool-call fragment, with that object as its `raw`."""
        self._raw = chunk
        delta = self._accumulator.add_json(chunk)
        if not (delta.text or delta.reasoning or delta.tool_calls):
            return None
        self._take(delta)
        calls = [(c[0], c[1], c[2]) for c in self._calls]
        message = assistant_message(self._text, self._reasoning, calls)
        extra = {"thinking_delta": delta.reasoning} if delta.reasoning else {}
        return ChatResponse(
            message=message, delta=delta.text, raw=self._raw, additional_kwargs=extra
        )

    def _take(self, delta: ChatDelta) -> None:
        self._text += delta.text
        self._reasoning += delta.reasoning
        for fragment in delta.tool_calls:
            while len(self._calls) <= fragment.index:
                self._calls.append(["", "", ""])
            call = self._calls[fragment.index]
            call[0] = fragment.id or call[0]
            call[1] = fragment.name or call[1]
            call[2] += fragment.arguments

    def finish(self) -> ChatResponse:
        """The final response: text held back at the end, finished calls, usage and ids."""
        tail = self._accumulator.flush()
        self._take(ChatDelta(text=tail.text, reasoning=tail.reasoning))
        summary = self._accumulator.summary()
        message = assistant_message(self._text, self._reasoning, summary.tool_calls, summary.usage)
        info = response_info(
            summary.usage,
            summary.finish_reason,
            summary.native_finish_reason,
            request_id=self._request_id,
            id=summary.id,
            model=summary.model,
            system_fingerprint=summary.system_fingerprint,
        )
        info.update(_call_errors(summary.tool_calls))
        if tail.reasoning:
            info["thinking_delta"] = tail.reasoning
        return ChatResponse(message=message, delta=tail.text, raw=self._raw, additional_kwargs=info)
