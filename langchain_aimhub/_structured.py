"""`with_structured_output` for every method, shared by all families."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

if TYPE_CHECKING:
    from langchain_aimhub.chat_models import ChatAimhub


def structured_output_runnable(
    llm: ChatAimhub, schema: Any, method: str, include_raw: bool, strict: bool | None
) -> Runnable[Any, Any]:
    """The model bound for `method`, piped into the matching parser."""
    if schema is None and method != "json_mode":
        msg = f"schema is required for method={method!r}"
        raise ValueError(msg)
    is_model = isinstance(schema, type) and is_basemodel_subclass(schema)
    if method == "function_calling":
        tool = convert_to_openai_tool(schema, strict=strict)
        name = tool["function"]["name"]
        bound: Runnable[Any, Any] = llm.bind_tools(
            [schema],
            tool_choice=name,
            strict=strict,
            ls_structured_output_format={"kwargs": {"method": method}, "schema": tool},
        )
        parser: Runnable[Any, Any] = (
            PydanticToolsParser(tools=[schema], first_tool_only=True)
            if is_model
            else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
        )
    elif method == "json_schema":
        json_schema = convert_to_json_schema(schema)
        spec: dict[str, Any] = {"name": json_schema.get("title", "output"), "schema": json_schema}
        if strict is not None:
            spec["strict"] = strict
        response_format = {"type": "json_schema", "json_schema": spec}
        bound = llm.bind(
            response_format=response_format,
            ls_structured_output_format={
                "kwargs": {"method": method, "strict": strict},
                "schema": json_schema,
            },
        )
        parser = PydanticOutputParser(pydantic_object=schema) if is_model else JsonOutputParser()
    elif method == "json_mode":
        bound = llm.bind(
            response_format={"type": "json_object"},
            ls_structured_output_format={"kwargs": {"method": method}, "schema": schema},
        )
        parser = PydanticOutputParser(pydantic_object=schema) if is_model else JsonOutputParser()
    else:
        msg = f"method must be 'json_schema', 'function_calling' or 'json_mode', got {method!r}"
        raise ValueError(msg)
    if not include_raw:
        return bound | parser
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    ).with_fallbacks(
        # The failed attempt's exception lands under "parsing_error" in the fallback's input.
        [RunnablePassthrough.assign(parsed=lambda _: None)],
        exception_key="parsing_error",
    )
    return RunnableMap(raw=bound) | parsed
