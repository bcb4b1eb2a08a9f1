"""One normaliser for answers, streamed or not, used by both framework adapters.

Finish reasons (docs/gateway-behaviour.md §8), usage variants (§4), reasoning fields and `<think>`
tags (§7), ids and models taken from the first chunk (§3) and tool calls (§6, via `_toolcalls`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from aimhub._toolcalls import ParsedToolCall, ToolCallAccumulator, ToolCallDelta, parse_tool_calls
from aimhub.types import ChatCompletion, ChatCompletionChunk, ChatMessage, Usage

__all__ = [
    "ChatDelta",
    "ChatStreamAccumulator",
    "NormalizedChoice",
    "NormalizedUsage",
    "normalize_completion",
    "normalize_finish_reason",
    "normalize_usage",
]

logger = logging.getLogger("aimhub")

_FINISH_REASONS = {
    "stop": "stop",
    "end_turn": "stop",
    "stop_sequence": "stop",
    "eos": "stop",
    "complete": "stop",
    "finish_reason_unspecified": "stop",
    "length": "length",
    "max_tokens": "length",
    "model_length": "length",
    "tool_calls": "tool_calls",
    "tool_use": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
    "refusal": "content_filter",
    "sensitive": "content_filter",
    "safety": "content_filter",
    "recitation": "content_filter",
    "blocklist": "content_filter",
    "prohibited_content": "content_filter",
}
#: What a plain text chunk may carry for `add_json` to read it without the typed model.
_PLAIN_CHOICE = frozenset(("index", "delta", "finish_reason", "logprobs"))
_PLAIN_DELTA = frozenset(("role", "content"))
_TEXT_FIELDS = ("id", "object", "model", "system_fingerprint")
# When several chunks carry a finish reason, the strongest wins (a Gemini `tool_calls` chunk is
# followed by a synthetic `stop` one in new-api, docs/gateway-behaviour.md §3).
_STRENGTH = {"tool_calls": 4, "length": 3, "content_filter": 2, "stop": 1}
#: Reported when a stream ended without any finish reason (new-api's silent-upstream cut-off).
INCOMPLETE = "incomplete"


def normalize_finish_reason(raw: str | None) -> str | None:
    """`stop`, `length`, `tool_calls`, `content_filter`, None, or the lower-cased unknown value."""
    if not raw:
        return None
    key = raw.strip().lower()
    return _FINISH_REASONS.get(key, key)


@dataclass(frozen=True, slots=True)
class NormalizedUsage:
    """Token usage under one set of names, whatever the gateway called them."""

    input_tokens: int
    output_tokens: int
    total_tokens: int
    cache_read: int | None = None
    reasoning: int | None = None
    #: Prompt-cache writes (Claude's `cache_creation_input_tokens`), when reported.
    cache_creation: int | None = None


def normalize_usage(usage: Usage | None) -> NormalizedUsage | None:
    """Read any usage variant; None when the gateway sent nothing useful (`null`, `{}`)."""
    if usage is None:
        return None
    prompt = usage.prompt_tokens if usage.prompt_tokens is not None else usage.input_tokens
    completion = (
        usage.completion_tokens if usage.completion_tokens is not None else usage.output_tokens
    )
    if prompt is None and completion is None and usage.total_tokens is None:
        return None
    prompt = prompt or 0
    completion = completion or 0
    total = usage.total_tokens if usage.total_tokens else prompt + completion
    cache = None
    if usage.prompt_tokens_details is not None:
        cache = usage.prompt_tokens_details.cached_tokens
    if cache is None:
        cache = usage.prompt_cache_hit_tokens
    if cache is None:
        cache = usage.cache_read_input_tokens
    reasoning = None
    if usage.completion_tokens_details is not None:
        reasoning = usage.completion_tokens_details.reasoning_tokens
    return NormalizedUsage(prompt, completion, total, cache, reasoning, _cache_creation(usage))


def _cache_creation(usage: Usage) -> int | None:
    details = usage.prompt_tokens_details
    for value in (
        details.cached_creation_tokens if details else None,
        details.cache_write_tokens if details else None,
        usage.cache_creation_input_tokens,
    ):
        if value is not None:
            return value
    return None


def reasoning_of(message: ChatMessage) -> str | None:
    """`reasoning_content` when present, else `reasoning`: never both (new-api sets both)."""
    if message.reasoning_content:
        return message.reasoning_content
    if isinstance(message.reasoning, str) and message.reasoning:
        return message.reasoning
    return None


def text_of(content: object) -> str:
    """The text of a message content: a string, or the text parts of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict)
            and part.get("type") in ("text", "output_text", None)
            and isinstance(part.get("text"), str)
        )
    return ""


_THINK_BLOCK = re.compile(r"^\s*<think>(.*?)(?:</think>\s*|\Z)", re.DOTALL)


