"""Tool-call accumulation for every chunk shape gateways produce (docs/gateway-behaviour.md §6).

Shapes handled: OpenAI-style (id+name first, then arguments by index); index-less Claude fragments
(new-api ≤ 2025-04, one-api); Claude block indices (1, 2, or -1) instead of 0-based tool indices;
whole calls in one chunk (Gemini, Qwen, vLLM); ids repeated on every chunk; empty or missing ids;
arguments as JSON objects; several calls in one delta; a call re-emitted whole at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aimhub.types import ToolCall

__all__ = ["ParsedToolCall", "ToolCallAccumulator", "ToolCallDelta", "parse_tool_calls"]


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """What one fragment adds to call number `index` (dense, 0-based, in arrival order).

    `id` and `name` are set only on a call's first fragment, so that frameworks which merge
    fragments by concatenation (LangChain) rebuild them exactly.
    """

    index: int
    id: str | None
    name: str | None
    arguments: str


@dataclass(frozen=True, slots=True)
class ParsedToolCall:
    """A finished call: `args` when the arguments parsed as a JSON object, else `error`."""

    id: str
    name: str
    arguments: str
    args: dict[str, Any] | None
    error: str | None = None


@dataclass(slots=True)
class _Slot:
    id: str
    name: str = ""
    arguments: str = ""
    raw_index: int | None = None
    announced: bool = False
    parts: list[str] = field(default_factory=list)


def _new_id() -> str:
    # Gemini through gateways sends `"id": ""`; the tool message must echo a stable id back.
    return f"call_{uuid.uuid4().hex[:24]}"


def _as_text(arguments: object) -> str:
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))


def _is_complete_json(text: str) -> bool:
    if not text.strip():
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class ToolCallAccumulator:
    """Feed tool-call fragments as they arrive; read deltas per chunk and the finished calls."""

    __slots__ = ("_by_id", "_by_raw_index", "_slots")

    def __init__(self) -> None:
        self._slots: list[_Slot] = []
        self._by_raw_index: dict[int, int] = {}
        self._by_id: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self._slots)

    def add(self, fragments: Iterable[ToolCall]) -> list[ToolCallDelta]:
        """Add the tool calls of one delta; return what each call gained."""
        deltas: list[ToolCallDelta] = []
        for fragment in fragments:
            delta = self._add_one(fragment)
            if delta is not None:
                deltas.append(delta)
        return deltas

    def _add_one(self, fragment: ToolCall) -> ToolCallDelta | None:
        function = fragment.function
        name = (function.name if function else None) or ""
        raw_args = function.arguments if function else None
        slot_no = self._slot_for(fragment.id or "", name, fragment.index, raw_args)
        if slot_no is None:
            return None
        slot = self._slots[slot_no]
        text = self._merge_arguments(slot, raw_args)
        if name and not slot.name:
            slot.name = name
        if slot.announced and not text:
            return None
        first = not slot.announced
        slot.announced = True
        return ToolCallDelta(
            slot_no, slot.id if first else None, slot.name if first else None, text
        )

    def _slot_for(
        self, call_id: str, name: str, raw_index: int | None, raw_args: object
    ) -> int | None:
        if call_id and call_id in self._by_id:
            known = self._by_id[call_id]
            # one-api re-emits a finished no-argument call whole (same id, `{}`): ignore it.
            if self._slots[known].arguments and _as_text(raw_args) in ("", "{}"):
                return None
            return known
        if raw_index is not None and raw_index in self._by_raw_index and not call_id:
            current = self._by_raw_index[raw_index]
            if not (name and _is_complete_json(self._slots[current].arguments)):
                return current
        if call_id or name:
            if not call_id and name and self._slots:
                last = self._slots[-1]
                # A relay repeating the name on every fragment of an unfinished call.
                if last.name == name and not _is_complete_json(last.arguments) and last.arguments:
                    return len(self._slots) - 1
            return self._open(call_id, raw_index)
        if self._slots:
            return len(self._slots) - 1
        return self._open("", raw_index)

    def _open(self, call_id: str, raw_index: int | None) -> int:
        slot = _Slot(id=call_id or _new_id(), raw_index=raw_index)
        self._slots.append(slot)
        number = len(self._slots) - 1
        self._by_id[slot.id] = number
        if raw_index is not None:
            self._by_raw_index[raw_index] = number
        return number

    @staticmethod
    def _merge_arguments(slot: _Slot, raw_args: object) -> str:
        text = _as_text(raw_args)
        if not text:
            return ""
        if not isinstance(raw_args, str) and slot.arguments:
            # An object after streamed text (GLM's final chunk): keep the text if it is the same.
            try:
                if json.loads(slot.arguments) == raw_args:
                    return ""
            except ValueError:
                pass
        slot.arguments += text
        return text

    def result(self) -> list[ParsedToolCall]:
        """The finished calls, in arrival order."""
        return [_finish(slot.id, slot.name, slot.arguments) for slot in self._slots]


def _finish(call_id: str, name: str, arguments: str) -> ParsedToolCall:
    text = arguments if arguments.strip() else "{}"
    try:
        value = json.loads(text)
    except ValueError as exc:
        return ParsedToolCall(
            call_id, name, arguments, None, f"arguments are not valid JSON: {exc}"
        )
    if not isinstance(value, dict):
        kind = type(value).__name__
        return ParsedToolCall(
            call_id, name, arguments, None, f"arguments are a JSON {kind}, not an object"
        )
    if not name:
        return ParsedToolCall(call_id, name, text, value, "the tool call has no function name")
    return ParsedToolCall(call_id, name, text, value)


def parse_tool_calls(calls: Iterable[ToolCall]) -> list[ParsedToolCall]:
    """Finished calls of a non-streamed message, by the same rules as streamed ones."""
    accumulator = ToolCallAccumulator()
    accumulator.add(calls)
    return accumulator.result()
