"""One small adapter per contender: the same calls, as each library is meant to be used.

An adapter imports its library in `setup()` (so a worker process loads only its own), and offers
some of: `invoke()` -> answer text, `stream()` -> iterator of text pieces, `ainvoke()` (after
`await aopen()`), `tool()` -> the called tool's name, `embed(texts, encoding)` -> vectors.
Every call is checked once by the worker before it is timed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from fake_server import ANSWER, CHAT_MODEL, EMBEDDING_MODEL, TOOL_NAME

MODEL = CHAT_MODEL
#: What the fake gateway answers, checked once per contender before timing.
ANSWER_CHECKS = {"invoke": ANSWER, "tool": TOOL_NAME}
API_KEY = "sk-bench"
PROMPT = "Say hello."
MESSAGES = [{"role": "user", "content": PROMPT}]
TOOL_SCHEMA = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name."},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
#: Inputs per request for the hand-written clients: langchain-openai's default `chunk_size`.
RAW_EMBED_BATCH = 1000
#: Same connection limits as the openai SDK and aimhub (httpx's own default is 100/20).
POOL = {"max_connections": 1000, "max_keepalive_connections": 100}


def get_weather(city: str, unit: str = "celsius") -> str:
    """Current weather in a city."""
    return f"sunny in {city} ({unit})"


class Contender:
    """Base adapter: what every contender has; scenarios it lacks raise NotImplementedError."""

    name: ClassVar[str]
    group: ClassVar[str]  # floor | incumbent | ours | reference
    framework: ClassVar[str]  # raw | langchain | llamaindex
    kind: ClassVar[str] = "chat"  # chat | embed
    batch_size: ClassVar[int | None] = None

    def setup(self, base_url: str) -> None:
        """Import the library and build the client(s) for `base_url` (`http://host:port/v1`)."""
        raise NotImplementedError

    def invoke(self) -> str:
        raise NotImplementedError

    def stream(self) -> Iterator[str]:
        raise NotImplementedError

    async def aopen(self) -> None:
        """Build the async client inside the running event loop."""

    async def ainvoke(self) -> str:
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what `aopen()` built."""

    def tool(self) -> str:
        raise NotImplementedError

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        raise NotImplementedError

    def scenarios(self) -> set[str]:
        """Scenario names this adapter implements (those it overrides)."""
        own = {
            "invoke": "invoke",
            "stream": "stream",
            "concurrent": "ainvoke",
            "tool": "tool",
            "embed": "embed",
            "embed_b64": "embed",
        }
        return {s for s, m in own.items() if getattr(type(self), m) is not getattr(Contender, m)}


# --- raw clients ------------------------------------------------------------------------------


