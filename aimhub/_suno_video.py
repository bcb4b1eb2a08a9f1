"""Suno and video task routes: builders and parsers (docs/gateway-behaviour.md §15-§16).

Both families answer in new-api's `{"code":"success","data":…}` envelope, except video's
OpenAI format (`/v1/videos`), which answers the video object itself. Which video route a model
takes is catalogue data (`MediaRules.video_route`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from aimhub._calls import Call
from aimhub._catalog import capabilities_for
from aimhub._error_parse import is_error_body, make_status_error
from aimhub._exceptions import ConfigurationError
from aimhub._routes import (
    SUNO_FETCH,
    SUNO_FETCH_MANY,
    SUNO_LYRICS,
    SUNO_MUSIC,
    VIDEO_GENERATIONS,
    VIDEO_GENERATIONS_FETCH,
    VIDEOS,
    VIDEOS_FETCH,
    Route,
    TaskAnswer,
)
from aimhub._tasks import (
    _check_text,
    _dedupe,
    _json,
    _refused,
    _segment,
    _text,
    _unexpected,
    _walk_urls,
    normalise_status,
    parse_progress,
)
from aimhub.types.tasks import Task, TaskKind, TaskStatus

__all__ = ["VIDEO_ROUTES", "video_route_for"]


# --- the envelope ----------------------------------------------------------------------------
def _data(response: httpx.Response, what: str) -> Any:
    """`data` of a `{"code":"success","data":…}` answer; any other code is a refusal."""
    body = _json(response)
    if not isinstance(body, Mapping):
        raise _unexpected(response, "no JSON object")
    code = body.get("code")
    if code != "success":
        raise _refused(response, body, code, what, "refused")
    return body.get("data")


# --- Suno (§15) ------------------------------------------------------------------------------
def _suno_submitted(action: str) -> Any:
    def parse(response: httpx.Response) -> Task:
        data = _data(response, f"Suno {action.lower()}")
        if not isinstance(data, str | int) or data in ("", None):
            raise _unexpected(response, "an accepted submit without a task id (data)")
        return Task(id=str(data), kind=TaskKind.SUNO, action=action, raw={"data": data})

    return parse


def suno_music(fields: Mapping[str, Any]) -> Call[Task]:
    """`POST /suno/submit/music`: a song from a prompt (custom lyrics) or a description."""
    if not any(fields.get(k) for k in ("prompt", "gpt_description_prompt", "continue_clip_id")):
        msg = (
            "suno_music needs prompt= (lyrics, custom mode), gpt_description_prompt= (a "
            "description) or continue_clip_id= (to extend a clip)"
        )
        raise ConfigurationError(msg)
    body = {k: v for k, v in fields.items() if v is not None}
    return Call(SUNO_MUSIC, _suno_submitted("MUSIC"), fields=body)


def suno_lyrics(prompt: str, extra: Mapping[str, Any]) -> Call[Task]:
    """`POST /suno/submit/lyrics`."""
    _check_text("prompt", prompt)
    return Call(SUNO_LYRICS, _suno_submitted("LYRICS"), fields={"prompt": prompt, **extra})


def suno_task(data: Mapping[str, Any]) -> Task:
    """A Suno task object (`/suno/fetch/{id}`, `/suno/fetch`) as a `Task`."""
    clips = data.get("data")
    audio: list[str] = []
    video: list[str] = []
    image: list[str] = []
    text = None
    if isinstance(clips, list):
        for clip in clips:
            if isinstance(clip, Mapping):
                audio += [clip["audio_url"]] if clip.get("audio_url") else []
                video += [clip["video_url"]] if clip.get("video_url") else []
                image += [clip["image_url"]] if clip.get("image_url") else []
    elif isinstance(clips, Mapping):  # lyrics: {"text", "title", ...}
        text = _text(clips, "text")
    raw_status = data.get("status")
    action = data.get("action")
    return Task(
        id=str(data.get("task_id") or data.get("id") or ""),
        kind=TaskKind.SUNO,
        status=normalise_status(TaskKind.SUNO, raw_status),
        raw_status=str(raw_status) if raw_status is not None else None,
        progress=parse_progress(data.get("progress")),
        action=str(action) if action else None,
        audio_urls=_dedupe(audio),
        video_urls=_dedupe(video),
        image_urls=_dedupe(image),
        fail_reason=_text(data, "fail_reason"),
        text=text,
        raw=dict(data),
    )


def _suno_fetched(response: httpx.Response) -> Task:
    data = _data(response, "Suno fetch")
    if not isinstance(data, Mapping):
        raise _unexpected(response, "no task object in data")
    return suno_task(data)


def _suno_listed(response: httpx.Response) -> list[Task]:
    data = _data(response, "Suno fetch")
    if not isinstance(data, list):
        raise _unexpected(response, "no list of tasks in data")
    return [suno_task(item) for item in data if isinstance(item, Mapping)]


def suno_fetch(task_id: str) -> Call[Task]:
    """`GET /suno/fetch/{id}`."""
    _check_text("task_id", task_id)
    return Call(SUNO_FETCH.at(id=_segment(task_id)), _suno_fetched)


def suno_fetch_many(ids: Sequence[str]) -> Call[list[Task]]:
    """`POST /suno/fetch {"ids": [...]}`."""
    return Call(SUNO_FETCH_MANY, _suno_listed, fields={"ids": list(ids)})


# --- video (§16) -----------------------------------------------------------------------------
#: The two route families: new-api's task wrapper and the OpenAI video format.
VIDEO_ROUTES = ("generations", "openai")


def video_route_for(model: str, route: str | None = None) -> str:
    """The route family of `model`: `route` when given, else the catalogue's."""
    chosen = route or capabilities_for(model).media.video_route or "generations"
    if chosen not in VIDEO_ROUTES:
        msg = f"route must be one of {', '.join(map(repr, VIDEO_ROUTES))}, got {chosen!r}"
        raise ConfigurationError(msg)
    return chosen