def split_think_tags(text: str) -> tuple[str | None, str]:
    """Split a leading `<think>…</think>` block off a whole answer: (reasoning, answer)."""
    match = _THINK_BLOCK.match(text)
    if not match:
        return None, text
    return match.group(1).strip("\n"), text[match.end() :]


class ThinkTagSplitter:
    """Streaming twin of `split_think_tags`: tags may be cut anywhere between chunks, and the
    reasoning comes out the same, without the newlines new-api writes inside the tags
    (docs/gateway-behaviour.md §7)."""

    __slots__ = ("_buffer", "_emitted", "_state")

    _OPEN, _CLOSE = "<think>", "</think>"

    def __init__(self) -> None:
        self._state = "start"  # start -> thinking -> after (the tag) -> answer
        self._buffer = ""
        self._emitted = False

    def feed(self, text: str) -> tuple[str, str]:
        """Return (reasoning, answer) text that is certain so far."""
        if self._state == "answer":
            return "", text
        if self._state == "after":  # whitespace after `</think>` is not answer
            text = text.lstrip()
            self._state = "answer" if text else "after"
            return "", text
        self._buffer += text
        if self._state == "start":
            stripped = self._buffer.lstrip()
            if self._OPEN.startswith(stripped):
                return "", ""  # could still become `<think>`
            if not stripped.startswith(self._OPEN):
                self._state = "answer"
                out, self._buffer = self._buffer, ""
                return "", out
            self._state = "thinking"
            self._buffer = stripped[len(self._OPEN) :]
        if not self._emitted:
            self._buffer = self._buffer.lstrip("\n")
        end = self._buffer.find(self._CLOSE)
        if end >= 0:
            reasoning, rest = self._buffer[:end], self._buffer[end + len(self._CLOSE) :]
            self._state, self._buffer = "after", ""
            return reasoning.rstrip("\n"), self.feed(rest)[1]
        # Hold back what may start `</think>`, and the newlines that may come right before it.
        keep = _partial_suffix(self._buffer, self._CLOSE)
        out = self._buffer[: len(self._buffer) - keep].rstrip("\n")
        self._buffer = self._buffer[len(out) :]
        self._emitted = self._emitted or bool(out)
        return out, ""

    def flush(self) -> tuple[str, str]:
        """End of stream: whatever is held back."""
        rest, self._buffer = self._buffer, ""
        return (rest.rstrip("\n"), "") if self._state == "thinking" else ("", rest)


def _partial_suffix(text: str, tag: str) -> int:
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


@dataclass(frozen=True, slots=True)
class NormalizedChoice:
    """One answer, normalised."""

    text: str
    reasoning: str | None
    tool_calls: list[ParsedToolCall]
    finish_reason: str | None
    native_finish_reason: str | None
    refusal: str | None = None
    logprobs: Any = None
    raw_message: ChatMessage | None = None


def normalize_completion(
    completion: ChatCompletion, *, think_tags: bool = True
) -> list[NormalizedChoice]:
    """Every choice of a non-streamed answer, normalised."""
    choices = []
    for choice in completion.choices:
        message = choice.message or ChatMessage()
        text = text_of(message.content)
        reasoning = reasoning_of(message)
        if reasoning is None and think_tags:
            reasoning, text = split_think_tags(text)
        calls = parse_tool_calls(message.tool_calls)
        if not calls and message.function_call is not None:
            calls = parse_tool_calls([_legacy_call(message)])
        finish = normalize_finish_reason(choice.finish_reason)
        if calls and finish in (None, "stop"):
            finish = "tool_calls"
        choices.append(
            NormalizedChoice(
                text,
                reasoning,
                calls,
                finish,
                choice.finish_reason,
                message.refusal,
                choice.logprobs,
                message,
            )
        )
    return choices


def _legacy_call(message: ChatMessage) -> Any:
    from aimhub.types import ToolCall

    return ToolCall(id=None, type="function", function=message.function_call)


def completion_usage(completion: ChatCompletion) -> NormalizedUsage | None:
    """Usage of a non-streamed answer, wherever the gateway put it (Moonshot: in the choice)."""
    usage = normalize_usage(completion.usage)
    if usage is None:
        for choice in completion.choices:
            usage = normalize_usage(choice.usage) or usage
    return usage


@dataclass(slots=True)
class ChatDelta:
    """What one chunk adds to the answer."""

    text: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCallDelta] = field(default_factory=list)
    logprobs: Any = None

    def __bool__(self) -> bool:
        return bool(self.text or self.reasoning or self.tool_calls or self.logprobs)


@dataclass(slots=True)
class StreamSummary:
    """How a stream ended: emitted once, after the last chunk."""

    finish_reason: str
    native_finish_reason: str | None
    usage: NormalizedUsage | None
    tool_calls: list[ParsedToolCall]
    id: str | None
    model: str | None
    system_fingerprint: str | None


