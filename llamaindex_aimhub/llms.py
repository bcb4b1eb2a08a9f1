"""`Aimhub`: every model on an aggregator gateway as a LlamaIndex function-calling LLM."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, Generator, Sequence
from typing import TYPE_CHECKING, Any, cast

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field
from llama_index.core.constants import DEFAULT_NUM_OUTPUTS
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import Model
from pydantic import BaseModel, model_validator
from typing_extensions import Self

from aimhub.adapter import (
    ModelCapabilities,
    ShapedRequest,
    capabilities_for,
    check_model,
    shape_chat_request,
    take_request_options,
)
from llamaindex_aimhub._clients import ConnectionFields
from llamaindex_aimhub._convert import (
    StreamConverter,
    as_chat_messages,
    chat_response_from_completion,
    to_wire_messages,
)
from llamaindex_aimhub._structured import (
    apartial_objects,
    end_event,
    json_method,
    json_request,
    parse_structured,
    partial_objects,
    start_event,
)
from llamaindex_aimhub._tools import keep_first_tool_call, tool_chat_kwargs, tool_selections

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

#: Instance fields that override the catalogue record of the instance's own model.
_FLAG_FIELDS = {
    "context_window": "context_window",
    "is_function_calling_model": "tool_calling",
    "vision": "vision",
    "audio_input": "audio_input",
    "pdf_input": "pdf_input",
    "video_input": "video_input",
}


class Aimhub(ConnectionFields, FunctionCallingLLM):
    """Any model served by an OpenAI-compatible aggregator gateway (one-api, new-api, forks).

    ```python
    from llamaindex_aimhub import Aimhub  # pip install "aimhub-llm[llamaindex]"

    llm = Aimhub(model="qwen-plus")  # AIMHUB_API_KEY, AIMHUB_BASE_URL
    print(llm.complete("Name three rivers in China.").text)
    ```

    `context_window`, `is_function_calling_model` and the media flags default from the model
    catalogue (no model id is "unknown"); `max_tokens` and `temperature` are sent only when set.
    Tools (`chat_with_tools`, `FunctionAgent`), structured output by the family's best method,
    media in and reasoning out as `ThinkingBlock`s (streamed, and echoed back where the family
    needs it) all go through the shared `aimhub` core. Usage, finish reason (normalised and
    raw) and request id are in the final `ChatResponse.additional_kwargs`; gateway errors
    propagate as `aimhub` errors.
    """

    model: str = Field(description="Model id as the gateway lists it, e.g. `gpt-4o-mini`.")
    temperature: float | None = Field(default=None, description="Unset: not sent.")
    max_tokens: int | None = Field(default=None, gt=0, description="Output cap; unset: not sent.")
    reasoning_effort: str | None = Field(
        default=None, description="`low`/`medium`/`high` for reasoning models that take it."
    )
    enable_thinking: bool | None = Field(
        default=None, description="Thinking switch of Qwen3-style models (streamed when on)."
    )
    capabilities: dict[str, Any] | None = Field(
        default=None, description="Catalogue overrides for this instance, e.g. `{'vision': True}`."
    )
    context_window: int | None = Field(default=None, description="Tokens; catalogue default.")
    is_function_calling_model: bool | None = Field(
        default=None, description="Calls tools; catalogue default."
    )
    vision: bool | None = Field(default=None, description="Takes images; catalogue default.")
    audio_input: bool | None = Field(default=None, description="Takes audio; catalogue default.")
    pdf_input: bool | None = Field(default=None, description="Takes PDFs; catalogue default.")
    video_input: bool | None = Field(default=None, description="Takes video; catalogue default.")

    def _check(self) -> None:
        check_model(self.model)

    @model_validator(mode="after")
    def _catalogue_defaults(self) -> Self:
        catalogue = capabilities_for(self.model, self.capabilities)
        for name, capability in _FLAG_FIELDS.items():
            if getattr(self, name) is None:
                setattr(self, name, getattr(catalogue, capability))
        return self

    @classmethod
    def class_name(cls) -> str:
        """The name LlamaIndex serialises this class under."""
        return "Aimhub"

    @property
    def base_url(self) -> str:
        """The normalised API root requests go to."""
        return self._client.base_url

    @property
    def model_capabilities(self) -> ModelCapabilities:
        """The catalogue record of `model`, with `capabilities` and the flag fields applied."""
        return self._caps_for(self.model)

    def _caps_for(self, model: str) -> ModelCapabilities:
        overrides = dict(self.capabilities or {})
        if model == self.model:
            for name, capability in _FLAG_FIELDS.items():
                if getattr(self, name) is not None:
                    overrides[capability] = getattr(self, name)
        return capabilities_for(model, overrides)

    @property
    def metadata(self) -> LLMMetadata:
        """LlamaIndex's view of the catalogue record (never a 3,900-token guess)."""
        caps = self.model_capabilities
        return LLMMetadata(
            context_window=caps.context_window,
            num_output=self.max_tokens or caps.max_output_tokens or DEFAULT_NUM_OUTPUTS,
            is_chat_model=True,
            is_function_calling_model=caps.tool_calling,
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    # --- requests ---------------------------------------------------------------------------

    def _build(
        self, messages: Sequence[ChatMessage], kwargs: dict[str, Any], *, stream: bool
    ) -> ShapedRequest:
        """The shaped request for these messages; call kwargs override instance settings."""
        options = take_request_options(kwargs)
        model = kwargs.pop("model", None) or self.model
        caps = self._caps_for(model)
        settings = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "reasoning_effort": self.reasoning_effort,
            "enable_thinking": self.enable_thinking,
        }
        body: dict[str, Any] = {"model": model}
        body.update((k, v) for k, v in settings.items() if v is not None)
        body.update(self.additional_kwargs)
        body.update((k, v) for k, v in kwargs.items() if v is not None)
        body["messages"] = to_wire_messages(as_chat_messages(messages), caps, model)
        return shape_chat_request(body, caps, stream=stream, options=options)

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        request = self._build(messages, kwargs, stream=False)
        if request.force_stream:
            # Thinking only comes streamed; the stream's last response is the whole answer.
            return deque(self._stream(request), maxlen=1)[0]
        return chat_response_from_completion(
            self._client.chat(request.body, **request.send_kwargs())
        )

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        request = self._build(messages, kwargs, stream=False)
        if request.force_stream:
            last = ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT))
            async for response in self._astream(request):
                last = response
            return last
        return chat_response_from_completion(
            await self._async_client.chat(request.body, **request.send_kwargs())
        )

    def _stream(self, request: ShapedRequest) -> ChatResponseGen:
        with self._client.stream_chat_dicts(request.body, **request.send_kwargs()) as stream:
            converter = StreamConverter(stream.request_id)
            for chunk in stream:
                response = converter.add(chunk)
                if response is not None:
                    yield response
            yield converter.finish()

    async def _astream(self, request: ShapedRequest) -> ChatResponseAsyncGen:
        stream = await self._async_client.stream_chat_dicts(request.body, **request.send_kwargs())
        async with stream:
            converter = StreamConverter(stream.request_id)
            async for chunk in stream:
                response = converter.add(chunk)
                if response is not None:
                    yield response
            yield converter.finish()

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        # Built before the generator starts, so bad input fails at the call, not at iteration.
        return self._stream(self._build(messages, kwargs, stream=True))

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        return self._astream(self._build(messages, kwargs, stream=True))

    # --- the LLM interface ------------------------------------------------------------------

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """One answer; `kwargs` are request fields (`tools`, `top_p`, `model`, ...)."""
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Async `chat`."""
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Cumulative responses as the answer streams; the last one carries usage and ids."""
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        """Async `stream_chat`."""
        return await self._astream_chat(messages, **kwargs)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """A chat with one user message (never the legacy `/completions` route)."""
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        """Async `complete`."""
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Streamed `complete`."""
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """Async streamed `complete`."""
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # --- tools ------------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: str | dict[str, Any] | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The `chat` arguments of a tool-calling turn (see `tool_chat_kwargs`)."""
        prepared = tool_chat_kwargs(
            tools,
            user_msg,
            chat_history,
            allow_parallel_tool_calls=allow_parallel_tool_calls,
            parallel_param=self.model_capabilities.parallel_tool_calls,
            tool_required=tool_required,
            tool_choice=tool_choice,
            strict=strict,
        )
        return {**kwargs, **prepared}

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first call when parallel calls were not allowed (old gateways drop
        `parallel_tool_calls`)."""
        return response if allow_parallel_tool_calls else keep_first_tool_call(response)

    def get_tool_calls_from_response(
        self,
        response: ChatResponse,
        error_on_no_tool_call: bool = True,
        error_on_invalid_arguments: bool = False,
        **kwargs: Any,
    ) -> list[ToolSelection]:
        """Every tool call of a response, whole or streamed so far.

        Args:
            error_on_no_tool_call: raise `ValueError` when the response has no tool call.
            error_on_invalid_arguments: raise `ValueError` naming the call when its arguments
                are not a JSON object, instead of LlamaIndex's default (complete partial JSON,
                else call with `{}`).
        """
        return tool_selections(
            response,
            error_on_no_tool_call=error_on_no_tool_call,
            error_on_invalid_arguments=error_on_invalid_arguments,
        )

    # --- structured output ------------------------------------------------------------------

    def _json_plan(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None,
        prompt_args: dict[str, Any],
    ) -> tuple[list[ChatMessage], dict[str, Any]] | None:
        """The JSON request for structured output, or None when LlamaIndex's program is best."""
        caps = self.model_capabilities
        method = json_method(caps, self.pydantic_program_mode)
        if method is None:
            return None
        messages = self._extend_messages(prompt.format_messages(**prompt_args))
        return json_request(messages, output_cls, caps, llm_kwargs, method)

    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """A pydantic object by the family's best method, as the catalogue says: a JSON schema
        (OpenAI, Gemini), JSON mode (DeepSeek, ERNIE) or function calling (the rest, through
        LlamaIndex's `FunctionCallingProgram`). `pydantic_program_mode` overrides the choice."""
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            result = super().structured_predict(output_cls, prompt, llm_kwargs, **prompt_args)
            return cast(Model, result)
        start_event(output_cls, prompt, prompt_args)
        parsed = parse_structured(output_cls, self.chat(plan[0], **plan[1]))
        end_event(parsed)
        return parsed

    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Async `structured_predict`."""
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            result = await super().astructured_predict(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
            return cast(Model, result)
        start_event(output_cls, prompt, prompt_args)
        parsed = parse_structured(output_cls, await self.achat(plan[0], **plan[1]))
        end_event(parsed)
        return parsed

    def _structured_stream_call(
        self,
        output_cls: type[Any],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Generator[Any, None, None]:
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return super()._structured_stream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        return partial_objects(self.stream_chat(plan[0], **plan[1]), output_cls)

    async def _structured_astream_call(
        self,
        output_cls: type[Any],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> AsyncGenerator[Any, None]:
        plan = self._json_plan(output_cls, prompt, llm_kwargs, prompt_args)
        if plan is None:
            return await super()._structured_astream_call(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
        return apartial_objects(await self.astream_chat(plan[0], **plan[1]), output_cls)
