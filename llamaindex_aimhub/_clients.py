"""The core clients of a LlamaIndex class, built once from its connection fields."""

from __future__ import annotations

from typing import Any

from aimhub import AimhubClient, AsyncAimhubClient


def gateway_clients(fields: Any) -> tuple[AimhubClient, AsyncAimhubClient]:
    """Sync and async clients from `api_key`, `api_base`, `timeout`, `max_retries`,
    `default_headers` and the injected `http_client` / `async_http_client`.

    Called from `__init__`, not a validator, so that a missing key raises aimhub's own
    `ConfigurationError` (naming AIMHUB_API_KEY) rather than a pydantic `ValidationError`.
    """
    options: dict[str, Any] = {
        "api_key": fields.api_key,
        "base_url": fields.api_base,
        "timeout": fields.timeout,
        "max_retries": fields.max_retries,
        "default_headers": fields.default_headers,
    }
    return (
        AimhubClient(**options, http_client=fields.http_client),
        AsyncAimhubClient(**options, http_client=fields.async_http_client),
    )
