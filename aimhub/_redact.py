"""Keep credentials out of everything an error or a log line carries.

An exception outlives the call: it is logged, pickled across processes (Ray, multiprocessing),
deep-copied and printed. So it keeps a *redacted copy* of the request (method, masked URL, safe
headers, no body) and of the response (status, headers, body already read), never the live
objects whose headers hold the key.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

import httpx

from aimhub._constants import SECRET_HEADERS, SECRET_QUERY_PARAMS

__all__ = [
    "NO_REQUEST",
    "detached_response",
    "masked_url",
    "redact",
    "redact_value",
    "redacted_request",
    "request_of",
    "request_secrets",
]

# new-api already masks keys as sk-abc***xyz; anything that still looks like a key is masked here.
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9]{3})[A-Za-z0-9_\-]{6,}([A-Za-z0-9]{3})\b")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
_MASK = "***"
#: Set on a redacted request, so redacting it again is a no-op.
_REDACTED = "aimhub_redacted"

T = TypeVar("T")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask anything in a gateway message that looks like a credential, and every known secret.

    Patterns catch `sk-` keys and bearer tokens; `secrets` (see `request_secrets`) catches keys
    of any shape that a gateway echoes back verbatim.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, _mask(secret))
    return _BEARER.sub(r"\1***", _KEY_LIKE.sub(r"\1***\2", text))


def redact_value(value: T, secrets: Iterable[str] = ()) -> T:
    """`redact` applied to every string inside a parsed JSON body (keys and values)."""
    known = tuple(secrets)
    result: object
    if isinstance(value, str):
        result = redact(value, known)
    elif isinstance(value, Mapping):
        result = {redact_value(k, known): redact_value(v, known) for k, v in value.items()}
    elif isinstance(value, list | tuple):
        result = type(value)(redact_value(item, known) for item in value)
    else:
        return value
    return result  # type: ignore[return-value]  # same JSON shape as the input


def _mask(secret: str) -> str:
    return f"{secret[:3]}***{secret[-3:]}" if len(secret) >= 16 else _MASK


def request_secrets(request: httpx.Request | None) -> tuple[str, ...]:
    """The credentials a request carries (headers and query), as a gateway might echo them.

    new-api strips the `sk-` prefix before looking a key up, so the bare form is included too.
    Values shorter than 8 characters are left alone: masking them would garble messages.
    """
    if request is None:
        return ()
    values: set[str] = set()
    for name, value in request.headers.items():
        if name.lower() in SECRET_HEADERS:
            values.add(value.split(" ", 1)[1] if " " in value else value)
    for name, value in request.url.params.multi_items():
        if name.lower() in SECRET_QUERY_PARAMS:
            values.add(value)
    values |= {v.removeprefix("sk-") for v in values if v.startswith("sk-")}
    return tuple(v.strip() for v in values if len(v.strip()) >= 8)


def masked_url(url: httpx.URL) -> httpx.URL:
    """The URL with credential-bearing query values and any user:password masked."""
    if url.userinfo:
        url = url.copy_with(userinfo=None)
    if not url.query:
        return url
    params = [
        (k, _MASK if k.lower() in SECRET_QUERY_PARAMS else v) for k, v in url.params.multi_items()
    ]
    return url.copy_with(params=params)


def redacted_request(request: httpx.Request) -> httpx.Request:
    """A copy safe to keep, print and pickle: method, masked URL, headers with secrets masked.

    The body is left out: it is the caller's own prompt (possibly megabytes of images), and
    whatever of it matters is in the error message already.
    """
    if request.extensions.get(_REDACTED):
        return request
    headers = [
        (name, _MASK if name.lower() in SECRET_HEADERS else value)
        for name, value in request.headers.multi_items()
        if name.lower() != "content-length"
    ]
    return httpx.Request(
        request.method,
        masked_url(request.url),
        headers=headers,
        extensions={_REDACTED: True},
    )


#: Stands in on a detached response whose original had no request attached.
NO_REQUEST = httpx.Request("GET", "http://unknown.invalid/")


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The response's request, or None for a response built by hand without one."""
    try:
        return response.request
    except RuntimeError:
        return None


def detached_response(
    response: httpx.Response, request: httpx.Request, secrets: Iterable[str] = ()
) -> httpx.Response:
    """A closed copy of `response` that points at the redacted `request`.

    The live response keeps the original request (with the key) and, mid-stream, an open
    connection; the copy keeps status, headers and whatever body was already read, with any
    credential the gateway echoed back masked as in the message.
    """
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = b""  # a stream error: its payload is on the error as `body`
    with contextlib.suppress(UnicodeDecodeError):  # not text: no key echoed readably in it
        content = redact(content.decode(), secrets).encode()
    # The content is already decoded: a kept Content-Encoding would make httpx decode it again.
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=request,
        extensions={
            key: value
            for key, value in response.extensions.items()
            if key in ("http_version", "reason_phrase")
        },
    )