def _sse_texts(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        for choice in json.loads(data)["choices"]:
            text = choice["delta"].get("content")
            if text:
                yield text


class RawHttpx(Contender):
    """The floor: a hand-written httpx client, `json.loads` per event, no models."""

    name = "httpx (raw)"
    group = "floor"
    framework = "raw"

    def setup(self, base_url: str) -> None:
        import httpx

        self.httpx = httpx
        self.base = base_url
        self.headers = {"Authorization": f"Bearer {API_KEY}"}
        self.client = httpx.Client(limits=httpx.Limits(**POOL), timeout=60)

    def _post(self, body: dict[str, Any]) -> Any:
        response = self.client.post(
            self.base + "/chat/completions", json=body, headers=self.headers
        )
        response.raise_for_status()
        return response.json()

    def invoke(self) -> str:
        return str(
            self._post({"model": MODEL, "messages": MESSAGES})["choices"][0]["message"]["content"]
        )

    def stream(self) -> Iterator[str]:
        body = {
            "model": MODEL,
            "messages": MESSAGES,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        url = self.base + "/chat/completions"
        with self.client.stream("POST", url, json=body, headers=self.headers) as response:
            response.raise_for_status()
            yield from _sse_texts(response.iter_lines())

    async def aopen(self) -> None:
        self.aclient = self.httpx.AsyncClient(limits=self.httpx.Limits(**POOL), timeout=60)

    async def ainvoke(self) -> str:
        response = await self.aclient.post(
            self.base + "/chat/completions",
            json={"model": MODEL, "messages": MESSAGES},
            headers=self.headers,
        )
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    async def aclose(self) -> None:
        await self.aclient.aclose()

    def tool(self) -> str:
        answer = self._post({"model": MODEL, "messages": MESSAGES, "tools": [TOOL_SCHEMA]})
        call = answer["choices"][0]["message"]["tool_calls"][0]["function"]
        json.loads(call["arguments"])
        return str(call["name"])


class RawHttpxEmbed(RawHttpx):
    """The embeddings floor: sequential batches of 1,000, `json.loads`, base64 via `array`."""

    name = "httpx (raw) embed"
    kind = "embed"
    batch_size = RAW_EMBED_BATCH

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        import base64
        from array import array

        out: list[list[float]] = []
        for start in range(0, len(texts), RAW_EMBED_BATCH):
            body = {
                "model": EMBEDDING_MODEL,
                "input": texts[start : start + RAW_EMBED_BATCH],
                "encoding_format": encoding,
            }
            response = self.client.post(self.base + "/embeddings", json=body, headers=self.headers)
            response.raise_for_status()
            for item in response.json()["data"]:
                vector = item["embedding"]
                if encoding == "base64":
                    vector = array("f", base64.b64decode(vector)).tolist()
                out.append(vector)
        return out

    # embeddings-only: no chat scenarios
    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    ainvoke = Contender.ainvoke  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class RawAiohttp(Contender):
    """Reference for the concurrency scenario: aiohttp without httpx."""

    name = "aiohttp (raw)"
    group = "reference"
    framework = "raw"

    def setup(self, base_url: str) -> None:
        self.url = base_url + "/chat/completions"
        self.headers = {"Authorization": f"Bearer {API_KEY}"}

    async def aopen(self) -> None:
        import aiohttp

        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))

    async def ainvoke(self) -> str:
        body = {"model": MODEL, "messages": MESSAGES}
        async with self.session.post(self.url, json=body, headers=self.headers) as response:
            response.raise_for_status()
            return str((await response.json())["choices"][0]["message"]["content"])

    async def aclose(self) -> None:
        await self.session.close()


class RawHttpxAiohttp(RawHttpx):
    """Reference: the raw httpx code over the `httpx-aiohttp` transport (async only)."""

    name = "httpx-aiohttp (raw)"
    group = "reference"

    async def aopen(self) -> None:
        self.aclient = _aiohttp_httpx_client()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


# --- SDKs -------------------------------------------------------------------------------------


class OpenAISDK(Contender):
    """The openai SDK (Stainless): typed models for every answer and chunk."""

    name = "openai SDK"
    group = "incumbent"
    framework = "raw"

    def setup(self, base_url: str) -> None:
        import openai

        self.openai = openai
        self.base = base_url
        self.client = openai.OpenAI(base_url=base_url, api_key=API_KEY)

    def invoke(self) -> str:
        answer = self.client.chat.completions.create(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]
        return str(answer.choices[0].message.content)

    def stream(self) -> Iterator[str]:
        chunks = self.client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,  # type: ignore[arg-type]
            stream=True,
            stream_options={"include_usage": True},
        )
        for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield choice.delta.content

    async def aopen(self) -> None:
        self.aclient = self.openai.AsyncOpenAI(base_url=self.base, api_key=API_KEY)

    async def ainvoke(self) -> str:
        answer = await self.aclient.chat.completions.create(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]
        return str(answer.choices[0].message.content)

    async def aclose(self) -> None:
        await self.aclient.close()

    def tool(self) -> str:
        answer = self.client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,  # type: ignore[arg-type]
            tools=[TOOL_SCHEMA],  # type: ignore[list-item]
        )
        call = answer.choices[0].message.tool_calls[0]  # type: ignore[index]
        json.loads(call.function.arguments)  # type: ignore[union-attr]
        return str(call.function.name)  # type: ignore[union-attr]


