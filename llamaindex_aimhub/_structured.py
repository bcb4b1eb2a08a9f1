"""Structured output through JSON (schema or mode), for families where that beats tool calls."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from typing import Any, Literal

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    MessageRole,
)
from llama_index.core.instrumentation.events.llm import (
    LLMStructuredPredictEndEvent,
    LLMStructuredPredictStartEvent,
)
from llama_index.core.output_parsers.pydantic import PydanticOutputParser
from llama_index.core.program.streaming_utils import process_streaming_content_incremental
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import Model, PydanticProgramMode
from llama_index_instrumentation import get_dispatcher
from pydantic import BaseModel

from aimhub.adapter import ModelCapabilities

dispatcher = get_dispatcher("llamaindex_aimhub.llms")

JsonMethod = Literal["json_schema", "json_mode"]


def json_method(caps: ModelCapabilities, mode: PydanticProgramMode) -> JsonMethod | None:
    """The JSON route for structured output, or None to leave the choice to LlamaIndex.

    LlamaIndex's default picks function calling for function-calling models, which is the
    catalogue's choice for Claude, Qwen or GLM. For families whose best method is `json_schema`
    (OpenAI, Gemini) or JSON mode (DeepSeek, ERNIE: docs/gateway-behaviour.md §9) this module takes
    over. An explicit `pydantic_program_mode` always wins.
    """
    if mode != PydanticProgramMode.DEFAULT:
        return None
    if caps.structured_output == "function_calling" and caps.tool_calling:
        return None
    if caps.structured_output != "json_mode" and caps.json_schema:
        return "json_schema"
    return "json_mode"


def json_request(
    messages: Sequence[ChatMessage],
    output_cls: type[BaseModel],
    caps: ModelCapabilities,
    llm_kwargs: dict[str, Any] | None,
    method: JsonMethod,
) -> tuple[list[ChatMessage], dict[str, Any]]:
    """The messages and request fields that ask for one JSON object of `output_cls`."""
    kwargs = dict(llm_kwargs or {})
    kwargs.pop("tool_choice", None)
    if method == "json_schema":
        name = "".join(c if c.isalnum() or c in "_-" else "_" for c in output_cls.__name__)
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name[:64], "schema": output_cls.model_json_schema()},
        }
        return list(messages), kwargs
    # JSON mode takes no schema: it goes in the prompt, in LlamaIndex's own words.
    instruction = PydanticOutputParser(output_cls).get_format_string(escape_json=False)
    system = ChatMessage(role=MessageRole.SYSTEM, content=instruction.strip())
    if caps.json_mode:
        kwargs["response_format"] = {"type": "json_object"}
    return [system, *messages], kwargs


def parse_structured(output_cls: type[Model], response: ChatResponse) -> Model:
    """The object in a response's text (code fences and stray prose around it are tolerated)."""
    result: Model = PydanticOutputParser(output_cls).parse(response.message.content or "")
    return result


def start_event(output_cls: type[Any], prompt: PromptTemplate, args: dict[str, Any]) -> None:
    """The instrumentation event LlamaIndex's own `structured_predict` emits first."""
    dispatcher.event(
        LLMStructuredPredictStartEvent(output_cls=output_cls, template=prompt, template_args=args)
    )


def end_event(result: BaseModel) -> None:
    """The instrumentation event LlamaIndex's own `structured_predict` emits last."""
    dispatcher.event(LLMStructuredPredictEndEvent(output=result))


def partial_objects(
    responses: ChatResponseGen, output_cls: type[Any]
) -> Generator[Any, None, None]:
    """Ever more complete objects as the JSON text streams in."""
    current = None
    for response in responses:
        current = process_streaming_content_incremental(response, output_cls, current)
        yield current


async def apartial_objects(
    responses: ChatResponseAsyncGen, output_cls: type[Any]
) -> AsyncGenerator[Any, None]:
    """Async `partial_objects`."""
    current = None
    async for response in responses:
        current = process_streaming_content_incremental(response, output_cls, current)
        yield current
