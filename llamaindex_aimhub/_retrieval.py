"""Connection fields and clients shared by `AimhubEmbedding` and `AimhubRerank`."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
)

from aimhub import AimhubClient, AsyncAimhubClient
from aimhub._constants import DEFAULT_MAX_RETRIES
from llamaindex_aimhub._clients import gateway_clients


class GatewayFields(BaseModel):
    """The gateway connection and the two clients built from it (LlamaIndex field names)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True)

    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,  # never serialised: `to_json()` / `to_dict()` carry no key
        repr=False,
        description="Gateway key; defaults to the AIMHUB_API_KEY variable.",
    )
    api_base: str | None = Field(
        default=None,
        validation_alias=AliasChoices("api_base", "base_url"),
        description="Gateway address in any form (also accepted as `base_url`); defaults to "
        "AIMHUB_BASE_URL, else Aimhub's.",
    )
    timeout: float | None = Field(default=None, description="Seconds per request.")
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        description="Retries of failures that may succeed later (429, 5xx); 0 disables them.",
    )
    default_headers: dict[str, str] | None = Field(
        default=None,
        exclude=True,  # as on `Aimhub`: a header may carry a credential
        repr=False,
        description="Headers sent with every request."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra top-level request fields; the fields this class sets win on a clash.",
    )
    http_client: httpx.Client | None = Field(
        default=None, exclude=True, description="An httpx.Client to send with; not closed by us."
    )
    async_http_client: httpx.AsyncClient | None = Field(
        default=None,
        exclude=True,
        validation_alias=AliasChoices("async_http_client", "http_async_client"),
        description="An httpx.AsyncClient to send with (also accepted as `http_async_client`).",
    )

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # Not a pydantic validator: an error raised there carries the whole input, key
        # included, in `ValidationError.errors()`; raised here, it names only the bad field.
        self._check()
        self._client, self._async_client = gateway_clients(self)

    def _check(self) -> None:
        """Fail at construction on settings the subclass cannot use (raises, never wraps)."""
