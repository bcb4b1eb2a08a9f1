"""The core clients of a LangChain class, built once from its connection fields."""

from __future__ import annotations

from typing import Any

from aimhub import AimhubClient, AsyncAimhubClient


def gateway_clients(fields: Any) -> tuple[AimhubClient, AsyncAimhubClient]:
    """Sync and async clients from `api_key`, `base_url`, `timeout`, `max_retries`, headers,
    an optional `default_query` and the injected `http_client` / `http_async_client`.

    Built at construction, so a missing key or a bad `base_url` fails there, not on first use.
    """
    options: dict[str, Any] = {
        "api_key": fields.api_key,
        "base_url": fields.base_url,
        "timeout": fields.timeout,
        "max_retries": fields.max_retries,
        "default_headers": fields.default_headers,
        "default_query": getattr(fields, "default_query", None),
    }
    return (
        AimhubClient(**options, http_client=fields.http_client),
        AsyncAimhubClient(**options, http_client=fields.http_async_client),
    )
