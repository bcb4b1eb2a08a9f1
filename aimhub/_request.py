"""Building requests, shared by the sync and async clients, and masking their URLs for logs.

Reading the answers is `aimhub/_response.py`; decoding streams is `aimhub/_streaming.py`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import httpx

from aimhub._config import ClientConfig
from aimhub._redact import masked_url
from aimhub._routes import Endpoint

#: Request extension marking a call that must not be sent twice (a charged task submit): the
#: send loop retries it only when the gateway provably did not take it (`aimhub._retry`).
NOT_IDEMPOTENT = "aimhub.not_idempotent"
#: Request extension of a route whose 2xx answers the call's parser reads for errors itself: a
#: failed video task carries an `error` object that is the task's state, not a failed request.
OWN_ERRORS = "aimhub.own_errors"


def build_request(
    config: ClientConfig,
    endpoint: Endpoint[Any, Any],
    body: Mapping[str, Any] | None,
    *,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, Any] | None = None,
    timeout: float | httpx.Timeout | None = None,
) -> httpx.Request:
    """The exact request to send; the body is serialised once, UTF-8, compact."""
    headers = config.auth_headers()
    if extra_headers:
        headers.update(extra_headers)
    if endpoint.method != "GET" and not any(k.lower() == "idempotency-key" for k in headers):
        # One key per call, sent again by every retry of it (the request object is reused), so
        # a gateway that dedupes can tell a retry from a new call.
        headers["Idempotency-Key"] = f"aimhub-retry-{os.urandom(16).hex()}"
    content: bytes | None = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        if body.get("stream"):
            headers["Accept"] = "text/event-stream"
    chosen = timeout if timeout is not None else config.timeout
    return httpx.Request(
        endpoint.method,
        config.base_url + endpoint.path,
        params={**config.default_query, **(extra_query or {})} or None,
        headers=headers,
        content=content,
        extensions={"timeout": httpx.Timeout(chosen).as_dict()},
    )


def safe_url(request: httpx.Request) -> str:
    """The request URL with credential-bearing query parameters masked, for logs."""
    return _masked_url(request.url)


class _MaskSecretQuery(logging.Filter):
    """httpx logs every request URL at INFO: mask the credentials a query string may carry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                _masked_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


def _masked_url(url: httpx.URL) -> str:
    return str(masked_url(url))


def mask_secrets_in_httpx_logs() -> None:
    """Install the filter once on httpx's logger, for clients whose query string has a key."""
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _MaskSecretQuery) for f in httpx_logger.filters):
        httpx_logger.addFilter(_MaskSecretQuery())
