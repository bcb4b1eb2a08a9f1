"""`with` / `async with` for every class that holds a sync and an async core client.

The adapters' connection bases and the media stream wrappers all close the same way: `close()`
on leaving `with`, `aclose()` on leaving `async with`. One mixin, so the four methods exist once.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from typing_extensions import Self


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
