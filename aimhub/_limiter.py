"""One adaptive concurrency limit per gateway key, shared by every call that uses the key.

A gateway caps requests in flight (new-api's per-group concurrency, an upstream's capacity) or
per minute, and answers 429 beyond it, often with `Retry-After` and a Chinese "上游负载已饱和"
message (docs/gateway-behaviour.md §2.3, §22). Per-call retries cannot fix that: a batch of 64
against a cap of 16 gets 48 rejections, the rejected calls wake together and lose again, and a
fresh call takes each freed slot first. So every attempt passes through one limiter:

* **AIMD window.** The window starts at `INITIAL_LIMIT` and grows by one per success while it is
  full (slow start). A rejection sets it to the number of calls that were in flight besides the
  rejected one: against a cap of N this lands on N in one storm. After that it probes one higher
  per `PROBE_SUCCESSES x window` successes, and each probe that fails at the same ceiling doubles
  the wait before the next, so a steady cap costs a handful of 429s per job. Only a probe that
  holds at the level that failed before (the cap has risen) makes probing eager again: a
  rejection just below the ceiling (a gateway that frees its slot a moment after answering)
  shrinks the window but leaves the backoff alone.
* **One shared backoff.** Rejected calls wait on one gate, pushed out by every new rejection to
  `Retry-After` (or the computed backoff), then re-enter through the window ahead of fresh calls.
  When even a lone call is rejected (a per-minute limit, not a concurrency cap) the gate holds
  fresh calls too. Wake-ups are jittered whenever more than one call waits.
* **Rate-limit headers.** `x-ratelimit-remaining-requests: 0` with `x-ratelimit-reset-requests`
  holds new calls until the reset.

`LimitState` makes every decision from the clock it is given (tests use a fake one);
`AdaptiveLimiter` adds locking and the two ways of waiting (threads and asyncio tasks, on any
event loop). `shared_limiter()` hands out one limiter per (gateway, key), so LangChain's
`batch`, LlamaIndex's async batches, the sync and async clients of one model and every model
instance using the same key share one budget.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from aimhub._error_parse import error_info
from aimhub._exceptions import APIError, APIStatusError, RateLimitError

if TYPE_CHECKING:
    import asyncio

    from aimhub._config import ClientConfig

__all__ = [
    "INITIAL_LIMIT",
    "AdaptiveLimiter",
    "LimitState",
    "Ticket",
    "configure_limits",
    "is_overload",
    "parse_duration",
    "shared_limiter",
]

#: Calls in flight before the gateway has said anything: generous, because most gateways allow
#: more, and one storm of rejections is enough to find a lower cap.
INITIAL_LIMIT = 32
#: The window never grows beyond this (the default connection pool has 1,000 connections).
MAX_LIMIT = 1000
#: Successes, per unit of window, before probing one call higher after a rejection.
PROBE_SUCCESSES = 4
#: A probe that fails at the same ceiling doubles the wait before the next, up to this factor.
MAX_PROBE_BACKOFF = 16
#: Rejections a call may take for free (not counted against `max_retries`) when they came from
#: the window being too wide, not from the call itself.
FREE_RETRIES = 8
#: Jittered wake-ups spread over this share of the wait (at most `MAX_JITTER` seconds).
JITTER_SHARE = 0.2
MAX_JITTER = 1.0

# Saturation remapped by an operator to a 5xx still means "fewer, please"
# (docs/gateway-behaviour.md §2.3).
_SATURATED_TEXT = re.compile(r"负载已饱和|saturat|overload|too many requests|rate limit", re.I)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str | None) -> float | None:
    """Seconds in a rate-limit reset header: `"1s"`, `"6m0s"`, `"20ms"` or a plain number."""
    if text is None:
        return None
    value = text.strip().lower()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def is_overload(error: APIError) -> bool:
    """Whether a failed attempt says the gateway has too much from this key right now."""
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, APIStatusError) and error.status_code in (503, 529):
        info = error_info(error.body)
        return bool(info and _SATURATED_TEXT.search(info.message))
    return False


@dataclass
class Ticket:
    """One admitted attempt: what the window looked like when it went out."""

    retry: bool
    released: bool = False


@dataclass
class Verdict:
    """What the limiter made of one attempt's outcome."""

    overload: bool = False
    #: The rejection is explained by the window being wider than the gateway allows.
    window_too_wide: bool = False


