"""Defaults shared by every client: URLs, environment names, timeouts and retry limits."""

from __future__ import annotations

from typing import Final

import httpx

#: Aimhub's own gateway, as published in its API docs (`https://api.gaiasc.com/v1`).
DEFAULT_BASE_URL: Final = "https://api.gaiasc.com/v1"
API_KEY_ENV: Final = "AIMHUB_API_KEY"
BASE_URL_ENV: Final = "AIMHUB_BASE_URL"
#: A path to `aimhub probe --json` output whose measurements override the catalogue.
CAPABILITIES_ENV: Final = "AIMHUB_CAPABILITIES"

#: Long generations through a relay are slow to start; new-api's own upstream limit is 60 s of
#: silence, so a read timeout shorter than that cuts off answers the gateway would still deliver.
DEFAULT_TIMEOUT: Final = httpx.Timeout(600.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_CONNECTION_LIMITS: Final = httpx.Limits(max_connections=1000, max_keepalive_connections=100)

INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
#: A server asking us to wait longer than this is better answered with an error than a hang.
MAX_RETRY_AFTER: Final = 60.0

#: Request-id headers, first match wins: one-api/new-api (docs/gateway-behaviour.md §1), then
#: LiteLLM's call id, OpenAI/Anthropic-style ids, Azure API Management and AWS gateways
#: (docs/gateway-behaviour.md §21.3).
REQUEST_ID_HEADERS: Final = (
    "x-oneapi-request-id",
    "x-litellm-call-id",
    "x-request-id",
    "request-id",
    "apim-request-id",
    "x-amzn-requestid",
)

#: Headers and query parameters that can carry a credential on some gateway route
#: (docs/gateway-behaviour.md §1).
SECRET_HEADERS: Final = frozenset(
    {
        "authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "mj-api-secret",
        "proxy-authorization",
    }
)
SECRET_QUERY_PARAMS: Final = frozenset({"key", "api_key", "api-key", "token", "access_token"})
