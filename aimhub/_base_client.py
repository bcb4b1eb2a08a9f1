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
from aimhub._constants import SECRET_QUERY_PARAMS
from aimhub._exceptions import APIError, ConfigurationError
from aimhub._limiter import FREE_RETRIES, AdaptiveLimiter, Ticket, shared_limiter
from aimhub._request import Endpoint, build_request, mask_secrets_in_httpx_logs, safe_url
from aimhub._retry import RetryPolicy
from aimhub.types._base import ResponseModel

logger = logging.getLogger("aimhub")

ResponseT = TypeVar("ResponseT", bound=ResponseModel)
Body = Mapping[str, Any]
Headers = Mapping[str, str] | None


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
        self.retry_policy = RetryPolicy(self.config.max_retries)
        # One budget per gateway key, whichever client, instance or thread sends.
        self.limiter = limiter if limiter is not None else shared_limiter(self.config)
        if any(k.lower() in SECRET_QUERY_PARAMS for k in self.config.default_query):
            mask_secrets_in_httpx_logs()

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
    ) -> httpx.Request:
        merged = {**body, **params} if body else params
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
        self, request: httpx.Request, ticket: Ticket, error: APIError, attempt: int, free: int
    ) -> tuple[float | None, int, int]:
        """Release the slot of a failed attempt; the delay before the next, and the counts.

        A rejection explained by the limiter's window being too wide (other calls were in
        flight) is retried without using up `max_retries`, up to `FREE_RETRIES` times: the
        limiter has shrunk, so the next attempt is not the same bet again.
        """
        try:
            last = max(self.retry_policy.max_retries - 1, 0)
            gate = self.retry_policy.next_delay(min(attempt, last), error)
        except BaseException:
            self.limiter.release(ticket, error)
            raise
        verdict = self.limiter.release(ticket, error, gate)
        if verdict.window_too_wide and gate is not None and free < FREE_RETRIES:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s: rejected while %s; retrying in %.2f s (not counted)",
                    request.method,
                    safe_url(request),
                    self.limiter,
                    gate,
                )
            return gate, attempt, free + 1
        return self._retry_delay(request, attempt, error), attempt + 1, free

    def _retry_delay(self, request: httpx.Request, attempt: int, error: APIError) -> float | None:
        delay = self.retry_policy.next_delay(attempt, error)
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