@dataclass
class LimitState:
    """Every decision of the limiter, from the clock passed in; not thread-safe by itself.

    Args:
        limit: the current window (calls in flight allowed).
        max_limit: the window's ceiling, e.g. a Ray actor's share of a key's budget.
        jitter: draws a factor in [0, 1); injectable for tests.
    """

    limit: float = INITIAL_LIMIT
    max_limit: int = MAX_LIMIT
    jitter: Callable[[], float] = field(default=random.random, repr=False)
    in_flight: int = 0
    slow_start: bool = True
    #: Until when every new call waits (a lone call was rejected, or no requests remain).
    hold_until: float = 0.0
    #: Until when rejected calls wait: one gate for all of them.
    retry_at: float = 0.0
    #: Calls currently sleeping on the hold or the gate (for jitter).
    sleepers: int = 0
    successes: int = 0
    probe_backoff: int = 1
    #: The window the last rejection left: what the gateway served at once.
    ceiling: int = 0
    #: The window at which the last probe failed; holding there means the cap has risen.
    failed_at: int = 0
    rejections: int = 0

    def __post_init__(self) -> None:
        self.limit = float(min(self.limit, self.max_limit))

    @property
    def window(self) -> int:
        return max(1, int(self.limit))

    def has_room(self) -> bool:
        return self.in_flight < self.window

    def wake_time(self, now: float, *, retry_delay: float | None) -> float:
        """When a call may ask for a slot: after its own delay, the shared gate and any hold.

        A fresh call waits only for a hold; a retry waits for the gate as well. Jitter is
        added only when others sleep too, so a lone call honours the server's hint exactly.
        """
        wake = self.hold_until
        if retry_delay is not None:
            wake = max(wake, self.retry_at, now + retry_delay)
        if wake <= now:
            return now
        if self.sleepers:
            wake += self.jitter() * min(JITTER_SHARE * (wake - now), MAX_JITTER)
        return wake

    def on_success(self) -> None:
        """An attempt got an answer that is not a rejection: grow if the window was used."""
        used = self.in_flight >= self.window
        self.in_flight -= 1
        if not used or self.limit >= self.max_limit:
            return
        if self.slow_start:
            self.limit += 1
            return
        self.successes += 1
        if self.successes >= self.window * PROBE_SUCCESSES * self.probe_backoff:
            if 0 < self.failed_at <= self.window:
                self.probe_backoff = 1
                self.failed_at = 0
            self.limit += 1
            self.successes = 0

    def on_rejected(self, now: float, wait: float | None) -> bool:
        """A rejection: shrink to what was in flight besides it, push out the shared gate.

        Returns:
            Whether the rejection is explained by the window (others were in flight), so that
            retrying it is the limiter's business rather than a failure of the call.
        """
        others = self.in_flight - 1
        self.in_flight -= 1
        self.rejections += 1
        self.slow_start = False
        new = max(1, min(self.window, others))
        if new < self.window:
            # A probe above the ceiling failing back to it means the cap is steady: probe less
            # often. A rejection at or below the ceiling says the cap is lower (or the gateway
            # was slow to free a slot), nothing about probing.
            if self.window > self.ceiling and new >= self.ceiling > 0:
                self.probe_backoff = min(self.probe_backoff * 2, MAX_PROBE_BACKOFF)
                self.failed_at = self.window
            self.ceiling = new
            self.limit = float(new)
            self.successes = 0
        if wait is not None:
            self.retry_at = max(self.retry_at, now + wait)
            if others <= 0:
                self.hold_until = max(self.hold_until, now + wait)
        return others > 0

    def on_other(self) -> None:
        """An attempt failed in a way that says nothing about load (auth, 400, network)."""
        self.in_flight -= 1

    def on_headers(self, now: float, headers: httpx.Headers) -> None:
        """OpenAI-style rate-limit headers: no requests left means wait for the reset."""
        remaining = headers.get("x-ratelimit-remaining-requests")
        if remaining is None or remaining.strip() != "0":
            return
        reset = parse_duration(headers.get("x-ratelimit-reset-requests"))
        if reset is not None and reset <= 60.0:
            self.hold_until = max(self.hold_until, now + reset)


