"""`AimhubClient` and `AsyncAimhubClient`: the only I/O in the core (send, sleep, pump bytes).

The methods come from one mixin per group of routes (`aimhub/_chat_client.py`,
`aimhub/_media_client.py`, `aimhub/_task_client.py`); this module holds the send loop they share.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from aimhub._base_client import BaseClient, ResponseT
from aimhub._chat_client import AsyncChatMethods, ChatMethods
from aimhub._config import TimeoutLike
from aimhub._deadline import BoundedAsyncStream, BoundedSyncStream, CallClock
from aimhub._exceptions import APIError
from aimhub._limiter import AdaptiveLimiter
from aimhub._media_client import AsyncMediaMethods, MediaMethods
from aimhub._pools import shared_aiohttp_client, shared_async_http_client, shared_http_client
from aimhub._response import (
    check_response,
    is_json_response,
    parse_response,
    transport_error,
)
from aimhub._routes import Endpoint
from aimhub._streaming import AsyncStream, Stream, StreamParser
from aimhub._task_client import AsyncTaskMethods, TaskMethods

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


class AimhubClient(BaseClient, ChatMethods, MediaMethods, TaskMethods):
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

    def _async_twin(self) -> AsyncAimhubClient | None:
        """This client's settings and limiter over aiohttp's shared pool, for sync work that is
        sent as async (aimhub/_portal.py); None when you passed `http_client`, which is then
        used as it is, or when no async pool can be shared (a SOCKS proxy)."""
        if self._user_http:
            return None
        http = shared_aiohttp_client()
        if http is None:
            return None
        twin = AsyncAimhubClient.__new__(AsyncAimhubClient)
        twin.__dict__.update(self.__dict__)  # immutable settings, and the same limiter
        twin._http = http
        return twin

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


class AsyncAimhubClient(BaseClient, AsyncChatMethods, AsyncMediaMethods, AsyncTaskMethods):
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
