"""What both clients share: configuration, request building, attempt logs and retry decisions."""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr

from aimhub._config import ClientConfig, TimeoutLike
from aimhub._constants import MAX_RETRY_AFTER, SECRET_QUERY_PARAMS
from aimhub._deadline import CallClock, CallLimits
from aimhub._exceptions import APIError, ConfigurationError
from aimhub._limiter import FREE_RETRIES, AdaptiveLimiter, Ticket, shared_limiter
from aimhub._request import (
    NOT_IDEMPOTENT,
    build_request,
    mask_secrets_in_httpx_logs,
    safe_url,
)
from aimhub._retry import RetryPolicy, provably_not_accepted
from aimhub._routes import Endpoint
from aimhub._validate import Capabilities, check_body
from aimhub.types._base import ResponseModel

logger = logging.getLogger("aimhub")

ResponseT = TypeVar("ResponseT", bound=ResponseModel)
Body = Mapping[str, Any]
Headers = Mapping[str, str] | None
Query = Mapping[str, Any] | None


class BaseClient:
    """Configuration, request building and retry decisions, shared by both clients."""

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        max_retry_after: float | None = None,
        total_timeout: float | None = None,
        first_token_timeout: float | None = None,
        idle_timeout: float | None = None,
        limiter: AdaptiveLimiter | None = None,
    ) -> None:
        self.config = ClientConfig.create(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
        self.limits = CallLimits(total_timeout, first_token_timeout, idle_timeout)
        self.retry_policy = RetryPolicy(
            self.config.max_retries, max_retry_after=_check_max_retry_after(max_retry_after)
        )
        # One budget per gateway key, whichever client, instance or thread sends.
        self._own_limiter = limiter is not None
        self.limiter = limiter if limiter is not None else shared_limiter(self.config)
        if any(k.lower() in SECRET_QUERY_PARAMS for k in self.config.default_query):
            mask_secrets_in_httpx_logs()

    _user_http: bool
    _owns_http: bool
    _http: Any

    def _default_http(self) -> Any:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        # A connection pool holds sockets and locks: the copy in another process builds its own.
        if self._user_http:
            msg = (
                f"{type(self).__name__} with your own http_client cannot be pickled (an httpx "
                "client holds open connections); leave http_client unset, or create the client "
                "inside the worker"
            )
            raise TypeError(msg)
        if self._own_limiter:
            msg = (
                f"{type(self).__name__} with your own limiter cannot be pickled (it holds "
                "locks); leave limiter unset (the copy then shares its process's limiter for "
                "this key, see aimhub.configure_limits), or create the client in the worker"
            )
            raise TypeError(msg)
        state = self.__dict__.copy()
        del state["_http"], state["limiter"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._http = self._default_http()
        self.limiter = shared_limiter(self.config)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Configuration is immutable and shared; the copy takes the default pool anew, and
        # shares a client you passed (it is yours, and cannot be copied).
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        if not self._user_http:
            clone._http = clone._default_http()
        return clone

    @property
    def base_url(self) -> str:
        """The normalised API root, e.g. `https://api.gaiasc.com/v1`."""
        return self.config.base_url

    def __repr__(self) -> str:
        retries = self.config.max_retries
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={retries})"

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
    ) -> httpx.Request:
        merged = {**body, **params} if body else params
        if endpoint.method != "GET":
            # Before anything is sent, for every entry point; against the instance's record
            # when an adapter passes it (the one it shaped the body with).
            check_body(endpoint.path, merged, capabilities)
        if stream is not None:
            _check_stream_flag(merged, stream)
            merged["stream"] = stream
            if stream:
                _default_stream_options(merged)
        return build_request(
            self.config,
            endpoint,
            merged if endpoint.method != "GET" else None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def _log_attempt(
        self, request: httpx.Request, outcome: httpx.Response | Exception, started: float
    ) -> None:
        # Method, URL (credentials masked), status or failure, latency; never headers or bodies.
        if logger.isEnabledFor(logging.DEBUG):
            result = (
                outcome.status_code
                if isinstance(outcome, httpx.Response)
                else type(outcome).__name__
            )
            logger.debug(
                "%s %s -> %s in %.0f ms",
                request.method,
                safe_url(request),
                result,
                (time.perf_counter() - started) * 1000,
            )

    def _after_failure(
        self,
        request: httpx.Request,
        ticket: Ticket,
        error: APIError,
        attempt: int,
        free: int,
        clock: CallClock | None,
    ) -> tuple[float | None, int, int]:
        """Release the slot of a failed attempt; the delay before the next, and the counts.

        A rejection explained by the limiter's window being too wide (other calls were in
        flight) is retried without using up `max_retries`, up to `FREE_RETRIES` times: the
        limiter has shrunk, so the next attempt is not the same bet again.

        A request marked not idempotent (a charged task submit) is retried only when the
        gateway provably did not take it.
        """
        if request.extensions.get(NOT_IDEMPOTENT) and not provably_not_accepted(error):
            self.limiter.release(ticket, error)
            error.message += (
                " [not retried: the gateway may have accepted this submit (a second one would "
                "be charged again); look for the task before submitting again]"
            )
            error.args = (error.message,)
            return None, attempt, free
        try:
            last = max(self.retry_policy.max_retries - 1, 0)
            gate = self.retry_policy.next_delay(min(attempt, last), error)
        except BaseException:
            self.limiter.release(ticket, error)
            raise
        verdict = self.limiter.release(ticket, error, gate)
        left = clock.total_left() if clock is not None else None
        fits = gate is not None and (left is None or gate < left)
        if verdict.window_too_wide and fits and free < FREE_RETRIES:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s: rejected while %s; retrying in %.2f s (not counted)",
                    request.method,
                    safe_url(request),
                    self.limiter,
                    gate,
                )
            return gate, attempt, free + 1
        return self._retry_delay(request, attempt, error, clock), attempt + 1, free

    def _retry_delay(
        self, request: httpx.Request, attempt: int, error: APIError, clock: CallClock | None
    ) -> float | None:
        delay = self.retry_policy.next_delay(attempt, error)
        left = clock.total_left() if clock is not None else None
        if delay is not None and left is not None and delay >= left:
            delay = None  # the wait alone would outlast total_timeout
        if delay is None and self.retry_policy.waits_too_long(error):
            limit = self.retry_policy.max_retry_after
            error.message += (
                f" [the gateway asked to wait {getattr(error, 'retry_after', 0):.0f} s, more than "
                f"max_retry_after={limit:g}: not retried; the wait is on the error as retry_after]"
            )
            error.args = (error.message,)
        if logger.isEnabledFor(logging.DEBUG):
            verdict = "giving up" if delay is None else f"retrying in {delay:.2f} s"
            logger.debug(
                "%s %s: attempt %d of %d failed (%s): %s",
                request.method,
                safe_url(request),
                attempt + 1,
                self.retry_policy.max_retries + 1,
                type(error).__name__,
                verdict,
            )
        return delay


def _check_max_retry_after(value: float | None) -> float:
    if value is None:
        return MAX_RETRY_AFTER
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        msg = f"max_retry_after must be a number of seconds >= 0, got {value!r}"
        raise ConfigurationError(msg)
    return float(value)


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """httpx's default verification, built once: loading the CA bundle takes ~70 ms per client."""
    return httpx.create_ssl_context()


def _check_stream_flag(body: dict[str, Any], stream: bool) -> None:
    if bool(body.get("stream", stream)) != stream:
        method = "stream_chat()/stream_complete()" if body.get("stream") else "chat()/complete()"
        msg = f"`stream={body.get('stream')!r}` conflicts with the method called; use {method}."
        raise ConfigurationError(msg)


def _default_stream_options(body: dict[str, Any]) -> None:
    # Ask for usage on every stream (docs/gateway-behaviour.md §4); `stream_options=None` opts
    # out for upstreams that reject the field.
    if "stream_options" not in body:
        body["stream_options"] = {"include_usage": True}
    elif body["stream_options"] is None:
        del body["stream_options"]