class OpenAISDKEmbed(OpenAISDK):
    """openai SDK embeddings: batches of 1,000; base64 is its default (decoded with numpy)."""

    name = "openai SDK embed"
    kind = "embed"
    batch_size = RAW_EMBED_BATCH

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        out: list[list[float]] = []
        extra = {"encoding_format": "float"} if encoding == "float" else {}
        for start in range(0, len(texts), RAW_EMBED_BATCH):
            answer = self.client.embeddings.create(
                model=EMBEDDING_MODEL, input=texts[start : start + RAW_EMBED_BATCH], **extra
            )
            out.extend(item.embedding for item in answer.data)
        return out

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    ainvoke = Contender.ainvoke  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class Core(Contender):
    """aimhub's core client: `AimhubClient`/`AsyncAimhubClient`, typed chunks, no framework.

    As users get it: the async client sends over aiohttp (`aimhub._aiohttp.AiohttpTransport`)
    by default, the sync one over httpx.
    """

    name = "aimhub core"
    group = "ours"
    framework = "raw"

    def setup(self, base_url: str) -> None:
        import aimhub

        self.aimhub = aimhub
        self.base = base_url
        self.client = aimhub.AimhubClient(base_url=base_url, api_key=API_KEY)

    def invoke(self) -> str:
        return str(self.client.chat(model=MODEL, messages=MESSAGES).choices[0].message.content)

    def stream(self) -> Iterator[str]:
        with self.client.stream_chat(model=MODEL, messages=MESSAGES) as chunks:
            for chunk in chunks:
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield str(choice.delta.content)

    async def aopen(self) -> None:
        self.aclient = self.aimhub.AsyncAimhubClient(base_url=self.base, api_key=API_KEY)

    async def ainvoke(self) -> str:
        answer = await self.aclient.chat(model=MODEL, messages=MESSAGES)
        return str(answer.choices[0].message.content)

    async def aclose(self) -> None:
        await self.aclient.close()

    def tool(self) -> str:
        answer = self.client.chat(model=MODEL, messages=MESSAGES, tools=[TOOL_SCHEMA])
        call = answer.choices[0].message.tool_calls[0]
        json.loads(call.function.arguments)
        return str(call.function.name)


class CoreHttpxPool(Core):
    """The core async client given a plain `httpx.AsyncClient`: httpx's own pool, not aiohttp."""

    name = "aimhub core [httpx pool]"
    group = "reference"

    async def aopen(self) -> None:
        self.http = _httpx_pool_client()
        self.aclient = self.aimhub.AsyncAimhubClient(
            base_url=self.base, api_key=API_KEY, http_client=self.http
        )

    async def aclose(self) -> None:
        await self.aclient.close()  # leaves an injected client open
        await self.http.aclose()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


def _httpx_pool_client() -> Any:
    """A plain `httpx.AsyncClient` (httpx's own pool) with the floors' limits and timeout."""
    import httpx

    return httpx.AsyncClient(limits=httpx.Limits(**POOL), timeout=60)


def _aiohttp_httpx_client() -> Any:
    """The floors' `[aiohttp]` client: the third-party `httpx-aiohttp` transport, not ours."""
    import aiohttp
    import httpx_aiohttp

    return httpx_aiohttp.HttpxAiohttpClient(
        timeout=60,
        transport=httpx_aiohttp.AiohttpTransport(
            client=lambda: aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
        ),
    )


class CoreEmbed(Core):
    """The core client's `embed()` in sequential batches of 1,000 (no Embedder policy)."""

    name = "aimhub core embed"
    kind = "embed"
    batch_size = RAW_EMBED_BATCH

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        from aimhub._embeddings import read_vectors

        out: list[list[float]] = []
        for start in range(0, len(texts), RAW_EMBED_BATCH):
            batch = texts[start : start + RAW_EMBED_BATCH]
            answer = self.client.embed(model=EMBEDDING_MODEL, input=batch, encoding_format=encoding)
            out.extend(read_vectors(answer, len(batch), model=EMBEDDING_MODEL))
        return out

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    ainvoke = Contender.ainvoke  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class LiteLLM(Contender):
    """litellm (optional): `completion()`/`acompletion()` with an `openai/` model."""

    name = "litellm"
    group = "incumbent"
    framework = "raw"

    def setup(self, base_url: str) -> None:
        import litellm

        litellm.telemetry = False
        self.litellm = litellm
        self.options = {"model": f"openai/{MODEL}", "api_base": base_url, "api_key": API_KEY}

    def invoke(self) -> str:
        answer = self.litellm.completion(messages=MESSAGES, **self.options)
        return str(answer.choices[0].message.content)

    def stream(self) -> Iterator[str]:
        chunks = self.litellm.completion(
            messages=MESSAGES, stream=True, stream_options={"include_usage": True}, **self.options
        )
        for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield choice.delta.content

    async def ainvoke(self) -> str:
        answer = await self.litellm.acompletion(messages=MESSAGES, **self.options)
        return str(answer.choices[0].message.content)

    def tool(self) -> str:
        answer = self.litellm.completion(messages=MESSAGES, tools=[TOOL_SCHEMA], **self.options)
        return str(answer.choices[0].message.tool_calls[0].function.name)


