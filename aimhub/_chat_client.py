"""Chat, completions, embeddings, rerank and models on both clients: the thin method pairs.

Each method builds its request from a route of the table (`aimhub/_routes.py`) and sends it with
the client's own `_request` or `_stream`, so retries, limits, errors and logs are the shared ones
(`aimhub/_client.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from aimhub._base_client import Body, Headers, Query, ResponseT
from aimhub._config import TimeoutLike
from aimhub._routes import CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS, MODELS, RERANK, Endpoint
from aimhub._validate import Capabilities
from aimhub.types import (
    ChatCompletion,
    ChatCompletionChunk,
    Completion,
    EmbeddingResponse,
    ModelList,
    RerankResponse,
)

if TYPE_CHECKING:
    from aimhub._streaming import AsyncStream, Stream

__all__ = ["AsyncChatMethods", "ChatMethods"]


class ChatMethods:
    """The OpenAI-compatible routes of `AimhubClient`."""

    if TYPE_CHECKING:

        def _build(
            self,
            endpoint: Endpoint[Any, Any],
            body: Body | None,
            params: dict[str, Any],
            *,
            stream: bool | None,
            extra_headers: Headers,
            timeout: TimeoutLike,
            extra_query: Query = None,
            capabilities: Capabilities = None,
        ) -> httpx.Request: ...

        def _request(
            self, endpoint: Endpoint[ResponseT, Any], request: httpx.Request
        ) -> ResponseT: ...

        def _stream(
            self, endpoint: Endpoint[Any, Any], request: httpx.Request, *, raw: bool = False
        ) -> Stream[Any]: ...

    def chat(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> ChatCompletion:
        """`POST /chat/completions`; the body as a mapping, keyword arguments, or both.

        `capabilities` (a `ModelCapabilities`, or the fields to change) replaces the catalogue's
        record of the model for checking the body, e.g. a wider `temperature_range`.
        """
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=False,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return self._request(CHAT_COMPLETIONS, request)

    def stream_chat(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> Stream[ChatCompletionChunk]:
        """`POST /chat/completions` with `stream: true` (and usage requested by default)."""
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return self._stream(CHAT_COMPLETIONS, request)

    def stream_chat_dicts(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> Stream[dict[str, Any]]:
        """`stream_chat`, yielding each chunk as the JSON object the gateway sent, unvalidated.

        Errors, retries and partial text work as in `stream_chat`; only the typed model is
        skipped, which is most of the per-chunk cost. `ChatStreamAccumulator.add_json` reads
        these objects: the framework adapters stream this way.
        """
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return self._stream(CHAT_COMPLETIONS, request, raw=True)

    def complete(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> Completion:
        """Legacy `POST /completions`."""
        request = self._build(
            COMPLETIONS,
            body,
            params,
            stream=False,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._request(COMPLETIONS, request)

    def stream_complete(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> Stream[Completion]:
        """Legacy `POST /completions` with `stream: true`."""
        request = self._build(
            COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._stream(COMPLETIONS, request)

    def embed(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> EmbeddingResponse:
        """`POST /embeddings`, sent as given (`aimhub.Embedder` adds batching and checks)."""
        request = self._build(
            EMBEDDINGS,
            body,
            params,
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._request(EMBEDDINGS, request)

    def rerank(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> RerankResponse:
        """`POST /rerank` (Jina/Cohere shape)."""
        request = self._build(
            RERANK,
            body,
            params,
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._request(RERANK, request)

    def list_models(
        self,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
    ) -> ModelList:
        """`GET /models`: the models this key's group may use."""
        request = self._build(
            MODELS,
            None,
            {},
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._request(MODELS, request)


class AsyncChatMethods:
    """The OpenAI-compatible routes of `AsyncAimhubClient`."""

    if TYPE_CHECKING:

        def _build(
            self,
            endpoint: Endpoint[Any, Any],
            body: Body | None,
            params: dict[str, Any],
            *,
            stream: bool | None,
            extra_headers: Headers,
            timeout: TimeoutLike,
            extra_query: Query = None,
            capabilities: Capabilities = None,
        ) -> httpx.Request: ...

        async def _request(
            self, endpoint: Endpoint[ResponseT, Any], request: httpx.Request
        ) -> ResponseT: ...

        async def _stream(
            self, endpoint: Endpoint[Any, Any], request: httpx.Request, *, raw: bool = False
        ) -> AsyncStream[Any]: ...

    async def chat(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> ChatCompletion:
        """`POST /chat/completions`."""
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=False,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return await self._request(CHAT_COMPLETIONS, request)

    async def stream_chat(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> AsyncStream[ChatCompletionChunk]:
        """`POST /chat/completions` with `stream: true`."""
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return await self._stream(CHAT_COMPLETIONS, request)

    async def stream_chat_dicts(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        capabilities: Capabilities = None,
        **params: Any,
    ) -> AsyncStream[dict[str, Any]]:
        """The async twin of `AimhubClient.stream_chat_dicts`."""
        request = self._build(
            CHAT_COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            capabilities=capabilities,
        )
        return await self._stream(CHAT_COMPLETIONS, request, raw=True)

    async def complete(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> Completion:
        """Legacy `POST /completions`."""
        request = self._build(
            COMPLETIONS,
            body,
            params,
            stream=False,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return await self._request(COMPLETIONS, request)

    async def stream_complete(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> AsyncStream[Completion]:
        """Legacy `POST /completions` with `stream: true`."""
        request = self._build(
            COMPLETIONS,
            body,
            params,
            stream=True,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return await self._stream(COMPLETIONS, request)

    async def embed(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> EmbeddingResponse:
        """`POST /embeddings`."""
        request = self._build(
            EMBEDDINGS,
            body,
            params,
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return await self._request(EMBEDDINGS, request)

    async def rerank(
        self,
        body: Body | None = None,
        /,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
        **params: Any,
    ) -> RerankResponse:
        """`POST /rerank`."""
        request = self._build(
            RERANK,
            body,
            params,
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return await self._request(RERANK, request)

    async def list_models(
        self,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        timeout: TimeoutLike = None,
    ) -> ModelList:
        """`GET /models`."""
        request = self._build(
            MODELS,
            None,
            {},
            stream=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return await self._request(MODELS, request)
