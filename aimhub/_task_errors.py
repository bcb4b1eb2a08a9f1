"""Errors of the task routes (Midjourney, Suno, video; docs/gateway-behaviour.md §14-§16).

```
APIStatusError
├── NotFoundError
│   └── TaskNotFoundError     `task_no_found ` (sic), `task_not_exist`, `task_not_found`
└── TaskSubmitError           a submit refused in an HTTP 200 (MJ `code` not 1/21/22)
    └── BannedPromptError     Midjourney code 24: the prompt has a banned word
APIError
└── TaskFailedError           the task ran and failed; `fail_reason` says why
APITimeoutError
└── TaskTimeoutError          `wait_task` gave up waiting; the task goes on (`task_id`)
```

They live apart from `aimhub/_exceptions.py` only to keep that file short; every one is public
on `aimhub` and bridged to LangChain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from aimhub._exceptions import (
    APIError,
    APIStatusError,
    APITimeoutError,
    NotFoundError,
)

if TYPE_CHECKING:
    from aimhub.types.tasks import Task

__all__ = [
    "BannedPromptError",
    "TaskFailedError",
    "TaskNotFoundError",
    "TaskSubmitError",
    "TaskTimeoutError",
]


class TaskNotFoundError(NotFoundError):
    """The gateway has no task with this id (for this key)."""

    label = "Task not found"
    hint = (
        "Check the id and the task kind (midjourney, suno or video; for video the model); a task "
        "is only visible to the key that submitted it."
    )


class TaskSubmitError(APIStatusError):
    """The gateway refused a task submission (nothing was queued, nothing charged)."""

    label = "Task refused"


class BannedPromptError(TaskSubmitError):
    """Midjourney refused the prompt (code 24): it contains a banned word."""

    label = "Banned prompt"
    hint = "Rephrase the prompt without the banned word (Midjourney's content rules)."


class TaskFailedError(APIError):
    """A task finished as failed.

    Attributes:
        task: the task as last fetched (`task.raw` holds the gateway's payload).
        task_id: its id.
        fail_reason: the gateway's reason, when it gave one.
    """

    label = "Task failed"

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        request_id: str | None = None,
        partial_text: str | None = None,
        task: Task | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=request_id, partial_text=partial_text)
        self.task = task
        self.task_id = task.id if task is not None else None
        self.fail_reason = task.fail_reason if task is not None else None


class TaskTimeoutError(APITimeoutError):
    """`wait_task` stopped waiting; the task itself goes on, and is already paid for.

    Resume with `client.wait_task(error.task)` or look later with `client.fetch_task(error.task_id,
    ...)`; never submit it again.

    Attributes:
        task: the task as last fetched.
        task_id: its id.
    """

    label = "Task still running"

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        request_id: str | None = None,
        partial_text: str | None = None,
        task: Task | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=request_id, partial_text=partial_text)
        self.task = task
        self.task_id = task.id if task is not None else None


def failed(task: Task) -> TaskFailedError:
    """The error of a task that finished as failed."""
    reason = task.fail_reason or "the gateway gave no reason"
    return TaskFailedError(f"Task failed: {task.kind.value} task {task.id}: {reason}", task=task)


def timed_out(task: Task, waited: float) -> TaskTimeoutError:
    """The error of a wait that ran out of time."""
    progress = f", {task.progress:g}%" if task.progress is not None else ""
    message = (
        f"Task still running: {task.kind.value} task {task.id} is {task.status.value}{progress} "
        f"after {waited:.0f} s of waiting; it goes on at the gateway (and is paid for): resume "
        f"with wait_task(error.task) or fetch_task({task.id!r}, kind={task.kind.value!r}) later, "
        "do not submit it again"
    )
    return TaskTimeoutError(message, task=task)


def copy_as(cls: type[APIStatusError], error: APIStatusError, message: str) -> APIStatusError:
    """`error` as another status class, everything else kept."""
    fields: dict[str, Any] = {
        "request": error.request,
        "response": error.response,
        "body": error.body,
        "status_code": error.status_code,
        "code": error.code,
        "error_type": error.error_type,
        "param": error.param,
        "raw_message": error.raw_message,
        "request_id": error.request_id,
        "request_ids": error.request_ids,
    }
    return cls(message, **fields)
