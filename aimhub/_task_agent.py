"""What the framework task tools share: bounded waiting, the text an agent reads, buttons by name.

An agent cannot block for ten minutes: a tool waits at most `timeout` seconds, then answers that
the task is still running and how to come back to it (the check-task tool), and never submits it
again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aimhub._exceptions import ConfigurationError
from aimhub._task_errors import TaskTimeoutError
from aimhub.types.tasks import Task, TaskKind

if TYPE_CHECKING:
    from aimhub._client import AimhubClient, AsyncAimhubClient

__all__ = ["asettle_task", "describe_task", "pick_button", "settle_task"]

#: Default bound of a tool's wait: long enough for most Midjourney jobs, short for an agent turn.
TOOL_WAIT_TIMEOUT = 300.0


def describe_task(task: Task) -> str:
    """The task for an agent: its status and results, and how to follow it up."""
    line = task.describe()
    if task.done:
        return line
    how = f"task_id={task.id!r}, kind={task.kind.value!r}"
    if task.kind is TaskKind.VIDEO and task.model:
        how += f", model={task.model!r}"
    return (
        f"{line}. It runs on at the gateway (already paid for): check it later with the "
        f"check-task tool ({how}); do not submit it again."
    )


def pick_button(task: Task, button: str) -> str:
    """A button's `custom_id` from its label (`U2`, `V1`, `🔄`) or its custom id itself."""
    if button.startswith("MJ::"):
        return button
    wanted = button.strip().lower()
    for candidate in task.buttons:
        if wanted in (candidate.label.strip().lower(), candidate.emoji.strip().lower()):
            return candidate.custom_id
    labels = ", ".join(b.label or b.emoji or b.custom_id for b in task.buttons) or "none"
    msg = f"task {task.id} has no button {button!r}; its buttons are: {labels}"
    raise ConfigurationError(msg)


def _check_wait(timeout: float) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        msg = f"wait_timeout must be a number of seconds > 0, got {timeout!r}"
        raise ConfigurationError(msg)


def settle_task(
    client: AimhubClient, task: Task, *, wait: bool, timeout: float, poll_interval: float | None
) -> Task:
    """The task after waiting at most `timeout` seconds (as submitted when `wait` is False)."""
    if not wait or task.done:
        return task
    _check_wait(timeout)
    try:
        return client.wait_task(task, timeout=timeout, poll_interval=poll_interval,
                                raise_on_failure=False)  # fmt: skip
    except TaskTimeoutError as exc:
        return exc.task or task


async def asettle_task(
    client: AsyncAimhubClient, task: Task, *, wait: bool, timeout: float,
    poll_interval: float | None,
) -> Task:  # fmt: skip
    """Async `settle_task`."""
    if not wait or task.done:
        return task
    _check_wait(timeout)
    try:
        return await client.wait_task(task, timeout=timeout, poll_interval=poll_interval,
                                      raise_on_failure=False)  # fmt: skip
    except TaskTimeoutError as exc:
        return exc.task or task
