"""Chat Completions wire models, plain and streamed."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aimhub.types._base import LenientInt, NullableList, OptionalText, ResponseModel, WireModel
from aimhub.types.usage import Usage


class FunctionCall(WireModel):
    """A function name and its arguments (a JSON string, or an object from some relays)."""

    name: str | None = None
    arguments: str | dict[str, Any] | list[Any] | None = None


class ToolCall(WireModel):
    """A tool call, whole or as a streamed fragment (any field may be missing)."""

    index: LenientInt = None
    id: str | None = None
    type: str | None = None
    function: FunctionCall | None = None


class ChatMessage(WireModel):
    """An assistant message, or a streamed delta of one."""

    role: str | None = None
    content: str | list[Any] | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    tool_calls: NullableList[ToolCall] = Field(default_factory=list)
    function_call: FunctionCall | None = None
    refusal: str | None = None


class Choice(WireModel):
    """One choice of a completed chat."""

    index: LenientInt = None
    message: ChatMessage | None = None
    finish_reason: OptionalText = None
    logprobs: Any = None
    #: Moonshot puts usage here instead of at the top level.
    usage: Usage | None = None


class ChatCompletion(ResponseModel):
    """A completed chat (`POST /chat/completions`)."""

    id: str | None = None
    object: str | None = None
    created: LenientInt = None
    model: str | None = None
    choices: NullableList[Choice] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None


class ChunkChoice(WireModel):
    """One choice of a streamed chunk."""

    index: LenientInt = None
    delta: ChatMessage | None = None
    finish_reason: OptionalText = None
    logprobs: Any = None
    usage: Usage | None = None


class ChatCompletionChunk(WireModel):
    """One streamed chunk (`stream: true`); `choices` may be empty (usage-only, filter results)."""

    id: str | None = None
    object: str | None = None
    created: LenientInt = None
    model: str | None = None
    choices: NullableList[ChunkChoice] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None

    @classmethod
    def from_completion(cls, completion: ChatCompletion) -> ChatCompletionChunk:
        """The one chunk equivalent to a whole reply: for gateways that ignore `stream: true`."""
        choices = [
            ChunkChoice(
                index=choice.index,
                delta=choice.message,
                finish_reason=choice.finish_reason,
                logprobs=choice.logprobs,
                usage=choice.usage,
            )
            for choice in completion.choices
        ]
        return cls(
            id=completion.id,
            object="chat.completion.chunk",
            created=completion.created,
            model=completion.model,
            choices=choices,
            usage=completion.usage,
            system_fingerprint=completion.system_fingerprint,
        )
