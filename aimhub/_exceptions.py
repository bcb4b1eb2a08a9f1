"""Typed errors for every way a gateway call can fail.

```
AimhubError
├── ConfigurationError                 bad arguments, no key, bad base URL (also a ValueError)
└── APIError                           carries request, request_id(s) and partial_text
    ├── APIConnectionError             could not talk to the gateway
    │   └── APITimeoutError
    ├── APIResponseValidationError     a 2xx body that is not what the endpoint returns
    └── APIStatusError                 the gateway answered with an error
        ├── BadRequestError            400/422
        │   └── ContextLengthExceededError
        ├── AuthenticationError        401: key missing, wrong, expired or disabled
        ├── InsufficientQuotaError     key or account out of balance (401/402/403/429 + quota)
        ├── PermissionDeniedError      403: model, IP or group not allowed for the key
        ├── NotFoundError              404
        │   └── ModelNotFoundError
        ├── ModelNotAvailableError     "no channel for this model in your group" (503)
        ├── RateLimitError             429
        ├── UnsupportedEndpointError   501 / unknown route
        ├── InternalServerError        5xx from the gateway or its upstream
        └── APIStreamError             an error object inside an event stream
```

Gateways are inconsistent (docs/gateway-behaviour.md §2): status codes are remapped per channel,
`type` is branded per fork and `code` is an int or a string. The class is therefore chosen from
the status, the `code` and message patterns together, by `classify()` (`aimhub/_error_parse.py`,
which reads the bodies).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from aimhub._redact import (
    NO_REQUEST,
    detached_response,
    redact_value,
    redacted_request,
    request_of,
    request_secrets,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AimhubError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ContextLengthExceededError",
    "EmbeddingCountError",
    "InsufficientQuotaError",
    "InternalServerError",
    "ModelNotAvailableError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnsupportedEndpointError",
]


class AimhubError(Exception):
    """Base class of every error this package raises."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuilt without calling `__init__`: its keyword-only arguments are not in `args`, so
        # the default `cls(*args)` would fail for most subclasses.
        return _restore_error, (type(self), self.args, self.__dict__)


def _restore_error(
    cls: type[AimhubError], args: tuple[Any, ...], state: dict[str, Any]
) -> AimhubError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(AimhubError, ValueError):
    """The client or model was configured with values that cannot work."""


class APIError(AimhubError):
    """A call to the gateway failed.

    Errors pickle, deep-copy and print without the key: they keep a redacted copy of the
    request, never the one that was sent.

    Attributes:
        message: the readable message, with what to do about it.
        request: the request that failed: method, URL and headers, credentials masked, no body.
        request_id: the gateway's request id, when it sent one.
        partial_text: text already streamed before a stream failed.
    """

    label: ClassVar[str] = "API error"

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        request_id: str | None = None,
        partial_text: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = redacted_request(request) if request is not None else None
        self.request_id = request_id
        self.partial_text = partial_text

    def __str__(self) -> str:
        text = self.message
        if self.partial_text:
            text += f" [stream stopped after {len(self.partial_text)} characters of output]"
        return text


class APIConnectionError(APIError):
    """The gateway could not be reached or the connection broke.

    Attributes:
        request_sent: False only when the connection was never made (refused, connect timeout,
            no free pool slot), so the gateway provably did not get the request.
    """

    label = "Connection error"
    request_sent: bool = True


class APITimeoutError(APIConnectionError):
    """The gateway did not answer in time."""

    label = "Timeout"


class APIResponseValidationError(APIError):
    """The gateway answered 2xx with a body this endpoint never returns."""

    label = "Unexpected response"


class EmbeddingBatchError(APIError):
    """Some batches of a multi-batch call failed; the others' vectors are kept.

    Attributes:
        failed_inputs: the positions (in the texts passed) whose vectors are missing.
        vectors: one entry per input: its vector, or `None` where it failed.
        errors: each failed batch's error, in input order (the first is also `__cause__`).
    """

    label = "Embedding batches failed"

    def __init__(
        self, vectors: list[list[float] | None], errors: list[tuple[range, BaseException]]
    ) -> None:
        self.vectors = vectors
        self.failed_inputs = [i for i, vector in enumerate(vectors) if vector is None]
        self.errors = [error for _, error in errors]
        spans = ", ".join(_span(r) for r, _ in errors[:8]) + (", ..." if len(errors) > 8 else "")
        first = errors[0][1]
        message = (
            f"{len(self.failed_inputs)} of {len(vectors)} inputs were not embedded "
            f"(inputs {spans}); the other vectors are on .vectors, the failed positions on "
            f".failed_inputs. First error: {type(first).__name__}: {first}"
        )
        super().__init__(
            message,
            request=getattr(first, "request", None),
            request_id=getattr(first, "request_id", None),
        )


