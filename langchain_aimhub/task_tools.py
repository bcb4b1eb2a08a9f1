"""Midjourney, Suno and video as LangChain tools, plus a tool to check on a running task.

Each tool either waits until the task is done (bounded by `wait_timeout`, so an agent turn never
hangs) or, with `wait=False` (per tool or per call), returns at once with the task id. A task
still running when the wait ends is reported with its id: the agent comes back to it with
`AimhubCheckTaskTool`; nothing is submitted twice. The `Task` is the artifact
(`ToolMessage.artifact`): its URLs, buttons and raw payload stay out of the prompt.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from aimhub import ConfigurationError
from aimhub.adapter import (
    TOOL_WAIT_TIMEOUT,
    asettle_task,
    describe_task,
    pick_button,
    settle_task,
)
from aimhub.types import Task, TaskKind
from langchain_aimhub.tools import _AimhubTool, _tool_errors

__all__ = ["AimhubCheckTaskTool", "AimhubMidjourneyTool", "AimhubMusicTool", "AimhubVideoTool"]

_WAIT_HELP = (
    "Wait for the result (true) or return at once with a task id to check later (false); "
    "default: the tool's setting."
)


class _TaskTool(_AimhubTool):
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    wait: bool = True
    """Wait for the result by default (the agent may ask otherwise per call)."""
    wait_timeout: float = TOOL_WAIT_TIMEOUT
    """The longest a call waits (seconds); then it answers with the task id to check later."""
    poll_interval: float | None = None
    """The first poll's wait (default 5 s, growing to the gateway's 15 s refresh)."""

    def _settle(self, task: Task, wait: bool | None) -> tuple[str, Task]:
        chosen = self.wait if wait is None else wait
        with _tool_errors():
            task = settle_task(self._client, task, wait=chosen, timeout=self.wait_timeout,
                               poll_interval=self.poll_interval)  # fmt: skip
        return describe_task(task), task

    async def _asettle(self, task: Task, wait: bool | None) -> tuple[str, Task]:
        chosen = self.wait if wait is None else wait
        with _tool_errors():
            task = await asettle_task(self._async_client, task, wait=chosen,
                                      timeout=self.wait_timeout,
                                      poll_interval=self.poll_interval)  # fmt: skip
        return describe_task(task), task


class MidjourneyInput(BaseModel):
    """Arguments of `AimhubMidjourneyTool`."""

    prompt: str | None = Field(
        default=None, description="What to draw (Midjourney prompt, e.g. 'a cat --ar 2:3')."
    )
    task_id: str | None = Field(
        default=None, description="To press a button of a finished task: that task's id."
    )
    button: str | None = Field(
        default=None, description="The button to press on task_id, e.g. 'U2' (upscale 2), 'V1'."
    )
    wait: bool | None = Field(default=None, description=_WAIT_HELP)


class AimhubMidjourneyTool(_TaskTool):
    """Draws with Midjourney (imagine), and upscales or varies a result (its buttons: U1-U4,
    V1-V4, ...)."""

    name: str = "aimhub_midjourney"
    description: str = (
        "Draw images with Midjourney. Input: prompt to draw; or task_id plus button (e.g. 'U2') "
        "to upscale/vary a finished grid. Returns the image URLs and the buttons to press next."
    )
    args_schema: type[BaseModel] = MidjourneyInput

    mode: str | None = None
    """`fast`, `relax` or `turbo` (the gateway's speed routes); unset: the account default."""

    def _run(
        self, prompt: str | None = None, task_id: str | None = None, button: str | None = None,
        wait: bool | None = None, **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            self._check_args(prompt, task_id, button)
            if prompt is not None:
                task = self._client.midjourney_imagine(prompt, mode=self.mode)
            else:
                grid = self._client.fetch_task(str(task_id), kind=TaskKind.MIDJOURNEY)
                custom_id = pick_button(grid, str(button))
                task = self._client.midjourney_action(grid, custom_id, mode=self.mode)
        return self._settle(task, wait)

    async def _arun(
        self, prompt: str | None = None, task_id: str | None = None, button: str | None = None,
        wait: bool | None = None, **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        client = self._async_client
        with _tool_errors():
            self._check_args(prompt, task_id, button)
            if prompt is not None:
                task = await client.midjourney_imagine(prompt, mode=self.mode)
            else:
                grid = await client.fetch_task(str(task_id), kind=TaskKind.MIDJOURNEY)
                custom_id = pick_button(grid, str(button))
                task = await client.midjourney_action(grid, custom_id, mode=self.mode)
        return await self._asettle(task, wait)

    def _check_args(self, prompt: str | None, task_id: str | None, button: str | None) -> None:
        if (prompt is None) == (task_id is None or button is None):
            msg = "give either prompt (to draw) or task_id and button (to press a button)"
            raise ConfigurationError(msg)


class MusicInput(BaseModel):
    """Arguments of `AimhubMusicTool`."""

    description: str | None = Field(
        default=None, description="What the song is about and its style; Suno writes lyrics."
    )
    lyrics: str | None = Field(default=None, description="Your own lyrics (custom mode).")
    title: str | None = Field(default=None, description="Song title (with lyrics).")
    tags: str | None = Field(default=None, description="Styles such as 'lofi, female vocals'.")
    instrumental: bool | None = Field(default=None, description="No vocals.")
    wait: bool | None = Field(default=None, description=_WAIT_HELP)


class AimhubMusicTool(_TaskTool):
    """Makes songs with Suno: from a description, or from lyrics with title and tags."""

    name: str = "aimhub_make_music"
    description: str = (
        "Make a song with Suno. Input: description (Suno writes the lyrics) or lyrics with title "
        "and tags. Returns the audio URLs (two versions)."
    )
    args_schema: type[BaseModel] = MusicInput

    mv: str | None = None
    """Suno model version such as `chirp-v3-5`; unset: the gateway's default."""

    def _fields(self, description: str | None, lyrics: str | None, title: str | None,
                tags: str | None, instrumental: bool | None) -> dict[str, Any]:  # fmt: skip
        return {"prompt": lyrics, "gpt_description_prompt": description, "title": title,
                "tags": tags, "make_instrumental": instrumental, "mv": self.mv}  # fmt: skip

    def _run(
        self, description: str | None = None, lyrics: str | None = None, title: str | None = None,
        tags: str | None = None, instrumental: bool | None = None, wait: bool | None = None,
        **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            fields = self._fields(description, lyrics, title, tags, instrumental)
            task = self._client.suno_music(**fields)
        return self._settle(task, wait)

    async def _arun(
        self, description: str | None = None, lyrics: str | None = None, title: str | None = None,
        tags: str | None = None, instrumental: bool | None = None, wait: bool | None = None,
        **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            fields = self._fields(description, lyrics, title, tags, instrumental)
            task = await self._async_client.suno_music(**fields)
        return await self._asettle(task, wait)


class VideoInput(BaseModel):
    """Arguments of `AimhubVideoTool`."""

    prompt: str = Field(description="What happens in the video.")
    image: str | None = Field(default=None, description="URL of a first frame (image to video).")
    duration: int | None = Field(default=None, description="Length in seconds, e.g. 5.")
    wait: bool | None = Field(default=None, description=_WAIT_HELP)


class AimhubVideoTool(_TaskTool):
    """Makes videos (Kling, Luma, Runway, CogVideoX, Sora...) on the model's route family."""

    name: str = "aimhub_make_video"
    description: str = (
        "Make a short video from a text prompt (optionally from a first-frame image URL). "
        "Returns the video URL, or a task id to check later."
    )
    args_schema: type[BaseModel] = VideoInput

    model_name: str = Field(default="kling-v1", alias="model")
    """Video model id as the gateway lists it."""
    size: str | None = None
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request fields (vendor parameters go in `metadata`)."""

    def _run(
        self, prompt: str, image: str | None = None, duration: int | None = None,
        wait: bool | None = None, **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            task = self._client.generate_video(self.model_name, prompt, image=image,
                                               duration=duration, size=self.size,
                                               **self.model_kwargs)  # fmt: skip
        return self._settle(task, wait)

    async def _arun(
        self, prompt: str, image: str | None = None, duration: int | None = None,
        wait: bool | None = None, **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            task = await self._async_client.generate_video(
                self.model_name, prompt, image=image, duration=duration, size=self.size,
                **self.model_kwargs,
            )  # fmt: skip
        return await self._asettle(task, wait)


class CheckTaskInput(BaseModel):
    """Arguments of `AimhubCheckTaskTool`."""

    task_id: str = Field(description="The id a Midjourney, music or video tool returned.")
    kind: Literal["midjourney", "suno", "video"] = Field(description="Which tool made it.")
    model: str | None = Field(default=None, description="For video: the model it named.")
    wait: bool | None = Field(default=None, description=_WAIT_HELP)


class AimhubCheckTaskTool(_TaskTool):
    """Reports a task's status, progress and results; waits (bounded) when asked."""

    name: str = "aimhub_check_task"
    description: str = (
        "Check a Midjourney, music or video task started earlier: status, progress, and its "
        "results when done. Input: task_id and kind (midjourney, suno or video)."
    )
    args_schema: type[BaseModel] = CheckTaskInput
    wait: bool = False

    def _run(
        self, task_id: str, kind: str, model: str | None = None, wait: bool | None = None,
        **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            task = self._client.fetch_task(task_id, kind=kind, model=model)
        return self._settle(task, wait)

    async def _arun(
        self, task_id: str, kind: str, model: str | None = None, wait: bool | None = None,
        **_: Any,
    ) -> tuple[str, Task]:  # fmt: skip
        with _tool_errors():
            task = await self._async_client.fetch_task(task_id, kind=kind, model=model)
        return await self._asettle(task, wait)


def task_tools(
    connection: dict[str, Any], *, midjourney_mode: str | None, music_model: str | None,
    video_model: str, wait_timeout: float,
) -> list[BaseTool]:  # fmt: skip
    """The four task tools on one connection (`AimhubToolkit(tasks=True)`)."""
    shared = {**connection, "wait_timeout": wait_timeout}
    return [
        AimhubMidjourneyTool(**shared, mode=midjourney_mode),
        AimhubMusicTool(**shared, mv=music_model),
        AimhubVideoTool(**shared, model=video_model),
        AimhubCheckTaskTool(**shared),
    ]
