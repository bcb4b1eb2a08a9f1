"""`AimhubClient` and `AsyncAimhubClient`: the only I/O in the core (send, sleep, pump bytes)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from aimhub._base_client import (
    BaseClient,
    Body,
    Headers,
    Query,
    ResponseT,
)
from aimhub._config import TimeoutLike
from aimhub._deadline import BoundedAsyncStream, BoundedSyncStream, CallClock
from aimhub._exceptions import APIError
from aimhub._limiter import AdaptiveLimiter
from aimhub._media_client import AsyncMediaMethods, MediaMethods
from aimhub._pools import shared_async_http_client, shared_http_client
from aimhub._response import (
    check_response,
    is_json_response,
    parse_response,
    transport_error,
)
from aimhub._routes import CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS, MODELS, RERANK, Endpoint
from aimhub._streaming import AsyncStream, Stream, StreamParser
from aimhub._task_client import AsyncTaskMethods, TaskMethods
from aimhub._validate import Capabilities
from aimhub.types import (
    ChatCompletion,
    ChatCompletionChunk,
    Completion,
    EmbeddingResponse,
    ModelList,
    RerankResponse,
)

# Module-level so that tests can replace the waiting without touching the `time` module.
_sleep = time.sleep


async def _asleep(delay: float) -> None:
    import asyncio  # only when a retry waits: `import aimhub` stays light

    await asyncio.sleep(delay)


async def _bounded(
    sending: Awaitable[httpx.Response], clock: CallClock | None, request: httpx.Request
) -> httpx.Response:
    if clock is None:
        return await sending
    import asyncio

    left = clock.check(request)
    try:
        return await asyncio.wait_for(sending, left)
    except asyncio.TimeoutError:
        msg = f"{(clock.remaining() or (0, 'the time bound'))[1]} exceeded"
        raise httpx.ReadTimeout(msg, request=request) from None


def _needs_body(response: httpx.Response, stream: bool) -> bool:
    return response.is_error or not stream or is_json_response(response)


class AimhubClient(BaseClient, MediaMethods, TaskMethods):
    """Synchronous client for an OpenAI-compatible aggregator gateway.

    ```python
    from aimhub import AimhubClient

    client = AimhubClient()  # AIMHUB_API_KEY, AIMHUB_BASE_URL
    reply = client.chat(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    print(reply.choices[0].message.content)
    ```

    Args:
        api_key: the gateway key; defaults to `AIMHUB_API_KEY`.
        base_url: any form of the gateway address; defaults to `AIMHUB_BASE_URL`, else Aimhub's.
        timeout: seconds or an `httpx.Timeout` (default: 600 s read, 10 s connect).
        max_retries: retries of failed attempts that may succeed later; `0` disables them.
        default_headers: headers added to every request.
        default_query: query parameters added to every request.
        http_client: an `httpx.Client` to use (its proxies, limits, transport); not closed by us.
        max_retry_after: the longest `Retry-After` (seconds, default 60) the client waits for
            before retrying; a longer one raises at once, with the wait on `error.retry_after`.
        total_timeout: seconds for the whole call (attempts, retry waits, the body read);
            `timeout` bounds each single read only. Default: no bound.
        first_token_timeout: streams: seconds until the first bytes of the answer.
        idle_timeout: streams: seconds allowed between two chunks.
        limiter: the adaptive concurrency limit to send through; by default the one shared by
            every client of this gateway and key in the process (`aimhub/_limiter.py`).
    """

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        http_client: httpx.Client | None = None,
        max_retry_after: float | None = None,
        total_timeout: float | None = None,
        first_token_timeout: float | None = None,
        idle_timeout: float | None = None,
        limiter: AdaptiveLimiter | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            max_retry_after=max_retry_after,
            total_timeout=total_timeout,
            first_token_timeout=first_token_timeout,
            idle_timeout=idle_timeout,
            limiter=limiter,
        )
        self._user_http = http_client is not None
        self._owns_http = False  # the default pool is shared (aimhub/_pools.py)
        self._http: httpx.Client = http_client or self._default_http()

    def _default_http(self) -> httpx.Client:
        return shared_http_client()

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

    def _request(self, endpoint: Endpoint[ResponseT, Any], request: httpx.Request) -> ResponseT:
        return parse_response(endpoint, self._send(request, stream=False))

    def _stream(
        self, endpoint: Endpoint[Any, Any], request: httpx.Request, *, raw: bool = False
    ) -> Stream[Any]:
        response = self._send(request, stream=True)
        return Stream(response, StreamParser(endpoint, response, raw=raw))

    def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        attempt = free = 0
        clock = self.limits.for_call(stream=stream)
        delay: float | None = None
        while True:
            # Every attempt, first or retry, goes through the key's limiter (aimhub/_limiter.py).
            ticket = self.limiter.acquire(retry_delay=delay, sleep=_sleep)
            try:
                outcome = self._attempt(request, stream, clock)
            except BaseException as exc:
                self.limiter.release(ticket, exc)
                raise
            if isinstance(outcome, httpx.Response):
                self.limiter.release(ticket, outcome)
                return outcome
            delay, attempt, free = self._after_failure(
                request, ticket, outcome, attempt, free, clock
            )
            if delay is None:
                raise outcome

    def _attempt(
        self, request: httpx.Request, stream: bool, clock: CallClock | None
    ) -> httpx.Response | APIError:
        started = time.perf_counter()
        try:
            if clock is not None:
                clock.cap_read_timeout(request)
            response = self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            self._log_attempt(request, exc, started)
            return transport_error(request, exc)
        self._log_attempt(request, response, started)
        if clock is not None:
            response.stream = BoundedSyncStream(response.stream, clock, request)  # type: ignore[arg-type]
        if _needs_body(response, stream):
            try:
                response.read()
            except (httpx.TransportError, httpx.DecodingError) as exc:  # after headers: no retry
                response.close()
                raise transport_error(request, exc) from exc
        error = check_response(response, stream=stream)
        return response if error is None else error

    def close(self) -> None:
        """Close the connection pool if this client has one of its own: never a client you
        passed, nor the default pool other clients share."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> AimhubClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAimhubClient(BaseClient, AsyncMediaMethods, AsyncTaskMethods):
    """The async twin of `AimhubClient`: same arguments and methods, awaited.

    Args:
        http_client: an `httpx.AsyncClient` to use; not closed by us. By default the client
            sends over aiohttp's pool (`AiohttpTransport`), which stays fast with hundreds of
            concurrent calls; pass `httpx.AsyncClient()` for httpx's own.
        limiter: as for `AimhubClient`; the sync and async clients of one key share one.
    """

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_retry_after: float | None = None,
        total_timeout: float | None = None,
        first_token_timeout: float | None = None,
        idle_timeout: float | None = None,
        limiter: AdaptiveLimiter | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            max_retry_after=max_retry_after,
            total_timeout=total_timeout,
            first_token_timeout=first_token_timeout,
            idle_timeout=idle_timeout,
            limiter=limiter,
        )
        self._user_http = http_client is not None
        self._owns_http = False
        self._http: httpx.AsyncClient = http_client or self._default_http()

    def _default_http(self) -> httpx.AsyncClient:
        # aiohttp's pool: httpx's own is the bottleneck beyond a few dozen concurrent calls.
        client, shared = shared_async_http_client()
        self._owns_http = not shared
        return client

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

    async def _request(
        self, endpoint: Endpoint[ResponseT, Any], request: httpx.Request
    ) -> ResponseT:
        return parse_response(endpoint, await self._send(request, stream=False))

    async def _stream(
        self, endpoint: Endpoint[Any, Any], request: httpx.Request, *, raw: bool = False
    ) -> AsyncStream[Any]:
        response = await self._send(request, stream=True)
        return AsyncStream(response, StreamParser(endpoint, response, raw=raw))

    async def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        attempt = free = 0
        clock = self.limits.for_call(stream=stream)
        delay: float | None = None
        while True:
            ticket = await self.limiter.aacquire(retry_delay=delay, sleep=_asleep)
            try:
                outcome = await self._attempt(request, stream, clock)
            except BaseException as exc:
                self.limiter.release(ticket, exc)
                raise
            if isinstance(outcome, httpx.Response):
                self.limiter.release(ticket, outcome)
                return outcome
            delay, attempt, free = self._after_failure(
                request, ticket, outcome, attempt, free, clock
            )
            if delay is None:
                raise outcome

    async def _attempt(
        self, request: httpx.Request, stream: bool, clock: CallClock | None
    ) -> httpx.Response | APIError:
        started = time.perf_counter()
        try:
            response = await _bounded(self._http.send(request, stream=True), clock, request)
        except httpx.TransportError as exc:
            self._log_attempt(request, exc, started)
            return transport_error(request, exc)
        self._log_attempt(request, response, started)
        if clock is not None:
            response.stream = BoundedAsyncStream(response.stream, clock, request)  # type: ignore[arg-type]
        if _needs_body(response, stream):
            try:
                await response.aread()
            except (httpx.TransportError, httpx.DecodingError) as exc:  # after headers: no retry
                await response.aclose()
                raise transport_error(request, exc) from exc
        error = check_response(response, stream=stream)
        return response if error is None else error

    async def close(self) -> None:
        """Close the connection pool if this client has one of its own: never a client you
        passed, nor the default pool other clients share."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncAimhubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
