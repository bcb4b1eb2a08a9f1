"""The connection fields of every LlamaIndex class, declared once, and the clients built from them.

`Aimhub`, `AimhubEmbedding` and `AimhubRerank` inherit `ConnectionFields`, so the three take the
same names as the LangChain classes: `api_key`, `api_base` (or `base_url`), `timeout` (or
`request_timeout`), `max_retries`, `default_headers`, `default_query`, `http_client` and
`async_http_client` (or LangChain's spelling `http_async_client`), and the call bounds
`total_timeout`, `first_token_timeout`, `idle_timeout` and `max_retry_after`. `AimhubAudioReader`
and `AimhubToolSpec` take the same names as `**connection` (`Connection`).
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

from aimhub.adapter import (
    DEFAULT_MAX_RETRIES,
    AimhubClient,
    AsyncAimhubClient,
    HoldsClients,
    check_known_options,
    client_pair,
    move_unknown_options,
)


class Connection(HoldsClients, BaseModel):
    """The gateway connection fields and the two core clients built from them: what the reader
    and the tool spec take as `**connection`, beside the models' `ConnectionFields`."""

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True)

    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Gateway key; defaults to the AIMHUB_API_KEY variable.",
    )
    api_base: str | None = Field(
        default=None,
        validation_alias=AliasChoices("api_base", "base_url"),
        description="Gateway address in any form (also accepted as `base_url`); defaults to "
        "AIMHUB_BASE_URL, else Aimhub's.",
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices("timeout", "request_timeout"),
        description="Seconds per request.",
    )
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        ge=0,
        description="Retries of failures that may succeed later (429, 5xx); 0 disables them.",
    )
    default_headers: dict[str, str] | None = Field(
        default=None, exclude=True, repr=False, description="Headers sent with every request."
    )
    default_query: dict[str, Any] | None = Field(
        default=None, exclude=True, repr=False, description="Query parameters of every request."
    )
    # Time bounds beyond `timeout` (docs/robustness.md). Checked by the core when the clients
    # are built, so a bad value raises `aimhub.ConfigurationError` naming the field.
    total_timeout: float | None = Field(
        default=None,
        description="Seconds for the whole call: every attempt, retry wait and byte of the answer.",
    )
    first_token_timeout: float | None = Field(
        default=None,
        description="Streams: seconds from the call's start to the first bytes of the answer.",
    )
    idle_timeout: float | None = Field(
        default=None, description="Streams: seconds allowed between two chunks of the answer."
    )
    max_retry_after: float | None = Field(
        default=None,
        description="Longest Retry-After waited for (default 60 s); a longer one raises at once, "
        "with the requested wait on the error as `retry_after`.",
    )
    http_client: httpx.Client | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="An httpx.Client to send with; not closed by us.",
    )
    async_http_client: httpx.AsyncClient | None = Field(
        default=None,
        exclude=True,
        repr=False,
        validation_alias=AliasChoices("async_http_client", "http_async_client"),
        description="An httpx.AsyncClient to send with (also accepted as `http_async_client`).",
    )

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # Not validators: a missing key then raises aimhub's own `ConfigurationError` (naming
        # AIMHUB_API_KEY) rather than a pydantic `ValidationError`, and an error raised in an
        # "after" validator would carry the whole input, key included, in `errors()`.
        self._check()
        self._create_clients()

    def _check(self) -> None:
        """Fail at construction on settings the subclass cannot use (raises, never wraps)."""

    def _create_clients(self) -> None:
        options: dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.api_base,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
            "total_timeout": self.total_timeout,
            "first_token_timeout": self.first_token_timeout,
            "idle_timeout": self.idle_timeout,
            "max_retry_after": self.max_retry_after,
        }
        self._client, self._async_client = client_pair(
            **options, http_client=self.http_client, async_http_client=self.async_http_client
        )

    @classmethod
    def clients(cls, owner: str, options: dict[str, Any]) -> tuple[AimhubClient, AsyncAimhubClient]:
        """The clients of a class that takes the connection as `**options`: the same names as
        every model class, an unknown one a `TypeError` naming it."""
        check_known_options(cls, options, owner)
        connection = cls(**options)
        return connection._client, connection._async_client


class ConnectionFields(Connection):
    """The gateway connection, `additional_kwargs`, and the two core clients built from them.

    Unknown constructor arguments go to `additional_kwargs` with a warning (and so are sent as
    request fields): a misspelt option is never silently ignored.
    """

    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra top-level request fields; the fields this class sets win on a clash.",
    )

    def __init__(self, **data: Any) -> None:
        # `class_name` is what LlamaIndex's own `to_dict()` writes beside the fields.
        data = move_unknown_options(type(self), data, "additional_kwargs", {"class_name"})
        super().__init__(**data)