# --- LangChain --------------------------------------------------------------------------------


class _LangChain(Contender):
    framework = "langchain"

    def make(self, base_url: str) -> Any:
        raise NotImplementedError

    def setup(self, base_url: str) -> None:
        from langchain_core.messages import HumanMessage

        self.base = base_url
        self.messages = [HumanMessage(PROMPT)]
        self.llm = self.make(base_url)
        self.with_tools = self.llm.bind_tools([TOOL_SCHEMA])

    def invoke(self) -> str:
        return str(self.llm.invoke(self.messages).content)

    def stream(self) -> Iterator[str]:
        for chunk in self.llm.stream(self.messages):
            if chunk.content:
                yield str(chunk.content)

    async def aopen(self) -> None:
        # A fresh model per event loop: clients bound to a loop must not outlive it.
        self.allm = self.make(self.base)

    async def ainvoke(self) -> str:
        return str((await self.allm.ainvoke(self.messages)).content)

    def tool(self) -> str:
        return str(self.with_tools.invoke(self.messages).tool_calls[0]["name"])


def _floor_chat_model() -> type:
    """The LangChain floor: `BaseChatModel` around one raw httpx call (built on first use)."""
    import httpx
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
    from langchain_core.utils.function_calling import convert_to_openai_tool
    from pydantic import PrivateAttr

    def wire(messages: Any) -> list[dict[str, Any]]:
        roles = {"human": "user", "ai": "assistant", "system": "system"}
        return [{"role": roles.get(m.type, m.type), "content": m.content} for m in messages]

    def result(answer: dict[str, Any]) -> ChatResult:
        message = answer["choices"][0]["message"]
        calls = [
            {
                "name": c["function"]["name"],
                "args": json.loads(c["function"]["arguments"]),
                "id": c["id"],
            }
            for c in message.get("tool_calls") or []
        ]
        ai = AIMessage(content=message.get("content") or "", tool_calls=calls)
        return ChatResult(generations=[ChatGeneration(message=ai)])

    class FloorChatModel(BaseChatModel):
        base_url: str
        _client: httpx.Client = PrivateAttr(default_factory=lambda: httpx.Client(timeout=60))
        _aclient: httpx.AsyncClient = PrivateAttr(
            default_factory=lambda: httpx.AsyncClient(limits=httpx.Limits(**POOL), timeout=60)
        )

        @property
        def _llm_type(self) -> str:
            return "floor"

        def _body(self, messages: Any, **kwargs: Any) -> dict[str, Any]:
            return {"model": MODEL, "messages": wire(messages), **kwargs}

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            response = self._client.post(
                self.base_url + "/chat/completions", json=self._body(messages, **kwargs)
            )
            return result(response.raise_for_status().json())

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            response = await self._aclient.post(
                self.base_url + "/chat/completions", json=self._body(messages, **kwargs)
            )
            return result(response.raise_for_status().json())

        def _stream(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> Iterator[ChatGenerationChunk]:
            body = self._body(messages, stream=True, **kwargs)
            url = self.base_url + "/chat/completions"
            with self._client.stream("POST", url, json=body) as response:
                for text in _sse_texts(response.raise_for_status().iter_lines()):
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk

        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    return FloorChatModel


class LangChainFloor(_LangChain):
    """The LangChain floor: BaseChatModel's own machinery plus one raw httpx call."""

    name = "LangChain floor"
    group = "floor"

    def make(self, base_url: str) -> Any:
        return _floor_chat_model()(base_url=base_url)


class LangChainFloorAiohttp(LangChainFloor):
    """Experiment: the LangChain floor's async call over `httpx-aiohttp`."""

    name = "LangChain floor [aiohttp]"
    group = "reference"

    def make(self, base_url: str) -> Any:
        model = super().make(base_url)
        self.http = model._aclient = _aiohttp_httpx_client()
        return model

    async def aclose(self) -> None:
        await self.http.aclose()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class ChatOpenAI(_LangChain):
    """langchain-openai's ChatOpenAI pointed at the gateway."""

    name = "ChatOpenAI"
    group = "incumbent"

    def make(self, base_url: str) -> Any:
        from langchain_openai import ChatOpenAI as Model

        return Model(model=MODEL, base_url=base_url, api_key=API_KEY)  # type: ignore[arg-type]


class ChatAimhub(_LangChain):
    """Ours, unconfigured: async calls go over aiohttp (the core client's default)."""

    name = "ChatAimhub"
    group = "ours"

    def make(self, base_url: str) -> Any:
        from langchain_aimhub import ChatAimhub as Model

        return Model(model=MODEL, base_url=base_url, api_key=API_KEY)


class ChatAimhubHttpxPool(ChatAimhub):
    """ChatAimhub given a plain `httpx.AsyncClient`: httpx's own pool instead of aiohttp."""

    name = "ChatAimhub [httpx pool]"
    group = "reference"

    def make(self, base_url: str) -> Any:
        from langchain_aimhub import ChatAimhub as Model

        self.http = _httpx_pool_client()
        return Model(model=MODEL, base_url=base_url, api_key=API_KEY, http_async_client=self.http)

    async def aclose(self) -> None:
        await self.http.aclose()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class OpenAIEmbeddings(Contender):
    """langchain-openai's OpenAIEmbeddings, as gateway users must configure it.

    `check_embedding_ctx_length=False`: otherwise it tokenizes with tiktoken, which downloads
    its encoding and sends token ids that non-OpenAI upstreams misread.
    """

    name = "OpenAIEmbeddings"
    group = "incumbent"
    framework = "langchain"
    kind = "embed"
    batch_size = 1000

    def setup(self, base_url: str) -> None:
        from langchain_openai import OpenAIEmbeddings as Model

        options = {"model": EMBEDDING_MODEL, "base_url": base_url, "api_key": API_KEY}
        self.models = {
            "float": Model(
                **options,
                check_embedding_ctx_length=False,
                model_kwargs={"encoding_format": "float"},
            ),
            "base64": Model(**options, check_embedding_ctx_length=False),
        }

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        return self.models[encoding].embed_documents(texts)  # type: ignore[no-any-return]


class AimhubEmbeddings(Contender):
    """Ours (LangChain)."""

    name = "AimhubEmbeddings"
    group = "ours"
    framework = "langchain"
    kind = "embed"

    def setup(self, base_url: str) -> None:
        from langchain_aimhub import AimhubEmbeddings as Model

        options = {"model": EMBEDDING_MODEL, "base_url": base_url, "api_key": API_KEY}
        self.models = {e: Model(**options, encoding_format=e) for e in ("float", "base64")}
        type(self).batch_size = self.models["float"].chunk_size

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        return self.models[encoding].embed_documents(texts)  # type: ignore[no-any-return]


# --- LlamaIndex -------------------------------------------------------------------------------


class _LlamaIndex(Contender):
    framework = "llamaindex"

    def make(self, base_url: str) -> Any:
        raise NotImplementedError

    def setup(self, base_url: str) -> None:
        from llama_index.core.llms import ChatMessage
        from llama_index.core.tools import FunctionTool

        self.base = base_url
        self.messages = [ChatMessage(role="user", content=PROMPT)]
        self.tools = [FunctionTool.from_defaults(fn=get_weather)]
        self.llm = self.make(base_url)

    def invoke(self) -> str:
        return str(self.llm.chat(self.messages).message.content)

    def stream(self) -> Iterator[str]:
        for response in self.llm.stream_chat(self.messages):
            if response.delta:
                yield response.delta

    async def aopen(self) -> None:
        self.allm = self.make(self.base)

    async def ainvoke(self) -> str:
        return str((await self.allm.achat(self.messages)).message.content)

    def tool(self) -> str:
        response = self.llm.chat_with_tools(self.tools, user_msg=PROMPT)
        calls = self.llm.get_tool_calls_from_response(response, error_on_no_tool_call=True)
        return str(calls[0].tool_name)


def _floor_llm() -> type:
    """The LlamaIndex floor: a `FunctionCallingLLM` around one raw httpx call."""
    import httpx
    from llama_index.core.base.llms.types import (
        ChatMessage,
        ChatResponse,
        ChatResponseAsyncGen,
        ChatResponseGen,
        CompletionResponse,
        LLMMetadata,
    )
    from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
    from llama_index.core.llms.function_calling import FunctionCallingLLM
    from llama_index.core.llms.llm import ToolSelection
    from pydantic import PrivateAttr

    def wire(messages: Any) -> list[dict[str, Any]]:
        return [{"role": m.role.value, "content": m.content} for m in messages]

    def response(answer: dict[str, Any]) -> ChatResponse:
        message = answer["choices"][0]["message"]
        extra = {"tool_calls": message["tool_calls"]} if message.get("tool_calls") else {}
        return ChatResponse(
            message=ChatMessage(
                role="assistant", content=message.get("content") or "", additional_kwargs=extra
            ),
            raw=answer,
        )

    class FloorLLM(FunctionCallingLLM):
        base_url: str
        _client: httpx.Client = PrivateAttr(default_factory=lambda: httpx.Client(timeout=60))
        _aclient: httpx.AsyncClient = PrivateAttr(
            default_factory=lambda: httpx.AsyncClient(limits=httpx.Limits(**POOL), timeout=60)
        )

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(model_name=MODEL, is_chat_model=True, is_function_calling_model=True)

        def _body(self, messages: Any, **kwargs: Any) -> dict[str, Any]:
            return {"model": MODEL, "messages": wire(messages), **kwargs}

        @llm_chat_callback()
        def chat(self, messages: Any, **kwargs: Any) -> ChatResponse:
            answer = self._client.post(
                self.base_url + "/chat/completions", json=self._body(messages, **kwargs)
            )
            return response(answer.raise_for_status().json())

        @llm_chat_callback()
        async def achat(self, messages: Any, **kwargs: Any) -> ChatResponse:
            answer = await self._aclient.post(
                self.base_url + "/chat/completions", json=self._body(messages, **kwargs)
            )
            return response(answer.raise_for_status().json())

        @llm_chat_callback()
        def stream_chat(self, messages: Any, **kwargs: Any) -> ChatResponseGen:
            body = self._body(messages, stream=True, **kwargs)

            def gen() -> ChatResponseGen:
                content = ""
                url = self.base_url + "/chat/completions"
                with self._client.stream("POST", url, json=body) as answer:
                    for text in _sse_texts(answer.raise_for_status().iter_lines()):
                        content += text
                        yield ChatResponse(
                            message=ChatMessage(role="assistant", content=content), delta=text
                        )

            return gen()

        @llm_chat_callback()
        async def astream_chat(self, messages: Any, **kwargs: Any) -> ChatResponseAsyncGen:
            raise NotImplementedError

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError

        @llm_completion_callback()
        async def acomplete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            raise NotImplementedError

        @llm_completion_callback()
        async def astream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> AsyncIterator[CompletionResponse]:
            raise NotImplementedError

        def _prepare_chat_with_tools(
            self,
            tools: Any,
            user_msg: Any = None,
            chat_history: Any = None,
            verbose: bool = False,
            allow_parallel_tool_calls: bool = False,
            tool_required: bool = False,
            **kwargs: Any,
        ) -> dict[str, Any]:
            messages = list(chat_history or [])
            if user_msg is not None:
                if isinstance(user_msg, str):
                    user_msg = ChatMessage(role="user", content=user_msg)
                messages.append(user_msg)
            return {
                "messages": messages,
                "tools": [t.metadata.to_openai_tool() for t in tools],
                **kwargs,
            }

        def get_tool_calls_from_response(
            self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
        ) -> list[ToolSelection]:
            calls = response.message.additional_kwargs.get("tool_calls", [])
            return [
                ToolSelection(
                    tool_id=c["id"],
                    tool_name=c["function"]["name"],
                    tool_kwargs=json.loads(c["function"]["arguments"]),
                )
                for c in calls
            ]

    return FloorLLM


class LlamaIndexFloor(_LlamaIndex):
    """The LlamaIndex floor: LLM machinery (callbacks, instrumentation) plus one raw call."""

    name = "LlamaIndex floor"
    group = "floor"

    def make(self, base_url: str) -> Any:
        return _floor_llm()(base_url=base_url)


class LlamaIndexFloorAiohttp(LlamaIndexFloor):
    """Experiment: the LlamaIndex floor's async call over `httpx-aiohttp`."""

    name = "LlamaIndex floor [aiohttp]"
    group = "reference"

    def make(self, base_url: str) -> Any:
        model = super().make(base_url)
        self.http = model._aclient = _aiohttp_httpx_client()
        return model

    async def aclose(self) -> None:
        await self.http.aclose()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class OpenAILike(_LlamaIndex):
    """llama-index-llms-openai-like's OpenAILike."""

    name = "OpenAILike"
    group = "incumbent"

    def make(self, base_url: str) -> Any:
        from llama_index.llms.openai_like import OpenAILike as Model

        return Model(
            model=MODEL,
            api_base=base_url,
            api_key=API_KEY,
            is_chat_model=True,
            is_function_calling_model=True,
            context_window=128_000,
        )


class Aimhub(_LlamaIndex):
    """Ours (LlamaIndex), unconfigured: async calls go over aiohttp (the core's default)."""

    name = "Aimhub"
    group = "ours"

    def make(self, base_url: str) -> Any:
        from llamaindex_aimhub import Aimhub as Model  # type: ignore[attr-defined]

        return Model(model=MODEL, api_base=base_url, api_key=API_KEY)


class AimhubHttpxPool(Aimhub):
    """Aimhub given a plain `httpx.AsyncClient`: httpx's own pool instead of aiohttp."""

    name = "Aimhub [httpx pool]"
    group = "reference"

    def make(self, base_url: str) -> Any:
        from llamaindex_aimhub import Aimhub as Model

        self.http = _httpx_pool_client()
        return Model(model=MODEL, api_base=base_url, api_key=API_KEY, async_http_client=self.http)

    async def aclose(self) -> None:
        await self.http.aclose()

    invoke = Contender.invoke  # type: ignore[assignment]
    stream = Contender.stream  # type: ignore[assignment]
    tool = Contender.tool  # type: ignore[assignment]


class OpenAIEmbedding(Contender):
    """llama-index-embeddings-openai's OpenAIEmbedding (default batch: 100)."""

    name = "OpenAIEmbedding"
    group = "incumbent"
    framework = "llamaindex"
    kind = "embed"
    batch_size = 100

    def setup(self, base_url: str) -> None:
        from llama_index.embeddings.openai import OpenAIEmbedding as Model

        options = {"model_name": EMBEDDING_MODEL, "api_base": base_url, "api_key": API_KEY}
        self.models = {
            "float": Model(**options, additional_kwargs={"encoding_format": "float"}),
            "base64": Model(**options),
        }

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        return self.models[encoding].get_text_embedding_batch(texts)  # type: ignore[no-any-return]


class AimhubEmbedding(Contender):
    """Ours (LlamaIndex)."""

    name = "AimhubEmbedding"
    group = "ours"
    framework = "llamaindex"
    kind = "embed"

    def setup(self, base_url: str) -> None:
        from llamaindex_aimhub import AimhubEmbedding as Model

        options = {"model_name": EMBEDDING_MODEL, "api_base": base_url, "api_key": API_KEY}
        self.models = {e: Model(**options, encoding_format=e) for e in ("float", "base64")}
        type(self).batch_size = self.models["float"].embed_batch_size

    def embed(self, texts: list[str], encoding: str) -> list[list[float]]:
        return self.models[encoding].get_text_embedding_batch(texts)  # type: ignore[no-any-return]


ALL: list[type[Contender]] = [
    RawHttpx,
    OpenAISDK,
    Core,
    LiteLLM,
    LangChainFloor,
    ChatOpenAI,
    ChatAimhub,
    LlamaIndexFloor,
    OpenAILike,
    Aimhub,
    RawAiohttp,
    RawHttpxAiohttp,
    CoreHttpxPool,
    LangChainFloorAiohttp,
    ChatAimhubHttpxPool,
    LlamaIndexFloorAiohttp,
    AimhubHttpxPool,
    RawHttpxEmbed,
    OpenAISDKEmbed,
    CoreEmbed,
    OpenAIEmbeddings,
    AimhubEmbeddings,
    OpenAIEmbedding,
    AimhubEmbedding,
]
BY_NAME = {c.name: c for c in ALL}
