"""One model for the long-running tasks of Midjourney, Suno and video (gateway-behaviour §14-§16).

Three status vocabularies and two progress types arrive on the wire; `Task` carries one of each,
and the wire payload as `raw` so that nothing the gateway sent is lost.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import Field

from aimhub.types._base import WireModel


class TaskKind(str, Enum):
    """Which family of routes a task lives on."""

    MIDJOURNEY = "midjourney"
    SUNO = "suno"
    VIDEO = "video"


class TaskStatus(str, Enum):
    """The normalised status of every task family."""

    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TaskButton(WireModel):
    """A Midjourney follow-up action: send `custom_id` to `midjourney_action`."""

    custom_id: str = Field(alias="customId")
    label: str = ""
    emoji: str = ""
    type: Any = None
    style: Any = None


class Task(WireModel):
    """A submitted task and what the gateway last said about it.

    Attributes:
        id: the task id (always a string: Midjourney documents it as a number).
        kind: midjourney, suno or video.
        status: queued, in_progress, succeeded or failed.
        raw_status: the gateway's own word for it (`SUBMITTED`, `MODAL`, `completed`...).
        progress: 0-100 (from `"37%"` or `37`), `None` when not reported.
        action: what the task does (`IMAGINE`, `UPSCALE`, `MUSIC`, `LYRICS`...), when known.
        image_urls / audio_urls / video_urls: the results (final only once succeeded).
        fail_reason: why it failed, when it did.
        buttons: Midjourney's follow-up actions.
        model: the video model (it picks the route family to fetch from).
        route: the video route family, `generations` or `openai`.
        raw: the payload as sent.
    """

    id: str
    kind: TaskKind
    status: TaskStatus = TaskStatus.QUEUED
    raw_status: str | None = None
    progress: float | None = None
    action: str | None = None
    image_urls: list[str] = Field(default_factory=list)
    audio_urls: list[str] = Field(default_factory=list)
    video_urls: list[str] = Field(default_factory=list)
    fail_reason: str | None = None
    #: Text results: Suno lyrics, Midjourney describe's prompts.
    text: str | None = None
    buttons: list[TaskButton] = Field(default_factory=list)
    model: str | None = None
    route: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def done(self) -> bool:
        """Whether the task has finished, either way."""
        return self.status in (TaskStatus.SUCCEEDED, TaskStatus.FAILED)

    @property
    def needs_modal(self) -> bool:
        """Midjourney waits for `midjourney_modal(task.id, prompt=...)` to go on."""
        return (self.raw_status or "").upper() == "MODAL"

    @property
    def urls(self) -> list[str]:
        """Every result URL: images, then audio, then video."""
        return [*self.image_urls, *self.audio_urls, *self.video_urls]

    def describe(self) -> str:
        """One line for a person or an agent: id, status, progress, results or reason."""
        text = f"{self.kind.value} task {self.id}: {self.status.value}"
        if self.progress is not None and not self.done:
            text += f" ({self.progress:g}%)"
        if self.status is TaskStatus.FAILED:
            text += f" — {self.fail_reason or 'no reason given'}"
        elif self.urls:
            text += " — " + ", ".join(self.urls)
        if self.text and self.done:
            text += f" — text: {self.text[:500]}"
        if self.buttons:
            text += "; actions: " + ", ".join(b.label or b.custom_id for b in self.buttons)
        return text
