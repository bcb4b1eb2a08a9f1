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
the status, the `code` and message patterns together, by `classify()`.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from aimhub._constants import REQUEST_ID_HEADERS
from aimhub._redact import (
    NO_REQUEST,
    detached_response,
    redact,
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


# --- reading error bodies -------------------------------------------------------------------

# Keys the gateways themselves fall back to when reading upstream errors
# (docs/gateway-behaviour.md §2.1).
_MESSAGE_KEYS = ("message", "msg", "description", "error_msg", "detail", "error_message")
_REQUEST_ID_SUFFIX = re.compile(r"\s*[(（]\s*request id:\s*([^)）]*?)\s*[)）]", re.IGNORECASE)
#: Cloudflare's plain-text block pages: `error code: 1010` (banned client signature), 1020 ...
_CLOUDFLARE_CODE = re.compile(r"error code: 1\d{3}", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ErrorInfo:
    """What an error body says, whatever its shape."""

    message: str
    code: str | int | None = None
    type: str | None = None
    param: str | None = None


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


def is_error_body(body: object) -> bool:
    """True when a 2xx JSON body is really an error (docs/gateway-behaviour.md §2.2)."""
    if not isinstance(body, Mapping):
        return False
    error = body.get("error")
    if error not in (None, "", {}, False):
        return True
    return body.get("success") is False


def _first_message(obj: Mapping[str, Any]) -> str | None:
    for key in _MESSAGE_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list) and value:  # FastAPI-style validation details
            return "; ".join(
                str(item.get("msg", item)) if isinstance(item, Mapping) else str(item)
                for item in value
            )
    return None


def _as_code(value: object) -> str | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | str):
        return value
    return str(value)


def error_info(body: object) -> ErrorInfo | None:
    """Read message, code, type and param out of any error body shape.

    The shapes are those of docs/gateway-behaviour.md §2.1.
    """
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return None
        title = _HTML_TITLE.search(text)
        if title or text.lstrip().lower().startswith(("<!doctype", "<html")):
            heading = title.group(1).strip() if title else "untitled"
            return ErrorInfo(f"the gateway answered with an HTML page ({heading!r}), not JSON")
        if _CLOUDFLARE_CODE.fullmatch(text):
            return ErrorInfo(
                f"{text} (Cloudflare in front of the gateway refused this client before it reached "
                "the API; ask the operator to allow API clients)"
            )
        return ErrorInfo(text[:500])
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    if isinstance(error, Mapping):
        message = _first_message(error) or _first_message(body)
        return ErrorInfo(
            message=message or _no_message(error),
            code=_as_code(error.get("code", body.get("code"))),
            type=_opt_str(error.get("type")),
            param=_opt_str(error.get("param")),
        )
    if isinstance(error, str) and error:
        return ErrorInfo(_first_message(body) or error, code=_as_code(body.get("code")) or error)
    if isinstance(error, list) and error:
        text = "; ".join(str(item) for item in error)
        return ErrorInfo(_first_message(body) or text[:500], code=_as_code(body.get("code")))
    message = _first_message(body)
    if message is None and body.get("success") is not False:
        return None
    return ErrorInfo(
        message=message or "the gateway reported failure without a message",
        code=_as_code(body.get("code", body.get("error_code"))),
        type=_opt_str(body.get("type")),
    )


def _no_message(error: Mapping[str, Any]) -> str:
    # llama.cpp's server answers `tool_choice: "required"` with 500 and `"message": ""`.
    filled = {k: v for k, v in error.items() if v not in (None, "", [], {})}
    detail = f" ({json.dumps(filled, ensure_ascii=False)[:400]})" if filled else ""
    return f"the server gave no error message{detail}"


def _opt_str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def split_request_ids(message: str) -> tuple[str, tuple[str, ...]]:
    """Strip `(request id: …)` groups a gateway appends (once per relay hop) and return them."""
    ids = tuple(rid for rid in _REQUEST_ID_SUFFIX.findall(message) if rid)
    return _REQUEST_ID_SUFFIX.sub("", message).strip(), ids


# --- choosing the class ---------------------------------------------------------------------