class _Waiter:
    """A call queued for a slot: woken by whoever releases one (thread or event loop)."""

    __slots__ = ("event", "future", "granted", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.granted = False
        self.loop = loop
        self.event: threading.Event | None = None if loop else threading.Event()
        self.future: asyncio.Future[None] | None = loop.create_future() if loop else None

    def wake(self) -> bool:
        if self.event is not None:
            self.event.set()
            return True
        assert self.loop is not None
        assert self.future is not None
        try:
            self.loop.call_soon_threadsafe(_resolve, self.future)
        except RuntimeError:  # its loop is closed: the call is gone
            return False
        return True


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class AdaptiveLimiter:
    """The thread-safe limiter the clients send through; see the module docstring.

    ```python
    limiter = AdaptiveLimiter(max_limit=8)   # e.g. one Ray actor's share of a key's budget
    client = AimhubClient(limiter=limiter)
    ```

    Args:
        max_limit: the most calls in flight it will ever allow.
        initial_limit: the window before the gateway has rejected anything.
        clock: monotonic seconds; injectable for tests.
        jitter: draws a factor in [0, 1); injectable for tests.
    """

    def __init__(
        self,
        *,
        max_limit: int = MAX_LIMIT,
        initial_limit: int = INITIAL_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(max_limit, int) or isinstance(max_limit, bool) or max_limit < 1:
            from aimhub._exceptions import ConfigurationError

            msg = f"max_limit must be an integer >= 1, got {max_limit!r}"
            raise ConfigurationError(msg)
        self.state = LimitState(limit=initial_limit, max_limit=max_limit, jitter=jitter)
        self._clock = clock
        self._lock = threading.Lock()
        # Retried calls first: a fresh call must not take the slot a rejected one waits for.
        self._retries: deque[_Waiter] = deque()
        self._fresh: deque[_Waiter] = deque()

    def __repr__(self) -> str:
        s = self.state
        return (
            f"AdaptiveLimiter(limit={s.window}, max_limit={s.max_limit}, "
            f"in_flight={s.in_flight}, rejections={s.rejections})"
        )

    @property
    def max_limit(self) -> int:
        return self.state.max_limit

    @max_limit.setter
    def max_limit(self, value: int) -> None:
        with self._lock:
            self.state.max_limit = value
            self.state.limit = min(self.state.limit, float(value))

    # --- admission ----------------------------------------------------------------------------

    def acquire(
        self, *, retry_delay: float | None = None, sleep: Callable[[float], object] = time.sleep
    ) -> Ticket:
        """Wait (blocking the thread) until this attempt may go out.

        Args:
            retry_delay: the retry layer's delay when this is a retry, `None` for a first try.
            sleep: how to wait for the gate; the client passes its own so tests see every wait.
        """
        delay = self._until_awake(retry_delay)
        if delay >= 0:
            try:
                sleep(delay)
            finally:
                self._awake()
        waiter = self._admit_or_queue(retry_delay is not None, None)
        if waiter is not None:
            assert waiter.event is not None
            waiter.event.wait()
        return Ticket(retry=retry_delay is not None)

    async def aacquire(
        self,
        *,
        retry_delay: float | None = None,
        sleep: Callable[[float], Awaitable[object]],
    ) -> Ticket:
        """The async twin of `acquire`: waits as a task, on whatever loop is running."""
        import asyncio  # only on the async path: `import aimhub` stays light

        delay = self._until_awake(retry_delay)
        if delay >= 0:
            try:
                await sleep(delay)
            finally:
                self._awake()
        waiter = self._admit_or_queue(retry_delay is not None, asyncio.get_running_loop())
        if waiter is not None:
            assert waiter.future is not None
            try:
                await waiter.future
            except BaseException:
                self._abandon(waiter)
                raise
        return Ticket(retry=retry_delay is not None)

    def _until_awake(self, retry_delay: float | None) -> float:
        # A retry always waits (if only for 0 s, as `Retry-After: 0` asks); a first try only
        # while a hold is on. Either way it counts as a sleeper, for others' jitter.
        with self._lock:
            now = self._clock()
            delay = self.state.wake_time(now, retry_delay=retry_delay) - now
            if delay <= 0 and retry_delay is None:
                return -1.0
            self.state.sleepers += 1
            return max(delay, 0.0)

    def _awake(self) -> None:
        with self._lock:
            self.state.sleepers -= 1

    def _admit_or_queue(
        self, retry: bool, loop: asyncio.AbstractEventLoop | None
    ) -> _Waiter | None:
        with self._lock:
            queued = self._retries or (self._fresh and not retry)
            if self.state.has_room() and not queued:
                self.state.in_flight += 1
                return None
            waiter = _Waiter(loop)
            (self._retries if retry else self._fresh).append(waiter)
            return waiter

    def _abandon(self, waiter: _Waiter) -> None:
        # A cancelled task: give back the slot it was handed, or leave the queue.
        with self._lock:
            if not waiter.granted:
                for queue in (self._retries, self._fresh):
                    if waiter in queue:
                        queue.remove(waiter)
                return
            self.state.on_other()
        self._hand_over()

    # --- feedback -----------------------------------------------------------------------------

    def release(
        self, ticket: Ticket, outcome: httpx.Response | BaseException, wait: float | None = None
    ) -> Verdict:
        """Free the slot and learn from the outcome.

        Args:
            ticket: from `acquire`; releasing twice is ignored.
            outcome: the answer, or the error the attempt ended with.
            wait: for a rejection, the retry layer's delay (the server's `Retry-After` when it
                sent one), which becomes the shared gate.
        """
        if ticket.released:
            return Verdict()
        ticket.released = True
        verdict = Verdict()
        with self._lock:
            now = self._clock()
            if isinstance(outcome, APIError) and is_overload(outcome):
                verdict = Verdict(overload=True)
                verdict.window_too_wide = self.state.on_rejected(now, wait)
            elif isinstance(outcome, httpx.Response):
                self.state.on_headers(now, outcome.headers)
                self.state.on_success()
            else:
                self.state.on_other()
        self._hand_over()
        return verdict

    def _hand_over(self) -> None:
        # Slots are handed to queued calls (in_flight counted for them) so nobody barges in.
        while True:
            with self._lock:
                if not self.state.has_room():
                    return
                queue = self._retries or self._fresh
                if not queue:
                    return
                waiter = queue.popleft()
                waiter.granted = True
                self.state.in_flight += 1
            if not waiter.wake():
                with self._lock:
                    self.state.on_other()


# --- one limiter per gateway key -------------------------------------------------------------

_registry: dict[tuple[str, str], AdaptiveLimiter] = {}
_registry_lock = threading.Lock()
_default_max: list[int] = [MAX_LIMIT]


def _key_of(config: ClientConfig) -> tuple[str, str]:
    # A digest, never the key itself: the registry must not become a place a secret sits in.
    digest = hashlib.sha256(config.api_key.get_secret_value().encode()).hexdigest()
    return (config.base_url, digest)


def shared_limiter(config: ClientConfig) -> AdaptiveLimiter:
    """The process-wide limiter of this gateway and key (made on first use)."""
    key = _key_of(config)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = AdaptiveLimiter(max_limit=_default_max[0])
        return limiter


def configure_limits(*, max_in_flight: int | None = None) -> None:
    """Cap every limiter of this process at `max_in_flight` calls in flight (per gateway key).

    A process's share of a key's budget: e.g. each of 4 Ray actors under a key allowed 32
    calls at once calls `configure_limits(max_in_flight=8)`. `None` restores the default.
    """
    value = MAX_LIMIT if max_in_flight is None else max_in_flight
    AdaptiveLimiter(max_limit=value)  # validates
    with _registry_lock:
        _default_max[0] = value
        for limiter in _registry.values():
            limiter.max_limit = value


def reset_limiters() -> None:
    """Forget every shared limiter (tests; a process that changes gateways for good)."""
    with _registry_lock:
        _registry.clear()
        _default_max[0] = MAX_LIMIT


def _after_fork_in_child() -> None:
    # Calls the parent had in flight at the fork hold slots that no thread of the child will
    # free: a child forked mid-batch (`multiprocessing`'s default on Linux) would wait forever
    # for a full window. What the limiter learned (window, holds) is kept.
    global _registry_lock
    _registry_lock = threading.Lock()
    for limiter in _registry.values():
        limiter._lock = threading.Lock()
        limiter._retries.clear()
        limiter._fresh.clear()
        limiter.state.in_flight = 0
        limiter.state.sleepers = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