#: Each video route family's submit and fetch entries of the route table.
_VIDEO_ROUTES: Mapping[str, tuple[Route[TaskAnswer], Route[TaskAnswer]]] = {
    "generations": (VIDEO_GENERATIONS, VIDEO_GENERATIONS_FETCH),
    "openai": (VIDEOS, VIDEOS_FETCH),
}


def video_task(data: Mapping[str, Any], *, model: str | None, route: str, base_url: str) -> Task:
    """A video object or task-wrapper `data` as a `Task`."""
    raw_status = data.get("status")
    status = normalise_status(TaskKind.VIDEO, raw_status)
    task_id = str(data.get("id") or data.get("task_id") or "")
    urls = [u for key, u in _walk_urls(data) if "video" in key or key == "url"]
    error = data.get("error")
    reason = _text(data, "fail_reason", "failReason") or (
        _text(error, "message") if isinstance(error, Mapping) else None
    )
    if route == "openai" and status is TaskStatus.SUCCEEDED and not urls and task_id:
        # The OpenAI object has no URL: the file is `GET /v1/videos/{id}/content` (with the key).
        urls = [f"{base_url}/videos/{task_id}/content"]
    return Task(
        id=task_id,
        kind=TaskKind.VIDEO,
        status=status,
        raw_status=str(raw_status) if raw_status is not None else None,
        progress=parse_progress(data.get("progress")),
        video_urls=_dedupe(urls),
        fail_reason=reason,
        model=str(data.get("model") or model or "") or None,
        route=route,
        raw=dict(data),
    )


def _video_parser(model: str | None, route: str, base_url: str) -> Any:
    def parse(response: httpx.Response) -> Task:
        body = _json(response)
        if isinstance(body, Mapping) and "code" in body and "data" in body:
            body = _data(response, "video")  # the task wrapper's envelope
        if isinstance(body, str | int) and body not in ("",):
            body = {"id": str(body)}
        if not isinstance(body, Mapping) or not (body.get("id") or body.get("task_id")):
            if is_error_body(body):  # a refused request, not a failed task: it has no id
                raise make_status_error(200, body, request=response.request, response=response)
            raise _unexpected(response, "no video task (id)")
        return video_task(body, model=model, route=route, base_url=base_url)

    return parse


def video_submit(
    model: str, prompt: str, *, route: str | None, base_url: str, fields: Mapping[str, Any]
) -> Call[Task]:
    """`POST /v1/video/generations` or `POST /v1/videos`, as the catalogue says for `model`."""
    _check_text("model", model)
    _check_text("prompt", prompt)
    family = video_route_for(model, route)
    duration = fields.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)
                                 or duration <= 0):  # fmt: skip
        msg = f"duration must be a number of seconds > 0, got {duration!r}"
        raise ConfigurationError(msg)
    body: dict[str, Any] = {"model": model, "prompt": prompt}
    extra = dict(fields)
    if family == "openai":
        # The OpenAI format names them `seconds` (a string) and `input_reference`.
        if extra.get("duration") is not None:
            body["seconds"] = str(int(extra.pop("duration")))
        if extra.get("image") is not None:
            body["input_reference"] = extra.pop("image")
    body.update({k: v for k, v in extra.items() if v is not None})
    return Call(_VIDEO_ROUTES[family][0], _video_parser(model, family, base_url), fields=body)


def video_fetch(task_id: str, *, model: str | None, route: str | None, base_url: str) -> Call[Task]:
    """`GET /v1/video/generations/{id}` or `GET /v1/videos/{id}`."""
    _check_text("task_id", task_id)
    if model is None and route is None:
        msg = (
            "fetching a video task by id needs model= (or route='generations'/'openai'): the "
            "two video route families answer for their own tasks only"
        )
        raise ConfigurationError(msg)
    family = video_route_for(model or "", route)
    route_ = _VIDEO_ROUTES[family][1].at(id=_segment(task_id))
    return Call(route_, _video_parser(model, family, base_url))