def _span(indices: range) -> str:
    return str(indices.start) if len(indices) == 1 else f"{indices.start}-{indices.stop - 1}"


class EmbeddingCountError(APIResponseValidationError):
    """The gateway returned a different number of vectors than inputs were sent."""

    def __init__(self, message: str, *, expected: int, got: int) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got


class APIStatusError(APIError):
    """The gateway answered with an error.

    Attributes:
        status_code: the HTTP status (200 for errors inside a 200 body or a stream).
        code: the body's `code` (int or str), if any.
        error_type: the body's `type`, if any (branded per fork; informational only).
        param: the body's `param`, if any.
        raw_message: the gateway's own message without request-id suffixes.
        request_ids: every `(request id: …)` found in the message, in order: each relay hop
            appends its own, so the last one is the gateway this client called.
        body: the parsed body (or the text when it is not JSON), echoed credentials masked.
        response: a closed copy of the `httpx.Response` (status, headers, body read), when
            there was one.
        retry_after: seconds the gateway asked to wait (`Retry-After`), when it said.
    """

    label = "API error"
    hint: ClassVar[str] = ""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        body: object = None,
        status_code: int = 0,
        code: str | int | None = None,
        error_type: str | None = None,
        param: str | None = None,
        raw_message: str = "",
        request_id: str | None = None,
        request_ids: tuple[str, ...] = (),
        partial_text: str | None = None,
    ) -> None:
        sent = request if request is not None or response is None else request_of(response)
        secrets = request_secrets(sent)  # read before the request is redacted
        super().__init__(message, request=sent, request_id=request_id, partial_text=partial_text)
        self.response = (
            detached_response(response, self.request or NO_REQUEST, secrets)
            if response is not None
            else None
        )
        self.retry_after = parse_retry_after(response.headers) if response is not None else None
        self.body = redact_value(body, secrets)
        self.status_code = status_code
        self.code = code
        self.error_type = error_type
        self.param = param
        self.raw_message = raw_message
        self.request_ids = request_ids


class BadRequestError(APIStatusError):
    """The request was rejected as invalid (400/422)."""

    label = "Bad request"
    hint = "Check the request parameters against the model's documentation."


class ContextLengthExceededError(BadRequestError):
    """The prompt plus `max_tokens` does not fit the model's context window."""

    label = "Context length exceeded"
    hint = "Shorten the conversation or lower max_tokens."


class AuthenticationError(APIStatusError):
    """The key is missing, wrong, expired or disabled (401)."""

    label = "Authentication failed"
    hint = (
        "Check the key in AIMHUB_API_KEY (or api_key=...): it may be mistyped, expired or "
        "disabled in the gateway console."
    )


class InsufficientQuotaError(APIStatusError):
    """The key or the account has no balance left; retrying cannot help."""

    label = "Insufficient quota"
    hint = "Top up the account balance or raise this key's quota in the gateway console."


class PermissionDeniedError(APIStatusError):
    """The key may not do this: model, IP range, group or route not allowed (403)."""

    label = "Permission denied"
    hint = (
        "This key is not allowed to make this call; check the key's model list, group "
        "and IP allow-list in the gateway console."
    )


class NotFoundError(APIStatusError):
    """The route or resource does not exist (404)."""

    label = "Not found"
    hint = "Check base_url: it should be the gateway's API root, e.g. https://host/v1."


class ModelNotFoundError(NotFoundError):
    """The gateway does not know this model id."""

    label = "Model not found"
    hint = "Check the model id against the gateway's model list (client.list_models())."


class ModelNotAvailableError(APIStatusError):
    """The model exists, but no channel serves it for this key's group; retrying cannot help."""

    label = "Model not available"
    hint = (
        "The model is not in your key's group (no channel serves it). Pick a model from "
        "client.list_models() or ask the gateway operator to enable it for your group."
    )


class RateLimitError(APIStatusError):
    """Too many requests (429), from the gateway or its upstream."""

    label = "Rate limited"
    hint = "Slow down or retry later; max_retries sets how often the client retries by itself."


class UnsupportedEndpointError(APIStatusError):
    """This gateway does not implement the endpoint (501 or an unknown route)."""

    label = "Endpoint not supported"
    hint = "This gateway does not offer this endpoint; check base_url or use another endpoint."


class InternalServerError(APIStatusError):
    """The gateway or the upstream provider failed (5xx)."""

    label = "Server error"
    hint = "The gateway or its upstream failed; retry later or try another model."


class APIStreamError(APIStatusError):
    """An error object arrived inside an event stream."""

    label = "Stream error"
    hint = "The upstream failed mid-answer; the partial text is kept on the error."


def parse_retry_after(headers: httpx.Headers, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` seconds or date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now(), 0.0)