def _plain_text(payload: dict[str, Any]) -> str | None:
    """The text of a chunk that carries nothing but text, or None for any other shape."""
    choices = payload.get("choices")
    if type(choices) is not list or len(choices) != 1 or payload.get("usage") is not None:
        return None
    for key in _TEXT_FIELDS:
        value = payload.get(key)
        if value is not None and type(value) is not str:
            return None
    choice = choices[0]
    if type(choice) is not dict or not _PLAIN_CHOICE.issuperset(choice):
        return None
    delta = choice.get("delta")
    if type(delta) is not dict or choice.get("finish_reason") or choice.get("logprobs") is not None:
        return None
    text = ""
    for key, value in delta.items():
        if value is None:
            continue
        if type(value) is not str or key not in _PLAIN_DELTA:
            return None
        if key == "content":
            text = value
    return text


class ChatStreamAccumulator:
    """Turns raw chunks into `ChatDelta`s and, at the end, one `StreamSummary`.

    Usage is the last one seen, never a sum (gateways repeat cumulative usage on every chunk);
    id and model come from the first chunk; every choice counts as choice 0 (new-api copies
    Claude block indices into `choices[].index`).
    """

    __slots__ = (
        "_fingerprint",
        "_finish",
        "_id",
        "_model",
        "_native",
        "_think",
        "_tools",
        "_usage",
    )

    def __init__(self, *, think_tags: bool = True) -> None:
        self._tools = ToolCallAccumulator()
        self._think = ThinkTagSplitter() if think_tags else None
        self._usage: NormalizedUsage | None = None
        self._finish: str | None = None
        self._native: str | None = None
        self._id: str | None = None
        self._model: str | None = None
        self._fingerprint: str | None = None

    def add(self, chunk: ChatCompletionChunk) -> ChatDelta:
        """Take one chunk; return what it adds (possibly nothing)."""
        if self._id is None:
            self._id, self._model = chunk.id, chunk.model
        if chunk.system_fingerprint:
            self._fingerprint = chunk.system_fingerprint
        self._take_usage(chunk.usage)
        delta = ChatDelta()
        for choice in chunk.choices:
            self._take_usage(choice.usage)
            self._take_finish(choice.finish_reason)
            message = choice.delta
            if message is None:
                continue
            self._take_message(message, delta)
            if choice.logprobs is not None:
                delta.logprobs = choice.logprobs
        return delta

    def add_json(self, payload: dict[str, Any]) -> ChatDelta:
        """`add` for a chunk still in its JSON form (`stream_chat_dicts`).

        The common chunk (one choice, a text delta, nothing else set) is read straight from the
        dict; every other shape goes through the typed model and `add`, so both give the same
        result for any chunk. A chunk the model rejects is skipped with a warning, as
        `stream_chat` skips it.
        """
        text = _plain_text(payload)
        if text is None:
            try:
                chunk = ChatCompletionChunk.model_validate(payload)
            except ValidationError as exc:
                where = ".".join(str(part) for part in exc.errors()[0]["loc"])
                logger.warning("aimhub: skipped a stream chunk with a malformed %r field", where)
                return ChatDelta()
            return self.add(chunk)
        if self._id is None:
            self._id, self._model = payload.get("id"), payload.get("model")
        fingerprint = payload.get("system_fingerprint")
        if fingerprint:
            self._fingerprint = fingerprint
        delta = ChatDelta()
        if text:
            if self._think is not None:
                delta.reasoning, text = self._think.feed(text)
            delta.text = text
        return delta

    def _take_message(self, message: ChatMessage, delta: ChatDelta) -> None:
        reasoning = reasoning_of(message)
        if reasoning:
            delta.reasoning += reasoning
        content = message.content
        text = content if isinstance(content, str) else text_of(content)
        if text:
            if self._think is not None and not reasoning:
                thought, text = self._think.feed(text)
                delta.reasoning += thought
            delta.text += text
        if message.tool_calls:
            delta.tool_calls.extend(self._tools.add(message.tool_calls))
        elif message.function_call is not None:
            delta.tool_calls.extend(self._tools.add([_legacy_call(message)]))

    def _take_usage(self, usage: Usage | None) -> None:
        normalized = normalize_usage(usage)
        if normalized is not None:
            self._usage = normalized

    def _take_finish(self, raw: str | None) -> None:
        finish = normalize_finish_reason(raw)
        if finish is None:
            return
        if self._finish is None or _STRENGTH.get(finish, 0) > _STRENGTH.get(self._finish, 0):
            self._finish, self._native = finish, raw

    def flush(self) -> ChatDelta:
        """Text held back while looking for a `<think>` tag."""
        if self._think is None:
            return ChatDelta()
        reasoning, text = self._think.flush()
        return ChatDelta(text=text, reasoning=reasoning)

    def summary(self) -> StreamSummary:
        """How the stream ended; `finish_reason="incomplete"` if no chunk said."""
        calls = self._tools.result()
        finish = self._finish or INCOMPLETE
        if calls and finish in ("stop", INCOMPLETE):
            finish = "tool_calls"
        return StreamSummary(
            finish, self._native, self._usage, calls, self._id, self._model, self._fingerprint
        )