_QUOTA_CODES = frozenset(
    {
        "insufficient_user_quota",
        "insufficient_quota",
        "pre_consume_token_quota_failed",
        "quota_not_enough",
        "insufficient_balance",
    }
)
_QUOTA_TEXT = re.compile(
    r"额度|余额|欠费|quota|(insufficient|not enough|low).{0,12}(balance|credit)|"
    r"(balance|credit)s?.{0,20}(insufficient|not enough|exhausted)",
    re.I,
)
_AUTH_TEXT = re.compile(
    r"未提供令牌|无效的令牌|令牌验证失败|令牌已过期|令牌状态不可用|"
    r"invalid.{0,10}(api[ _-]?key|token)|incorrect api key|api key.{0,20}(invalid|expired)",
    re.I,
)
_MODEL_DENIED_TEXT = re.compile(
    r"无权(访问|使用)模型|not allowed to (access|use) (the )?model", re.I
)
_NO_CHANNEL_TEXT = re.compile(r"无可用渠道|no available channel|no channel", re.I)
_MODEL_MISSING_TEXT = re.compile(
    # LiteLLM: "400: Invalid model name passed in model=…" (docs/gateway-behaviour.md §21.3).
    r"model\b.{0,80}\b(does not exist|not found|not exist)|模型.{0,40}不存在|unknown model|"
    r"invalid model name",
    re.I,
)
_CONTEXT_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
_CONTEXT_TEXT = re.compile(
    r"context[ _](length|size|window)|maximum context|prompt is too long|too many tokens|"
    r"超出.{0,10}(长度|上下文)|超过.{0,10}(长度|上下文)",
    re.I,
)
# Gemini answers 429 "Quota exceeded for metric … per minute": a rate limit, not an empty balance.
_RATE_QUOTA_TEXT = re.compile(r"per (second|minute|hour)|rate|requests? per|RPM|TPM|每分钟", re.I)
_RATE_TEXT = re.compile(r"rate limit|too many requests|请求数限制|负载已饱和|频率", re.I)
_UNSUPPORTED_TEXT = re.compile(r"not implemented|^invalid url \(", re.I)

_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientQuotaError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
    501: UnsupportedEndpointError,
}


def effective_status(status: int, info: ErrorInfo | None) -> int:
    """The status an error means: for a 2xx body, a status-like `code` (Gemini relays `500`)."""
    if 200 <= status < 300 and info is not None:
        for candidate in (info.code, info.param):
            text = str(candidate) if candidate is not None else ""
            if text.isdigit() and 400 <= int(text) < 600:
                return int(text)
    return status


def classify(status: int, info: ErrorInfo | None) -> type[APIStatusError]:
    """Pick the error class from status, `code` and message together.

    The meanings matched are those of docs/gateway-behaviour.md §2.3.
    """
    code = str(info.code).lower() if info and info.code is not None else ""
    text = info.message if info else ""
    status = effective_status(status, info)
    if code in _QUOTA_CODES or status == 402:
        return InsufficientQuotaError
    if (
        status in (200, 401, 403, 429)
        and _QUOTA_TEXT.search(text)
        and not _RATE_QUOTA_TEXT.search(text)
    ):
        return InsufficientQuotaError
    if _AUTH_TEXT.search(text) or code == "invalid_api_key":
        return AuthenticationError
    if _MODEL_DENIED_TEXT.search(text):
        return PermissionDeniedError
    if (
        _NO_CHANNEL_TEXT.search(text)
        or code == "model_not_available"
        or (code == "model_not_found" and status == 503)
    ):
        return ModelNotAvailableError
    if code == "model_not_found" or (
        status in (200, 400, 404) and _MODEL_MISSING_TEXT.search(text)
    ):
        return ModelNotFoundError
    if code in _CONTEXT_CODES or (status in (200, 400, 413, 422) and _CONTEXT_TEXT.search(text)):
        return ContextLengthExceededError
    if code == "api_not_implemented" or (status in (404, 501) and _UNSUPPORTED_TEXT.search(text)):
        return UnsupportedEndpointError
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return InternalServerError
    if _RATE_TEXT.search(text):
        return RateLimitError
    return APIStatusError


def request_id_of(response: httpx.Response | None) -> str | None:
    """The gateway's request id header, if any."""
    if response is None:
        return None
    for name in REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


def decode_body(response: httpx.Response) -> object:
    """The body as JSON when it parses, else as text (HTML pages, `error code: 1010`, empty)."""
    content = response.content
    if not content:
        return ""
    try:
        return json.loads(content)
    except ValueError:
        return response.text


def make_status_error(
    status: int,
    body: object,
    *,
    request: httpx.Request | None,
    response: httpx.Response | None = None,
    partial_text: str | None = None,
    stream: bool = False,
) -> APIStatusError:
    """Build the right `APIStatusError` subclass, with a message that says what to do."""
    info = error_info(body)
    raw = redact(info.message, request_secrets(request)) if info else ""
    cleaned, request_ids = split_request_ids(raw)
    cls = classify(status, info)
    if stream and cls is APIStatusError:
        cls = APIStreamError
    request_id = request_id_of(response) or (request_ids[-1] if request_ids else None)
    parts = [f"{cls.label} (HTTP {status}"]
    if info and info.code is not None:
        parts.append(f", code {info.code!r}")
    parts.append(")")
    detail = cleaned or _empty_body_detail(status, response)
    message = "".join(parts) + f": {detail}"
    if cls.hint:
        message += f" — {cls.hint}"
    if request_id:
        message += f" (request id: {request_id})"
    return cls(
        message,
        request=request,
        response=response,
        body=body,
        status_code=status,
        code=info.code if info else None,
        error_type=info.type if info else None,
        param=info.param if info else None,
        raw_message=cleaned,
        request_id=request_id,
        request_ids=request_ids,
        partial_text=partial_text,
    )


def _empty_body_detail(status: int, response: httpx.Response | None) -> str:
    phrase = response.reason_phrase if response is not None else ""
    return f"empty response body{f' ({phrase})' if phrase else ''}"
