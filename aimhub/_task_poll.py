"""The pure parts of fetching and waiting for tasks: which call fetches a task, and the poll plan.

Sync and async `wait_task` share `PollPlan` (delays, deadline, callbacks, the bar); only their
sending and sleeping differ (aimhub/_task_client.py).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

import aimhub._suno_video as _sv
import aimhub._tasks as _mj
from aimhub._calls import Call
from aimhub._exceptions import APIError, ConfigurationError
from aimhub._retry import is_retryable
from aimhub._task_errors import failed, timed_out
from aimhub.types.tasks import Task, TaskKind, TaskStatus

__all__ = ["GATEWAY_REFRESH", "PollPlan", "fetch_call", "resolve"]

logger = logging.getLogger("aimhub")

#: The gateways refresh a task from its upstream about every 15 s (docs/gateway-behaviour.md
#: §14): polling faster mostly reads the same row again.
GATEWAY_REFRESH = 15.0
#: The default first wait; the delays then grow 1.5x per poll up to the refresh cadence.
DEFAULT_POLL_INTERVAL = 5.0
DEFAULT_WAIT_TIMEOUT = 900.0

# Module-level so that tests fake the clock and the jitter without touching `time`/`random`.
monotonic: Callable[[], float] = time.monotonic
jitter: Callable[[], float] = random.random

ProgressCallback = Callable[[Task], Any]


def _kind(kind: TaskKind | str | None) -> TaskKind | None:
    if kind is None or isinstance(kind, TaskKind):
        return kind
    try:
        return TaskKind(str(kind).lower())
    except ValueError:
        msg = f"kind must be 'midjourney', 'suno' or 'video', got {kind!r}"
        raise ConfigurationError(msg) from None


def resolve(
    task: Task | str, kind: TaskKind | str | None, model: str | None, route: str | None
) -> tuple[str, TaskKind, str | None, str | None]:
    """Id, kind, model and video route of a task or of an id with its kind given."""
    if isinstance(task, Task):
        return task.id, task.kind, model or task.model, route or task.route
    if not isinstance(task, str) or not task.strip():
        msg = f"task must be a Task or a task id string, got {task!r}"
        raise ConfigurationError(msg)
    chosen = _kind(kind)
    if chosen is None:
        msg = (
            f"fetching task {task!r} by id needs kind='midjourney', 'suno' or 'video' (or pass "
            "the Task the submit returned)"
        )
        raise ConfigurationError(msg)
    return task, chosen, model, route


def fetch_call(
    task: Task | str,
    kind: TaskKind | str | None,
    model: str | None,
    route: str | None,
    base_url: str,
) -> Call[Task]:
    """The call that fetches one task."""
    task_id, chosen, model, route = resolve(task, kind, model, route)
    if chosen is TaskKind.MIDJOURNEY:
        return _mj.mj_fetch(task_id)
    if chosen is TaskKind.SUNO:
        return _sv.suno_fetch(task_id)
    return _sv.video_fetch(task_id, model=model, route=route, base_url=base_url)


def batch_calls(
    tasks: Sequence[Task | str],
    kind: TaskKind | str | None,
    model: str | None,
    route: str | None,
    base_url: str,
) -> tuple[list[str], list[Call[list[Task]]]]:
    """The ids, in order, and the calls that fetch them: one batch per Midjourney/Suno, one
    call per video task (the video routes have no batch route)."""
    resolved = [resolve(t, kind, model, route) for t in tasks]
    ids = [r[0] for r in resolved]
    calls: list[Call[list[Task]]] = []
    mj = [r[0] for r in resolved if r[1] is TaskKind.MIDJOURNEY]
    suno = [r[0] for r in resolved if r[1] is TaskKind.SUNO]
    if mj:
        calls.append(_mj.mj_fetch_many(mj))
    if suno:
        calls.append(_sv.suno_fetch_many(suno))
    for task_id, chosen, m, r in resolved:
        if chosen is TaskKind.VIDEO:
            one = _sv.video_fetch(task_id, model=m, route=r, base_url=base_url)
            calls.append(Call(one.route, _as_list(one.parse)))
    return ids, calls


def _as_list(parse: Callable[[httpx.Response], Task]) -> Callable[[httpx.Response], list[Task]]:
    return lambda response: [parse(response)]


def in_order(ids: Sequence[str], found: Sequence[Task]) -> list[Task | None]:
    """The fetched tasks aligned with `ids`; `None` for an id the gateway did not return (the
    batch routes leave unknown ids out)."""
    by_id = {task.id: task for task in found}
    return [by_id.get(task_id) for task_id in ids]


def _check_seconds(name: str, value: float, *, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        msg = f"{name} must be a number of seconds, got {value!r}"
        raise ConfigurationError(msg)
    if value <= 0 if positive else value < 0:
        msg = f"{name} must be > 0 seconds, got {value!r}"
        raise ConfigurationError(msg)
    return float(value)


class PollPlan:
    """When to poll next, when to give up, and who to tell about progress.

    Delays start at `poll_interval`, grow 1.5x per poll up to the gateway's refresh cadence
    (15 s, or `poll_interval` if larger), each with +-15 % jitter so that many waiters spread
    out, and never past the deadline: the last poll happens at it.
    """

    def __init__(
        self,
        *,
        timeout: float | None,
        poll_interval: float | None,
        on_progress: ProgressCallback | None,
        progress_bar: bool,
        raise_on_failure: bool,
    ) -> None:
        self.timeout = _check_seconds(
            "timeout", DEFAULT_WAIT_TIMEOUT if timeout is None else timeout
        )
        self.interval = _check_seconds(
            "poll_interval", DEFAULT_POLL_INTERVAL if poll_interval is None else poll_interval
        )
        if on_progress is not None and not callable(on_progress):
            msg = f"on_progress must be a callable taking the Task, got {on_progress!r}"
            raise ConfigurationError(msg)
        self.on_progress = on_progress
        self.raise_on_failure = raise_on_failure
        self.started = monotonic()
        self.polls = 0
        self._last: tuple[Any, ...] | None = None
        self._bar = _open_bar() if progress_bar else None

    def next_delay(self) -> float | None:
        """Seconds until the next poll, or None when the deadline has passed."""
        left = self.started + self.timeout - monotonic()
        if left <= 0:
            return None
        ceiling = max(GATEWAY_REFRESH, self.interval)
        base = min(self.interval * 1.5**self.polls, ceiling)
        self.polls += 1
        return min(base * (0.85 + 0.3 * jitter()), left)

    def seen(self, task: Task) -> Any:
        """Report a fetched task when its status or progress changed; the callback's result
        (the async client awaits it when it is awaitable)."""
        state = (task.status, task.progress, task.raw_status)
        if state == self._last:
            return None
        self._last = state
        if self._bar is not None:
            self._bar.set_description(f"{task.kind.value} {task.id} {task.status.value}")
            target = 100.0 if task.status is TaskStatus.SUCCEEDED else (task.progress or 0.0)
            self._bar.update(max(target - self._bar.n, 0.0))
        if self.on_progress is not None:
            return self.on_progress(task)
        return None

    def seen_sync(self, task: Task) -> None:
        """`seen` for the sync client, which cannot run a coroutine callback."""
        result = self.seen(task)
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()  # no "never awaited" warning on top of the error
            msg = "on_progress returned an awaitable: use AsyncAimhubClient for an async callback"
            raise ConfigurationError(msg)

    def finish(self, task: Task) -> Task:
        """The finished task, or its failure as `TaskFailedError`."""
        if task.status is TaskStatus.FAILED and self.raise_on_failure:
            raise failed(task)
        return task

    def give_up(self, task: Task) -> Exception:
        """The timeout error, carrying the task (it goes on at the gateway)."""
        return timed_out(task, monotonic() - self.started)

    def tolerates(self, error: APIError, task: Task) -> bool:
        """Whether a failed fetch (its retries spent) is waited out: the task is paid for and
        a network blip should not lose it; errors that cannot heal are raised."""
        if not is_retryable(error):
            return False
        logger.warning("aimhub: fetching %s task %s failed (%s); polling on", task.kind.value,
                       task.id, type(error).__name__)  # fmt: skip
        return True

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _open_bar() -> Any:
    try:
        # Imported by name: tqdm is optional (the `progress` extra) and ships no type information.
        tqdm = importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        logger.warning("aimhub: progress_bar needs tqdm (pip install 'aimhub-llm[progress]')")
        return None
    return tqdm(total=100, unit="%", bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}")
