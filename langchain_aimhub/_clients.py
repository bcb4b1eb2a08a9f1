"""The core clients of a LangChain class, built once from its connection fields."""

from __future__ import annotations

from typing import Any

from aimhub import AimhubClient, AsyncAimhubClient
from aimhub._constants import API_KEY_ENV, SECRET_HEADERS, SECRET_QUERY_PARAMS


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


def credential_paths(fields: Any) -> dict[str, str]:
    """`lc_secrets` entries for credentials in `default_headers` / `default_query`.

    `dumpd` writes these as secrets (read back from `AIMHUB_API_KEY` on load), never in clear.
    """
    paths: dict[str, str] = {}
    for attr, names in (
        ("default_headers", SECRET_HEADERS),
        ("default_query", SECRET_QUERY_PARAMS),
    ):
        for name in getattr(fields, attr, None) or {}:
            if name.lower() in names:
                paths[f"{attr}.{name}"] = API_KEY_ENV
    return paths


def masked_credentials(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Headers or query parameters as `model_dump` shows them: credentials as `***`."""
    if values is None:
        return None
    names = SECRET_HEADERS | SECRET_QUERY_PARAMS
    return {k: "***" if k.lower() in names else v for k, v in values.items()}
