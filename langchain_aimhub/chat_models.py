"""`ChatAimhub`: every model on an aggregator gateway as a LangChain chat model."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.base import LangSmithParams
from langchain_core.language_models.chat_models import (
    BaseChatModel,
    agenerate_from_stream,
    generate_from_stream,
)
from langchain_core.language_models.model_profile import ModelProfile
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field, PrivateAttr

from aimhub.adapter import (
    API_KEY_ENV,
    AimhubParameterWarning,
    ChatCompletion,
    ChatStreamAccumulator,
    ModelCapabilities,
    ShapedRequest,
    capabilities_for,
    check_model,
    check_parameters,
    completion_usage,
    normalize_completion,
    shape_chat_request,
    structured_method,
    take_request_options,
)
from langchain_aimhub._clients import ConnectionFields, credential_paths
from langchain_aimhub._convert import (
    _convert_choice_to_message,
    _convert_delta_to_chunk,
    _convert_message_to_dict,
    _convert_summary_to_chunk,
)
from langchain_aimhub._errors import as_langchain_errors
from langchain_aimhub._structured import structured_output_runnable

_CLAMPED = frozenset({"temperature", "top_p"})
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class ChatAimhub(ConnectionFields, BaseChatModel):
    """Chat model for any model served by an OpenAI-compatible aggregator gateway.

    Setup:
        `pip install "aimhub-llm[langchain]"`, then set `AIMHUB_API_KEY` (and `AIMHUB_BASE_URL`
        for gateways other than Aimhub's).

    Instantiate:
        ```python
        from langchain_aimhub import ChatAimhub

        llm = ChatAimhub(model="gpt-4o-mini", temperature=0)
        ```

    Invoke:
        ```python
        llm.invoke("Name three rivers in China.").content
        ```

    Stream:
        ```python
        for chunk in llm.stream("Tell me a story"):
            print(chunk.text, end="")
        ```

    Tool calling:
        ```python
        llm.bind_tools([get_weather]).invoke("Weather in Paris?").tool_calls
        ```

    Structured output:
        ```python
        llm.with_structured_output(Joke).invoke("Tell me a joke")
        ```

    Token usage:
        `usage_metadata` on `invoke` results and on exactly one streamed chunk, with
        `cache_read` and `reasoning` details where the gateway reports them.

    Reasoning:
        `reasoning_content`, `reasoning` and `<think>` tags arrive in
        `additional_kwargs["reasoning_content"]` (and as reasoning blocks with
        `output_version="v1"`), and are sent back on later turns where the family needs it.
    """

    model_config = ConfigDict(
        populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=()
    )

    model_name: str = Field(alias="model")
    """Model id as the gateway lists it, e.g. `gpt-4o-mini`, `claude-3-5-sonnet-20240620`."""
    temperature: float | None = None
    """Sampling temperature (clamped to the model's range, with a warning)."""
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    """Maximum output tokens; sent under the name the model's family expects."""
    top_p: float | None = None
    """Nucleus sampling."""
    stop: list[str] | str | None = Field(default=None, alias="stop_sequences")
    """Stop sequences."""
    seed: int | None = None
    """Sampling seed, where the upstream supports it."""
    frequency_penalty: float | None = None
    """Frequency penalty."""
    presence_penalty: float | None = None
    """Presence penalty."""
    n: int | None = None
    """Number of choices per call."""
    logprobs: bool | None = None
    """Whether to return log-probabilities."""
    top_logprobs: int | None = None
    """How many alternatives per token with `logprobs`."""
    reasoning_effort: str | None = None
    """`low`/`medium`/`high` for reasoning models that take it."""
    streaming: bool = False
    """Stream underneath `invoke` (callbacks then fire per token)."""
    stream_usage: bool = True
    """Ask for usage on streams; `False` for upstreams that reject `stream_options`."""
    extra_body: dict[str, Any] | None = None
    """Extra fields merged into the request body (e.g. `enable_thinking`)."""
    capabilities: dict[str, Any] | None = None
    """Overrides of the model catalogue for this instance, e.g. `{"vision": True}`."""

    _caps: ModelCapabilities = PrivateAttr()

    def _check(self) -> None:
        self._caps = capabilities_for(self.model_name, self.capabilities)
        check_model(self.model_name)
        # Temperature and top_p are clamped to the family's range when sent, not rejected.
        params = self._default_params()
        check_parameters({k: v for k, v in params.items() if k not in _CLAMPED}, self.model_name)

    # --- LangChain plumbing ---------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "aimhub-chat"

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": API_KEY_ENV, **credential_paths(self)}

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_aimhub", "chat_models"]

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "base_url": self._client.base_url,
            **self._default_params(),
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="aimhub",
            ls_model_name=kwargs.get("model", self.model_name),
            ls_model_type="chat",
        )
        if self.temperature is not None:
            params["ls_temperature"] = kwargs.get("temperature", self.temperature)
        if self.max_tokens is not None:
            params["ls_max_tokens"] = kwargs.get("max_tokens", self.max_tokens)
        stops = stop or kwargs.get("stop") or self.stop
        if stops:
            params["ls_stop"] = [stops] if isinstance(stops, str) else list(stops)
        return params

    def _resolve_model_profile(self) -> ModelProfile | None:
        return capability_profile(capabilities_for(self.model_name, self.capabilities))

    @property
    def model_capabilities(self) -> ModelCapabilities:
        """The catalogue record this instance uses (with `capabilities` overrides applied)."""
        return self._caps

    # --- requests -------------------------------------------------------------------------

    def _default_params(self) -> dict[str, Any]:
        params = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "top_p": self.top_p,
            "stop": self.stop or None,
            "seed": self.seed,
            "n": self.n,
            "frequency_penalty": self.frequency_penalty,
            "presence_penalty": self.presence_penalty,
            "logprobs": self.logprobs,
            "top_logprobs": self.top_logprobs,
            "reasoning_effort": self.reasoning_effort,
        }
        return {k: v for k, v in params.items() if v is not None}

    def _build_request(
        self, messages: list[BaseMessage], stop: list[str] | None, *, stream: bool, **kwargs: Any
    ) -> ShapedRequest:
        options = take_request_options(kwargs)
        model = kwargs.pop("model", None) or self.model_name
        caps = (
            self._caps if model == self.model_name else capabilities_for(model, self.capabilities)
        )
        body: dict[str, Any] = {"model": model, **self._default_params(), **self.model_kwargs}
        if stop:
            body["stop"] = stop
        body.update({k: v for k, v in kwargs.items() if v is not None})
        if self.extra_body:
            body.update(self.extra_body)
        body["messages"] = [
            _convert_message_to_dict(m, caps, model, i) for i, m in enumerate(messages)
        ]
        if stream and not self.stream_usage:
            body["stream_options"] = None
        return shape_chat_request(body, caps, stream=stream, options=options)

    def _metadata(self, model: str | None, request_id: str | None) -> dict[str, Any]:
        return {
            "model_name": model or self.model_name,
            "model_provider": "aimhub",
            "request_id": request_id,
        }

    def _create_chat_result(self, completion: ChatCompletion) -> ChatResult:
        usage = completion_usage(completion)
        metadata = {
            **self._metadata(completion.model, completion.request_id),
            "id": completion.id,
            "system_fingerprint": completion.system_fingerprint,
        }
        generations = []
        for number, choice in enumerate(normalize_completion(completion)):
            message = _convert_choice_to_message(choice, usage if number == 0 else None, metadata)
            info = {"finish_reason": choice.finish_reason}
            if choice.logprobs is not None:
                info["logprobs"] = choice.logprobs
                message.response_metadata["logprobs"] = choice.logprobs
            generations.append(ChatGeneration(message=message, generation_info=info))
        return ChatResult(generations=generations, llm_output={"model_name": completion.model})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._build_request(messages, stop, stream=False, **kwargs)
        if request.force_stream:
            return generate_from_stream(self._stream_request(request, run_manager))
        with as_langchain_errors():
            return self._create_chat_result(
                self._client.chat(request.body, **request.send_kwargs())
            )

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._build_request(messages, stop, stream=False, **kwargs)
        if request.force_stream:
            return await agenerate_from_stream(self._astream_request(request, run_manager))
        with as_langchain_errors():
            return self._create_chat_result(
                await self._async_client.chat(request.body, **request.send_kwargs())
            )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._build_request(messages, stop, stream=True, **kwargs)
        yield from self._stream_request(request, run_manager)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        request = self._build_request(messages, stop, stream=True, **kwargs)
        async for chunk in self._astream_request(request, run_manager):
            yield chunk

    def _stream_request(
        self, request: ShapedRequest, run_manager: CallbackManagerForLLMRun | None
    ) -> Iterator[ChatGenerationChunk]:
        body = {**request.body, "stream": True}
        with (
            as_langchain_errors(),
            self._client.stream_chat_dicts(body, **request.send_kwargs()) as stream,
        ):
            pump = _ChunkPump(self, str(body["model"]), stream.request_id)
            for raw in stream:
                chunk = pump.add(raw)
                if chunk is not None:
                    if run_manager:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk
            for chunk in pump.finish():
                if run_manager:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk

    async def _astream_request(
        self, request: ShapedRequest, run_manager: AsyncCallbackManagerForLLMRun | None
    ) -> AsyncIterator[ChatGenerationChunk]:
        body = {**request.body, "stream": True}
        with as_langchain_errors():
            stream = await self._async_client.stream_chat_dicts(body, **request.send_kwargs())
            async with stream:
                pump = _ChunkPump(self, str(body["model"]), stream.request_id)
                async for raw in stream:
                    chunk = pump.add(raw)
                    if chunk is not None:
                        if run_manager:
                            await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                        yield chunk
                for chunk in pump.finish():
                    if run_manager:
                        await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk

    # --- tools and structured output ------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (BaseTools, functions, pydantic models, TypedDicts or OpenAI dicts).

        Args:
            tool_choice: "auto", "none", "any"/"required", a tool name, True (the only
                tool), or an OpenAI dict. Forms a family rejects are downgraded with a warning.
            parallel_tool_calls: sent only when set.
            strict: ask for strict schema adherence where the upstream honours it.
        """
        formatted = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
        if tool_choice is True:
            if len(formatted) != 1:
                msg = f"tool_choice=True needs exactly one tool, got {len(formatted)}"
                raise ValueError(msg)
            tool_choice = formatted[0]["function"]["name"]
        # A tool name, "any" and the forms a family rejects are normalised by the core's
        # request shaper, the same for every adapter.
        if tool_choice is not None and tool_choice is not False:
            kwargs["tool_choice"] = tool_choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: Literal["json_schema", "function_calling", "json_mode"] | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """Answers parsed into `schema` (pydantic model, TypedDict or JSON schema).

        Args:
            method: defaults to the method the model's family supports best (catalogue).
            include_raw: return `{"raw", "parsed", "parsing_error"}` instead of raising.
            strict: strict schema adherence where the upstream honours it.
        """
        if kwargs:
            msg = f"unexpected arguments {sorted(kwargs)}"
            raise ValueError(msg)
        chosen, reason = structured_method(self._caps, method, has_schema=schema is not None)
        if reason is not None:
            warnings.warn(f"{self.model_name}: {reason}", AimhubParameterWarning, stacklevel=2)
        return structured_output_runnable(self, schema, chosen, include_raw, strict)

    # --- tokens ---------------------------------------------------------------------------

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Estimate prompt tokens offline, without downloading a tokenizer.

        About 4 characters per token for Latin-script text, one token per CJK character,
        3 tokens of framing per message and the JSON of any tools. Expect the estimate within
        roughly ±25% of a real BPE count for prose; set `custom_get_token_ids` for exact counts.
        """
        if self.custom_get_token_ids is not None:
            return super().get_num_tokens_from_messages(messages, tools)
        total = 3
        for message in messages:
            total += 3 + self.get_num_tokens(message.text)
        for tool in tools or []:
            total += self.get_num_tokens(str(convert_to_openai_tool(tool)))
        return total

    def get_num_tokens(self, text: str) -> int:
        """Offline estimate of the tokens in `text` (see `get_num_tokens_from_messages`)."""
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        cjk = len(_CJK.findall(text))
        return cjk + math.ceil((len(text) - cjk) / 4)


