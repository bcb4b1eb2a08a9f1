"""Tool calling: request arguments for a tool turn, and tool calls out of a response."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole, ToolCallBlock
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.llms.utils import parse_partial_json

from llamaindex_aimhub._convert import TOOL_CALL_ERRORS

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

logger = logging.getLogger("llamaindex_aimhub")


def tool_chat_kwargs(
    tools: Sequence[BaseTool],
    user_msg: str | ChatMessage | None,
    chat_history: Sequence[ChatMessage] | None,
    *,
    allow_parallel_tool_calls: bool,
    parallel_param: bool,
    tool_required: bool,
    tool_choice: str | dict[str, Any] | None,
    strict: bool | None,
) -> dict[str, Any]:
    """The `chat` arguments of a tool-calling turn.

    `tool_choice` (a tool name, `"auto"`, `"none"`, `"required"` or an OpenAI dict) wins over
    `tool_required`; the request shaper downgrades forms the family rejects, with a warning.
    `parallel_tool_calls: false` is sent only when parallel calls are not allowed and the family
    takes the field (`parallel_param`): true is the API's default, OpenAI reasoning models reject
    the field, and old gateways drop it (`keep_first_tool_call` covers those).
    """
    specs = [tool.metadata.to_openai_tool(skip_length_check=True) for tool in tools]
    if strict:
        for spec in specs:
            spec["function"]["strict"] = True
    messages = list(chat_history or [])  # never append to the caller's list
    if isinstance(user_msg, str):
        user_msg = ChatMessage(role=MessageRole.USER, content=user_msg)
    if user_msg is not None:
        messages.append(user_msg)
    prepared: dict[str, Any] = {"messages": messages}
    if specs:
        prepared["tools"] = specs
        choice = tool_choice if tool_choice is not None else "required" if tool_required else None
        if choice is not None:
            prepared["tool_choice"] = choice
        if not allow_parallel_tool_calls and parallel_param:
            prepared["parallel_tool_calls"] = False
    return prepared


def keep_first_tool_call(response: ChatResponse) -> ChatResponse:
    """Drop every tool call but the first (for gateways that ignore `parallel_tool_calls`)."""
    message = response.message
    calls = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    if len(calls) > 1:
        extra = {id(b) for b in calls[1:]}
        message.blocks = [b for b in message.blocks if id(b) not in extra]
        legacy = message.additional_kwargs.get("tool_calls")
        if isinstance(legacy, list):
            message.additional_kwargs["tool_calls"] = legacy[:1]
    return response


def tool_selections(
    response: ChatResponse, *, error_on_no_tool_call: bool, error_on_invalid_arguments: bool
) -> list[ToolSelection]:
    """The tool calls of a response (whole or streamed so far) as `ToolSelection`s.

    Arguments that are not a JSON object follow LlamaIndex's convention (partial JSON is
    completed, anything else becomes `{}`) unless `error_on_invalid_arguments` asks for an error.
    """
    blocks = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
    if not blocks:
        if error_on_no_tool_call:
            msg = "Expected at least one tool call, but got 0 tool calls."
            raise ValueError(msg)
        return []
    errors: Mapping[str, str] = response.additional_kwargs.get(TOOL_CALL_ERRORS) or {}
    selections = []
    for block in blocks:
        call_id = block.tool_call_id or ""
        error = errors.get(call_id)
        if error and error_on_invalid_arguments:
            msg = f"tool call {call_id} ({block.tool_name or 'no name'}): {error}"
            raise ValueError(msg)
        if error:
            logger.warning("tool call %s (%s): %s", call_id, block.tool_name, error)
        kwargs = _arguments(block, error_on_invalid_arguments)
        selections.append(
            ToolSelection(tool_id=call_id, tool_name=block.tool_name, tool_kwargs=kwargs)
        )
    return selections


def _arguments(block: ToolCallBlock, strict: bool) -> dict[str, Any]:
    if isinstance(block.tool_kwargs, dict):
        return block.tool_kwargs
    try:
        value = parse_partial_json(block.tool_kwargs) if block.tool_kwargs.strip() else {}
    except (ValueError, TypeError) as exc:
        if strict:
            msg = (
                f"tool call {block.tool_call_id} ({block.tool_name}): arguments are not JSON: {exc}"
            )
            raise ValueError(msg) from exc
        logger.warning(
            "tool call %s (%s): arguments are not JSON, calling with {}: %r",
            block.tool_call_id,
            block.tool_name,
            block.tool_kwargs[:200],
        )
        return {}
    return value if isinstance(value, dict) else {}
