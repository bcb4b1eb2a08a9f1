"""Reading error bodies and choosing the error class: the gateways' many shapes, one taxonomy.

Gateways are inconsistent (docs/gateway-behaviour.md §2): status codes are remapped per channel,
`type` is branded per fork and `code` is an int or a string. `error_info()` reads any body shape,
`classify()` picks the class (`aimhub/_exceptions.py`) from the status, the `code` and message
patterns together, and `make_status_error()` builds it with a message that says what to do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from aimhub._constants import REQUEST_ID_HEADERS
from aimhub._exceptions import (
    APIStatusError,
    APIStreamError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnsupportedEndpointError,
)
from aimhub._redact import redact, request_secrets

__all__ = [
    "ErrorInfo",
    "classify",
    "decode_body",
    "effective_status",
    "error_info",
    "is_error_body",
    "make_status_error",
    "request_id_of",
    "split_request_ids",
]

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
