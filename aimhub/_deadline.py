"""Time bounds for a whole call, where httpx's `timeout` bounds only each single read.

A server dribbling a byte every 0.4 s never trips a 1 s read timeout; `total_timeout` bounds
the call (every attempt, retry wait and byte of the body), and for streams `first_token_timeout`
bounds the wait for the first bytes of the body and `idle_timeout` the gap between chunks.
Both clients share this code: the async one enforces each bound exactly (`asyncio.wait_for`),
the sync one checks as bytes arrive and caps each socket read at the bound, so a silent
socket fails at the bound too.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx

from aimhub._exceptions import ConfigurationError

__all__ = ["CallClock", "CallLimits"]


@dataclass(frozen=True)
class CallLimits:
    """Seconds, or None for no bound (the default: only `timeout` applies)."""

    total: float | None = None
    first_token: float | None = None
    idle: float | None = None

    def for_call(self, *, stream: bool) -> CallClock | None:
        """A clock for one call; first-token and idle bounds apply to streams only."""
        limits = self if stream else CallLimits(total=self.total)
        return CallClock(limits) if limits.active else None

    def __post_init__(self) -> None:
        for name in ("total", "first_token", "idle"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
            ):
                msg = f"{name}_timeout must be a positive number of seconds or None, got {value!r}"
                raise ConfigurationError(msg)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.total, self.first_token, self.idle))


class CallClock:
    """One call's bounds, measured from its start."""

    def __init__(self, limits: CallLimits) -> None:
        self.limits = limits
        self._start = time.monotonic()
        self._last: float | None = None  # when the last body chunk arrived

    def _bounds(self) -> list[tuple[float, str]]:
        now = time.monotonic()
        limits = self.limits
        bounds = []
        if limits.total is not None:
            bounds.append((self._start + limits.total - now, f"total_timeout={limits.total:g} s"))
        if self._last is None and limits.first_token is not None:
            left = self._start + limits.first_token - now
            bounds.append((left, f"first_token_timeout={limits.first_token:g} s"))
        if self._last is not None and limits.idle is not None:
            bounds.append((self._last + limits.idle - now, f"idle_timeout={limits.idle:g} s"))
        return bounds

    def remaining(self) -> tuple[float, str] | None:
        """Seconds left under the tightest bound, and its name; None when unbounded."""
        bounds = self._bounds()
        return min(bounds) if bounds else None

    def check(self, request: httpx.Request) -> float | None:
        """Raise `httpx.ReadTimeout` (mapped to `APITimeoutError`) once a bound has passed."""
        tightest = self.remaining()
        if tightest is None:
            return None
        left, name = tightest
        if left <= 0:
            msg = f"{name} exceeded"
            raise httpx.ReadTimeout(msg, request=request)
        return left

    def total_left(self) -> float | None:
        """Seconds left of `total_timeout` (for retry waits), None when unbounded."""
        if self.limits.total is None:
            return None
        return self._start + self.limits.total - time.monotonic()

    def cap_read_timeout(self, request: httpx.Request) -> None:
        """No single socket read may wait past the bounds (sync: a read cannot be interrupted)."""
        left = self.check(request)
        if left is None:
            return
        gaps = [v for v in (self.limits.first_token, self.limits.idle) if v is not None]
        cap = min(left, max(gaps)) if gaps else left
        timeout = dict(request.extensions.get("timeout", {}))
        for phase in ("connect", "read", "write", "pool"):
            current = timeout.get(phase)
            timeout[phase] = cap if current is None else min(current, cap)
        request.extensions["timeout"] = timeout

    def arrived(self) -> None:
        self._last = time.monotonic()


class BoundedSyncStream(httpx.SyncByteStream):
    """A response body that raises once the call's bounds pass, checked per chunk."""

    def __init__(self, inner: httpx.SyncByteStream, clock: CallClock, request: httpx.Request):
        self._inner = inner
        self._clock = clock
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._clock.check(self._request)
            self._clock.arrived()
            yield chunk

    def close(self) -> None:
        self._inner.close()


class BoundedAsyncStream(httpx.AsyncByteStream):
    """The async twin: each chunk is awaited for at most the time left."""

    def __init__(self, inner: httpx.AsyncByteStream, clock: CallClock, request: httpx.Request):
        self._inner = inner
        self._clock = clock
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import asyncio

        chunks = self._inner.__aiter__()
        while True:
            left = self._clock.check(self._request)
            try:
                chunk = await asyncio.wait_for(chunks.__anext__(), left)
            except StopAsyncIteration:
                return
            except asyncio.TimeoutError:
                tightest = self._clock.remaining()
                name = tightest[1] if tightest else "the call's time bound"
                msg = f"{name} exceeded"
                raise httpx.ReadTimeout(msg, request=self._request) from None
            self._clock.arrived()
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