class _ChunkPump:
    """Raw chunks in, LangChain chunks out; usage and finish reason once, at the end."""

    def __init__(self, model: ChatAimhub, model_name: str, request_id: str | None) -> None:
        self._acc = ChatStreamAccumulator()
        self._metadata = model._metadata(model_name, request_id)

    def add(self, raw: dict[str, Any]) -> ChatGenerationChunk | None:
        delta = self._acc.add_json(raw)
        if not delta:
            return None
        return ChatGenerationChunk(message=_convert_delta_to_chunk(delta))

    def finish(self) -> list[ChatGenerationChunk]:
        chunks = []
        rest = self._acc.flush()
        if rest:
            chunks.append(ChatGenerationChunk(message=_convert_delta_to_chunk(rest)))
        summary = self._acc.summary()
        last: AIMessageChunk = _convert_summary_to_chunk(summary, self._metadata)
        info = {
            "finish_reason": summary.finish_reason,
            "model_name": last.response_metadata["model_name"],
        }
        chunks.append(ChatGenerationChunk(message=last, generation_info=info))
        return chunks


def capability_profile(caps: ModelCapabilities) -> ModelProfile:
    """LangChain's `ModelProfile`: a projection of the catalogue record."""
    profile = ModelProfile(
        max_input_tokens=caps.context_window,
        text_inputs=True,
        text_outputs=True,
        image_inputs=caps.vision,
        image_url_inputs=caps.vision,
        pdf_inputs=caps.pdf_input,
        audio_inputs=caps.audio_input,
        video_inputs=caps.video_input,
        image_tool_message=caps.image_tool_message,
        reasoning_output=caps.reasoning,
        tool_calling=caps.tool_calling,
        tool_choice=caps.tool_calling and "required" in caps.tool_choices,
        tool_call_streaming=caps.tool_calling,
        structured_output=caps.json_schema,
        temperature=caps.temperature,
    )
    if caps.max_output_tokens is not None:
        profile["max_output_tokens"] = caps.max_output_tokens
    return profile
