"""Client configuration: key, base URL normalisation, timeouts and headers."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpx
from pydantic import SecretStr

from aimhub._constants import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMS,
)
from aimhub._exceptions import ConfigurationError
from aimhub._routes import static_api_paths
from aimhub._version import __version__

# Paths users paste after the API root: the client adds these itself. Every static route of
# the table, longest first (`/chat/completions` before `/completions`).
_ENDPOINT_SUFFIXES = static_api_paths()
_VERSION_SEGMENT = re.compile(r"/v\d+[a-z0-9]*$")
# Host names (also IDN), IPv4 and IPv6 literals; httpx percent-encodes anything else.
_HOST = re.compile(r"[\w.:\-]+")

TimeoutLike = float | httpx.Timeout | None


def normalize_base_url(url: str) -> str:
    """Turn any pasted form of a gateway address into its API root.

    `https://host`, `https://host/`, `https://host/v1` and `https://host/v1/chat/completions` (or
    any other static route path of `aimhub/_routes.py`) all become `https://host/v1`; a root that
    already ends in a version (`/api/paas/v4`) is kept.

    Raises:
        ConfigurationError: when the URL is not an absolute http(s) URL, or carries credentials
            or a query string (those belong in `api_key` and `default_query`).
    """
    raw = url.strip()
    example = f"e.g. {DEFAULT_BASE_URL!r}"
    # Echoed in messages: never the user:password or the query (either may hold a key).
    unsafe = _shown(raw)
    if any(char.isspace() for char in raw):
        msg = f"base_url {unsafe!r} contains a space; paste only the address, {example}"
        raise ConfigurationError(msg)
    try:
        parsed = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError) as exc:
        msg = f"base_url {unsafe!r} is not a valid URL; pass the gateway address, {example}"
        raise ConfigurationError(msg) from None if "?" in raw or "@" in raw else exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        msg = f"base_url {unsafe!r} must be an absolute http:// or https:// URL, {example}"
        raise ConfigurationError(msg)
    # What remains is echoed in messages: never the user:password or the query (may hold a key).
    shown = str(parsed.copy_with(userinfo=b"", query=None, fragment=None))
    if not _HOST.fullmatch(parsed.host):
        msg = f"base_url {shown!r} has no valid host name; {example}"
        raise ConfigurationError(msg)
    if parsed.userinfo:
        # httpx would send `user:password` as Basic auth, replacing the Bearer key.
        msg = (
            f"base_url {shown!r} must not contain a user name or password; pass the key as "
            f"api_key=... or in {API_KEY_ENV}"
        )
        raise ConfigurationError(msg)
    if parsed.query:
        msg = (
            f"base_url {shown!r} must not contain a query string (?...); pass "
            "default_query={...} instead"
        )
        raise ConfigurationError(msg)
    path = parsed.path.rstrip("/")
    lowered = path.lower()
    for suffix in _ENDPOINT_SUFFIXES:
        if lowered.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    if not _VERSION_SEGMENT.search(path.lower()):
        path = f"{path}/v1"
    return str(parsed.copy_with(path=path, query=None, fragment=None))


def _shown(raw: str) -> str:
    """`raw` cut before any query or fragment, with any `user:password@` dropped."""
    head = raw.split("?", 1)[0].split("#", 1)[0]
    scheme, sep, rest = head.rpartition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if "@" in rest else head


def resolve_api_key(api_key: str | SecretStr | None) -> SecretStr:
    """Take the explicit key, else `AIMHUB_API_KEY`; fail clearly when neither is set."""
    if isinstance(api_key, SecretStr):
        api_key = api_key.get_secret_value()
    value = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if value is None or not value.strip():
        msg = (
            f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable "
            "to the key from your aggregator's console."
        )
        raise ConfigurationError(msg)
    return SecretStr(value.strip())


def _as_timeout(timeout: TimeoutLike) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return DEFAULT_TIMEOUT
    if timeout <= 0:
        msg = f"timeout must be a positive number of seconds, got {timeout!r}"
        raise ConfigurationError(msg)
    return httpx.Timeout(timeout, connect=min(timeout, 10.0))


def _masked(values: Mapping[str, Any], secret_names: frozenset[str]) -> dict[str, Any]:
    return {k: "***" if k.lower() in secret_names else v for k, v in values.items()}


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs to build requests; immutable and safe to print.

    Args:
        api_key: the gateway key; falls back to `AIMHUB_API_KEY`.
        base_url: any pasted form of the gateway address; falls back to `AIMHUB_BASE_URL`.
        timeout: seconds or an `httpx.Timeout`.
        max_retries: retries after the first attempt; `0` disables them.
        default_headers: sent with every request.
        default_query: added to every request's query string.
    """

    api_key: SecretStr = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: Mapping[str, str] = field(default_factory=dict)
    default_query: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> ClientConfig:
        """Validate user input and fill in environment defaults."""
        retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            msg = f"max_retries must be an integer >= 0, got {max_retries!r}"
            raise ConfigurationError(msg)
        url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        return cls(
            api_key=resolve_api_key(api_key),
            base_url=normalize_base_url(url),
            timeout=_as_timeout(timeout),
            max_retries=retries,
            default_headers=MappingProxyType(dict(default_headers or {})),
            default_query=MappingProxyType(dict(default_query or {})),
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The read-only header/query views cannot be pickled; plain dicts are rebuilt into them.
        return (
            _rebuild_config,
            (
                self.api_key,
                self.base_url,
                self.timeout,
                self.max_retries,
                dict(self.default_headers),
                dict(self.default_query),
            ),
        )

    def __repr__(self) -> str:
        # The key is never shown; default headers and query may carry credentials too.
        headers = _masked(self.default_headers, SECRET_HEADERS)
        query = _masked(self.default_query, SECRET_QUERY_PARAMS)
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r}, default_headers={headers!r}, "
            f"default_query={query!r})"
        )

    def auth_headers(self) -> dict[str, str]:
        """The headers every request carries; the only place the key is read."""
        return {
            "Authorization": f"Bearer {self.api_key.get_secret_value()}",
            "Accept": "application/json",
            "User-Agent": f"aimhub-python/{__version__}",
            **self.default_headers,
        }


def _rebuild_config(
    api_key: SecretStr,
    base_url: str,
    timeout: httpx.Timeout,
    max_retries: int,
    default_headers: dict[str, str],
    default_query: dict[str, Any],
) -> ClientConfig:
    return ClientConfig(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        default_headers=MappingProxyType(default_headers),
        default_query=MappingProxyType(default_query),
    )
