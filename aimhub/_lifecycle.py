"""`with` / `async with` for every class that holds a sync and an async core client.

The adapters' connection bases and the media stream wrappers all close the same way: `close()`
on leaving `with`, `aclose()` on leaving `async with`. One mixin, so the four methods exist once.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Self

if TYPE_CHECKING:
    from aimhub._client import AimhubClient, AsyncAimhubClient


class HoldsClients:
    """Closes `self._client` / `self._async_client` (never a pool the user passed: the core
    clients' own `close()` decides that)."""

    _client: Any
    _async_client: Any

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


def client_pair(
    *, http_client: Any = None, async_http_client: Any = None, **options: Any
) -> tuple[AimhubClient, AsyncAimhubClient]:
    """The sync and async core clients of one connection (same options, each its own pool)."""
    # Imported on call: the adapters' base classes import this module for HoldsClients, and
    # that must not load httpx and the clients before one is built.
    from aimhub._client import AimhubClient, AsyncAimhubClient

    return (
        AimhubClient(**options, http_client=http_client),
        AsyncAimhubClient(**options, http_client=async_http_client),
    )
