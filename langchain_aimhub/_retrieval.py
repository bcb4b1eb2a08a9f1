"""Connection fields and clients shared by `AimhubEmbeddings` and `AimhubRerank`."""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.utils import from_env, secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_serializer

from aimhub import AimhubClient, AsyncAimhubClient
from aimhub._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_MAX_RETRIES
from langchain_aimhub._clients import gateway_clients, masked_credentials


class GatewayFields(BaseModel):
    """The model id, the gateway connection and the two clients built from them."""

    model_config = ConfigDict(
        populate_by_name=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        extra="forbid",
    )

    model_name: str = Field(alias="model")
    """Model id as the gateway lists it."""
    api_key: SecretStr | None = Field(default_factory=secret_from_env(API_KEY_ENV, default=None))
    """Gateway key; defaults to `AIMHUB_API_KEY`."""
    base_url: str | None = Field(default_factory=from_env(BASE_URL_ENV, default=None))
    """Gateway address in any form; defaults to `AIMHUB_BASE_URL`, else Aimhub's."""
    timeout: float | httpx.Timeout | None = Field(default=None, alias="request_timeout")
    """Seconds (or an `httpx.Timeout`) per request."""
    max_retries: int = DEFAULT_MAX_RETRIES
    """Retries of failures that may succeed later (429, 5xx); `0` disables them."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra top-level request fields; the fields this class sets win on a clash."""
    default_headers: dict[str, str] | None = Field(default=None, repr=False)
    """Headers sent with every request (not shown in `repr`: they may carry a credential)."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """An `httpx.Client` to send with (proxies, limits, transport); not closed by us."""
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)
    """An `httpx.AsyncClient` to send with; not closed by us."""

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # Not a pydantic validator: an error raised there carries the whole input, key
        # included, in `ValidationError.errors()`; raised here, it names only the bad field.
        self._check()
        self._client, self._async_client = gateway_clients(self)

    @field_serializer("default_headers")
    def _mask_credentials(self, values: dict[str, str] | None) -> dict[str, Any] | None:
        return masked_credentials(values)

    def _check(self) -> None:
        """Fail at construction on settings the subclass cannot use (raises, never wraps)."""

    @property
    def model(self) -> str:
        """The model id (the same as `model_name`)."""
        return self.model_name
