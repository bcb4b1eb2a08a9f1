"""The connection fields of every LangChain class, declared once, and the clients built from them.

`ChatAimhub`, `AimhubEmbeddings` and `AimhubRerank` inherit `ConnectionFields`, so the three take
the same names: `api_key`, `base_url` (or `api_base`), `timeout` (or `request_timeout`),
`max_retries`, `default_headers`, `default_query`, `http_client` and `http_async_client` (or
LlamaIndex's spelling `async_http_client`). The LlamaIndex classes take the same set.
"""

from __future__ import annotations

import difflib
import warnings
from types import TracebackType
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
    model_validator,
)
from typing_extensions import Self

from aimhub.adapter import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_MAX_RETRIES,
    AimhubClient,
    AsyncAimhubClient,
)


class ConnectionFields(BaseModel):
    """The gateway connection, `model_kwargs`, and the two core clients built from them.

    Unknown constructor arguments are moved to `model_kwargs` with a warning (and so sent as
    request fields), as `ChatOpenAI` does: a misspelt option is never silently ignored.
    """

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
    default_headers: dict[str, str] | None = None
    """Headers sent with every request."""
    default_query: dict[str, Any] | None = None
    """Query parameters sent with every request."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """An `httpx.Client` to send with (proxies, limits, transport); not closed by us."""
    http_async_client: httpx.AsyncClient | None = Field(
        default=None,
        exclude=True,
        validation_alias=AliasChoices("http_async_client", "async_http_client"),
    )
    """An `httpx.AsyncClient` to send with (`async_http_client` too); not closed by us."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra top-level request fields."""

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _unknown_to_model_kwargs(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        known = accepted_names(cls)
        unknown = [k for k in values if k not in known]
        if not unknown:
            return values
        values = dict(values)
        extra = dict(values.get("model_kwargs") or {})
        for name in unknown:
            if name in extra:
                msg = f"{name!r} was given both as an argument and in model_kwargs; keep one"
                raise ValueError(msg)
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            warnings.warn(
                f"{name!r} is not a {cls.__name__} parameter{hint}; it was moved to "
                "model_kwargs and is sent as a request field.",
                UserWarning,
                stacklevel=4,
            )
            extra[name] = values.pop(name)
        values["model_kwargs"] = extra
        return values

    @model_validator(mode="after")
    def _create_clients(self) -> Self:
        # Built at construction, so a missing key or a bad `base_url` fails there.
        options: dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
        }
        self._client = AimhubClient(**options, http_client=self.http_client)
        self._async_client = AsyncAimhubClient(**options, http_client=self.http_async_client)
        return self

    def close(self) -> None:
        """Close the sync connection pool if aimhub created it (never a client you passed)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the async connection pool if aimhub created it (never a client you passed)."""
        await self._async_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def accepted_names(cls: type[BaseModel]) -> set[str]:
    """Every field name and alias a pydantic class accepts."""
    names: set[str] = set()
    for name, info in cls.model_fields.items():
        names.add(name)
        if info.alias:
            names.add(info.alias)
        alias = info.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif isinstance(alias, AliasChoices):
            names.update(c for c in alias.choices if isinstance(c, str))
    return names
