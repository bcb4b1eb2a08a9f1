"""The connection fields of every LangChain class, declared once, and the clients built from them.

`ChatAimhub`, `AimhubEmbeddings` and `AimhubRerank` inherit `ConnectionFields`, so the three take
the same names: `api_key`, `base_url` (or `api_base`), `timeout` (or `request_timeout`),
`max_retries`, `default_headers`, `default_query`, `http_client` and `http_async_client` (or
LlamaIndex's spelling `async_http_client`), and the call bounds `total_timeout`,
`first_token_timeout`, `idle_timeout` and `max_retry_after`. The media and task tools, the
toolkit and `AimhubAudioParser` take the same fields (`Connection`), and so do the LlamaIndex
classes.
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.utils import from_env, secret_from_env
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
)

from aimhub.adapter import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_MAX_RETRIES,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMS,
    AimhubClient,
    AsyncAimhubClient,
    HoldsClients,
    check_known_options,
    client_pair,
    move_unknown_options,
)


class CallBounds(BaseModel):
    """Time bounds of each call, beyond `timeout` (which bounds a single read); see
    docs/robustness.md. The core checks them when the clients are built, so a bad value raises
    `aimhub.ConfigurationError` naming the field at construction."""

    total_timeout: float | None = None
    """Seconds for the whole call: every attempt, retry wait and byte of the answer."""
    first_token_timeout: float | None = None
    """Streams: seconds from the call's start to the first bytes of the answer."""
    idle_timeout: float | None = None
    """Streams: seconds allowed between two chunks of the answer."""
    max_retry_after: float | None = None
    """Longest `Retry-After` waited for (default 60 s); a longer one raises at once, with the
    requested wait on the error as `retry_after`."""


class Connection(CallBounds):
    """The gateway connection fields alone: what the tools, the toolkit and the audio parser
    take, beside the models' `ConnectionFields`."""

    model_config = ConfigDict(
        populate_by_name=True, arbitrary_types_allowed=True, protected_namespaces=()
    )

    api_key: SecretStr | None = Field(default_factory=secret_from_env(API_KEY_ENV, default=None))
    """Gateway key; defaults to `AIMHUB_API_KEY`."""
    base_url: str | None = Field(
        default_factory=from_env(BASE_URL_ENV, default=None),
        validation_alias=AliasChoices("base_url", "api_base"),
    )
    """Gateway address in any form (`api_base` too); defaults to `AIMHUB_BASE_URL`, else
    Aimhub's."""
    timeout: float | httpx.Timeout | None = Field(default=None, alias="request_timeout")
    """Seconds (or an `httpx.Timeout`) per request."""
    max_retries: int = DEFAULT_MAX_RETRIES
    """Retries of failures that may succeed later (429, 5xx); `0` disables them."""
    default_headers: dict[str, str] | None = Field(default=None, repr=False)
    """Headers sent with every request (not shown in `repr`: they may carry a credential)."""
    default_query: dict[str, Any] | None = Field(default=None, repr=False)
    """Query parameters sent with every request (not shown in `repr`: `?key=` is a credential
    on some gateways)."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """An `httpx.Client` to send with (proxies, limits, transport); not closed by us."""
    http_async_client: httpx.AsyncClient | None = Field(
        default=None,
        exclude=True,
        validation_alias=AliasChoices("http_async_client", "async_http_client"),
    )
    """An `httpx.AsyncClient` to send with (`async_http_client` too); not closed by us."""

    @field_serializer("default_headers", "default_query")
    def _mask_credentials(self, values: dict[str, Any] | None) -> dict[str, Any] | None:
        return masked_credentials(values)

    @classmethod
    def clients(cls, owner: str, options: dict[str, Any]) -> tuple[AimhubClient, AsyncAimhubClient]:
        """The clients of a class that takes the connection as `**options` (the audio parser):
        the same names as every model class, an unknown one a `TypeError` naming it."""
        check_known_options(cls, options, owner)
        return gateway_clients(cls(**options))


class ConnectionFields(HoldsClients, Connection):
    """The gateway connection, `model_kwargs`, and the two core clients built from them.

    Unknown constructor arguments are moved to `model_kwargs` with a warning (and so sent as
    request fields), as `ChatOpenAI` does: a misspelt option is never silently ignored.
    """

    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra top-level request fields."""

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        super().__init__(**move_unknown_options(type(self), data, "model_kwargs"))
        # Not pydantic validators: an error raised in one carries the whole input, key
        # included, in `ValidationError.errors()`; raised here, it names only the bad field.
        self._check()
        self._client, self._async_client = gateway_clients(self)

    def _check(self) -> None:
        """Fail at construction on settings the subclass cannot use (raises, never wraps)."""


def gateway_clients(fields: Any) -> tuple[AimhubClient, AsyncAimhubClient]:
    """Sync and async clients from the connection fields (built once, at construction, so a
    missing key or a bad `base_url` fails there, not on first use)."""
    options: dict[str, Any] = {
        "api_key": fields.api_key,
        "base_url": fields.base_url,
        "timeout": fields.timeout,
        "max_retries": fields.max_retries,
        "default_headers": fields.default_headers,
        "default_query": fields.default_query,
        "total_timeout": fields.total_timeout,
        "first_token_timeout": fields.first_token_timeout,
        "idle_timeout": fields.idle_timeout,
        "max_retry_after": fields.max_retry_after,
    }
    return client_pair(
        **options, http_client=fields.http_client, async_http_client=fields.http_async_client
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
