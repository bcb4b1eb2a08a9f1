"""Reading answers, shared by the sync and async clients: errors, JSON bodies, transport failures.

`check_response` says which error an answer means (4xx/5xx, or a 2xx body that is an error
envelope); `parse_response` validates a good answer into its route's model; `transport_error`
maps an httpx failure to the package's connection and timeout errors.
"""

from __future__ import annotations

from typing import Any

import httpx
import jiter
from pydantic import ValidationError

from aimhub._error_parse import decode_body, is_error_body, make_status_error, request_id_of
from aimhub._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
)
from aimhub._redact import redact, request_secrets
from aimhub._request import OWN_ERRORS
from aimhub._routes import Endpoint, ResponseT

__all__ = [
    "NOT_JSON",
    "check_response",
    "is_json_response",
    "parse_response",
    "transport_error",
    "validation_error",
]


def transport_error(
    request: httpx.Request, exc: Exception, partial_text: str | None = None
) -> APIError:
    """Map an httpx transport failure to our connection or timeout error."""
    what = "stream broke" if partial_text is not None else "request failed"
    # aiohttp's messages can quote the URL, query string (and so a `?key=`) included.
    detail = redact(f"{type(exc).__name__}: {exc}", request_secrets(request))
    if isinstance(exc, httpx.TimeoutException):
        message = (
            f"Timeout: the gateway did not answer in time ({type(exc).__name__}"
            f"{': ' + str(exc) if 'exceeded' in str(exc) else ''}) — raise timeout=... (or "
            "total_timeout/first_token_timeout/idle_timeout) for long generations, or check the "
            "network."
        )
        error: APIConnectionError = APITimeoutError(
            message, request=request, partial_text=partial_text
        )
    else:
        message = (
            f"Connection error: the {what} ({detail}) — check base_url, "
            "the network and any proxy between you and the gateway."
        )
        error = APIConnectionError(message, request=request, partial_text=partial_text)
    if isinstance(exc, _BEFORE_SENDING):
        error.request_sent = False
    return error


#: Failures that happen before a byte of the request leaves: the gateway never saw it.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)


def check_response(response: httpx.Response, *, stream: bool) -> APIError | None:
    """The error an answer means, if any. Error bodies must already be read.

    Besides 4xx/5xx this catches 200 answers that carry an `error` object
    (docs/gateway-behaviour.md §2.2); streamed answers are checked chunk by chunk instead.
    """
    status = response.status_code
    if status >= 400:
        return make_status_error(
            status, decode_body(response), request=response.request, response=response
        )
    if stream and not is_json_response(response):
        return None
    if response.request.extensions.get(OWN_ERRORS):
        return None
    content = response.content
    if len(content) >= _PARSE_ONCE_BYTES:
        # Scanning megabytes of floats for the two keys costs a third of parsing them
        # (docs/throughput.md, "Decoding"): parse once here and keep the result for parse_response.
        body = _parse_once(response)
        if body is NOT_JSON:
            body = decode_body(response)
    elif b'"error"' not in content and b'"success"' not in content:
        # Cannot be an error body (docs/gateway-behaviour.md §2.2): skip a second full parse.
        return None
    else:
        body = decode_body(response)
    if is_error_body(body):
        return make_status_error(status, body, request=response.request, response=response)
    return None


def is_json_response(response: httpx.Response) -> bool:
    """Whether the answer is a JSON document (for a stream request: an error or a whole reply)."""
    return "json" in response.headers.get("content-type", "")


def parse_response(endpoint: Endpoint[ResponseT, Any], response: httpx.Response) -> ResponseT:
    """Validate a successful JSON answer into the endpoint's model."""
    parsed_json = response.extensions.pop(_PARSED_KEY, NOT_JSON)
    try:
        if parsed_json is NOT_JSON:
            parsed = endpoint.response_type.model_validate_json(response.content)
        else:
            parsed = endpoint.response_type.model_validate(parsed_json)
    except ValidationError as exc:
        # Not chained: pydantic's message quotes the body, where a gateway may echo the key;
        # what it says is in the message below (first bad field and its error type).
        body = decode_body(response)
        if isinstance(body, dict):
            first = exc.errors(include_input=False)[0]
            what = (
                f"unexpected field types ({exc.error_count()} errors: {first['loc']} "
                f"{first['type']})"
            )
        else:
            what = _describe_body(body)
        raise validation_error(
            endpoint, response, redact(what, request_secrets(response.request))
        ) from None
    parsed._request_id = request_id_of(response)
    _unbind_stream(response)
    return parsed


#: Bodies at least this large are parsed once, in `check_response`, instead of being scanned for
#: an error envelope and then validated: below it the scan costs less than the detour.
_PARSE_ONCE_BYTES = 256 * 1024
_PARSED_KEY = "aimhub.parsed_json"


def _parse_once(response: httpx.Response) -> object:
    # jiter turns megabytes of floats into Python floats about a fifth faster than
    # pydantic-core's bundled parser, and faster than orjson (docs/throughput.md, "Decoding").
    try:
        body = jiter.from_json(response.content)
    except ValueError:
        return NOT_JSON
    response.extensions[_PARSED_KEY] = body
    return body


def _unbind_stream(response: httpx.Response) -> None:
    # httpx binds every response to its stream in a reference cycle, so a read body outlives its
    # last use until the next full garbage collection: with embeddings, dozens of megabytes.
    # Once the body is read and parsed, the stream has nothing left to give.
    if response.is_closed:
        response.stream = _DRAINED


_DRAINED = httpx.ByteStream(b"")


def _describe_body(body: object) -> str:
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return "an empty body"
        if text.lower().startswith(("<!doctype", "<html")):
            return "an HTML page (a proxy or firewall answered instead of the API)"
        return f"non-JSON text {text[:120]!r}"
    return f"JSON of type {type(body).__name__}"


def validation_error(
    endpoint: Endpoint[Any, Any], response: httpx.Response, what: str
) -> APIResponseValidationError:
    message = (
        f"Unexpected response: {endpoint.method} {endpoint.path} answered HTTP "
        f"{response.status_code} with {what} — check that base_url points at an "
        "OpenAI-compatible API root (https://host/v1)."
    )
    return APIResponseValidationError(
        message, request=response.request, request_id=request_id_of(response)
    )


#: Marks a body or stream event that is not JSON at all (`from_json` may legitimately return None).
NOT_JSON = object()
