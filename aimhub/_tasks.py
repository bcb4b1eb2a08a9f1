"""Task routes (Midjourney, Suno, video): pure request builders, answer parsers, one status table.

Every family follows "submit -> id, fetch -> status/progress/urls/error" with its own words
(docs/gateway-behaviour.md §14-§16); this module turns all of them into one `Task`. Submits are
marked not idempotent (each is charged), so the send loop never repeats one the gateway may have
taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from aimhub._calls import Call
from aimhub._error_parse import ErrorInfo, classify, request_id_of
from aimhub._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    RateLimitError,
)
from aimhub._redact import redact, request_secrets
from aimhub._routes import (
    MJ_ACTION,
    MJ_BLEND,
    MJ_DESCRIBE,
    MJ_FETCH,
    MJ_FETCH_MANY,
    MJ_IMAGINE,
    MJ_MODAL,
    Route,
    TaskAnswer,
)
from aimhub._task_errors import BannedPromptError, TaskNotFoundError, TaskSubmitError, copy_as
from aimhub.types.tasks import Task, TaskButton, TaskKind, TaskStatus

__all__ = ["STATUS_TABLE", "TaskRef", "parse_progress", "task_error"]

#: A task, or its id with the kind (and, for video, the model) given separately.
TaskRef = Task | str


# --- one status table for the three families (docs/gateway-behaviour.md §14-§16) -----------------
_Q, _P, _S, _F = TaskStatus.QUEUED, TaskStatus.IN_PROGRESS, TaskStatus.SUCCEEDED, TaskStatus.FAILED
#: The gateway's status word (upper-cased) per kind -> the normalised status. A word not listed
#: counts as in progress: the task is paid for, so polling goes on (bounded by the timeout)
#: and `raw_status` keeps the word.
STATUS_TABLE: Mapping[TaskKind, Mapping[str, TaskStatus]] = {
    # midjourney-proxy's TaskStatus; `MODAL` (some forks) waits for `/submit/modal`, which the
    # task never does by itself: the wait ends there (`Task.needs_modal`).
    TaskKind.MIDJOURNEY: {
        "": _Q, "NOT_START": _Q, "SUBMITTED": _Q, "IN_PROGRESS": _P,
        "FAILURE": _F, "SUCCESS": _S, "MODAL": _S,
    },
    # new-api's task statuses (model/task.go).
    TaskKind.SUNO: {
        "": _Q, "NOT_START": _Q, "SUBMITTED": _Q, "QUEUED": _Q, "IN_PROGRESS": _P,
        "UNKNOWN": _P, "FAILURE": _F, "SUCCESS": _S,
    },
    # The OpenAI video object's words, and new-api's task words on the generations route.
    TaskKind.VIDEO: {
        "": _Q, "QUEUED": _Q, "NOT_START": _Q, "SUBMITTED": _Q, "IN_PROGRESS": _P,
        "PROCESSING": _P, "UNKNOWN": _P, "COMPLETED": _S, "SUCCESS": _S, "SUCCEEDED": _S,
        "FAILED": _F, "FAILURE": _F,
    },
}  # fmt: skip


def normalise_status(kind: TaskKind, raw: object) -> TaskStatus:
    """The normalised status of a gateway status word."""
    word = str(raw or "").strip().upper()
    return STATUS_TABLE[kind].get(word, TaskStatus.IN_PROGRESS)


def parse_progress(value: object) -> float | None:
    """`"37%"`, `37`, `"37"` or `0.37`-free integers -> 37.0; nothing usable -> None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return min(max(number, 0.0), 100.0) if number == number else None


# --- errors ---------------------------------------------------------------------------------
_NOT_FOUND_WORDS = frozenset({"task_no_found", "task_not_exist", "task_not_found"})


def task_error(error: APIStatusError) -> APIStatusError:
    """A gateway error of a task route as the task error it means (else unchanged)."""
    words = {str(error.code or "").strip().lower(), error.raw_message.strip().lower()}
    if words & _NOT_FOUND_WORDS and not isinstance(error, TaskNotFoundError):
        cls = TaskNotFoundError
        message = (
            f"{cls.label} (HTTP {error.status_code}, code {error.code!r}): "
            f"{error.raw_message.strip() or error.code} — {cls.hint}"
        )
        if error.request_id:
            message += f" (request id: {error.request_id})"
        return copy_as(cls, error, message)
    return error


#: Midjourney's return codes (midjourney-proxy `ReturnCode`); 1, 21 and 22 mean accepted.
_MJ_ACCEPTED = frozenset({1, 21, 22})
_MJ_REFUSED: Mapping[int, tuple[type[APIStatusError], str]] = {
    24: (BannedPromptError, "the prompt contains a banned word"),
    23: (RateLimitError, "the Midjourney queue is full; submit again later"),
    4: (BadRequestError, "the request was refused as invalid"),
    3: (InternalServerError, "the gateway has no Midjourney account for this request"),
    9: (InternalServerError, "Midjourney system error"),
}


def _refused(
    response: httpx.Response, body: object, code: object, what: str, default: str
) -> APIStatusError:
    number = _int(code)
    detail = _text(body, "description", "message")
    if number is not None:
        cls, meaning = _MJ_REFUSED.get(number, (TaskSubmitError, default))
    else:
        # A word code (`quota_not_enough`, `task_not_exist`...): the gateway-wide meanings.
        info = ErrorInfo(detail or default, code=code if isinstance(code, str) else None)
        found = classify(response.status_code, info)
        cls, meaning = (TaskSubmitError if found is APIStatusError else found), default
    # A gateway may echo the request, key included, into its message.
    detail = redact(detail or meaning, request_secrets(response.request))
    message = f"{cls.label} (HTTP {response.status_code}, code {code!r}): {what}: {detail}"
    if cls.hint:
        message += f" — {cls.hint}"
    return cls(
        message,
        request=response.request,
        response=response,
        body=body,
        status_code=response.status_code,
        code=code if isinstance(code, int | str) else None,
        raw_message=detail,
        request_id=request_id_of(response),
    )


# --- reading answers -------------------------------------------------------------------------
def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        msg = (
            f"Unexpected response: {response.request.method} {response.request.url.path} "
            "answered something that is not JSON (docs/gateway-behaviour.md §14-§16)"
        )
        raise APIResponseValidationError(
            msg, request=response.request, request_id=request_id_of(response)
        ) from None


def _unexpected(response: httpx.Response, what: str) -> APIResponseValidationError:
    msg = f"Unexpected response: {response.request.url.path} sent {what}"
    return APIResponseValidationError(
        msg, request=response.request, request_id=request_id_of(response)
    )


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _text(obj: object, *keys: str) -> str | None:
    if not isinstance(obj, Mapping):
        return None
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, Mapping):
            inner = _text(value, "message", "msg")
            if inner:
                return inner
    return None


def _urls(value: object) -> list[str]:
    if isinstance(value, str) and value.startswith(("http://", "https://", "/")):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [
            u
            for item in value
            for u in _urls(item.get("url") if isinstance(item, Mapping) else item)
        ]
    return []


def _walk_urls(obj: object, depth: int = 0) -> Iterator[tuple[str, str]]:
    # The generations route passes the upstream's own task object through (Kling, Luma,
    # Runway, CogVideoX differ): collect every `url`/`*_url` value, in order.
    if depth > 6:
        return
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if isinstance(value, str) and (key == "url" or key.endswith("_url")):
                if value.startswith(("http://", "https://")):
                    yield key, value
            else:
                yield from _walk_urls(value, depth + 1)
    elif isinstance(obj, list):
        for item in obj:
            yield from _walk_urls(item, depth + 1)


def _dedupe(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


# --- Midjourney (docs/gateway-behaviour.md §14) ----------------------------------------------
MJ_MODES = ("fast", "relax", "turbo")


def mj_prefix(mode: str | None) -> str:
    """`/mj`, or the speed-mode route `/mj-fast/mj` (new-api's `/{mode}/mj`)."""
    if mode is None:
        return "/mj"
    if mode not in MJ_MODES:
        msg = f"mode must be one of {', '.join(map(repr, MJ_MODES))} or None, got {mode!r}"
        raise ConfigurationError(msg)
    return f"/mj-{mode}/mj"


def _in_mode(route: Route[TaskAnswer], mode: str | None) -> Route[TaskAnswer]:
    """A `/mj/...` route of the table under the speed mode's prefix."""
    return route.at(mj_prefix(mode) + route.endpoint.path.removeprefix("/mj"))


def mj_task(data: Mapping[str, Any]) -> Task:
    """A Midjourney task object (`/mj/task/{id}/fetch`, `list-by-condition`) as a `Task`."""
    raw_status = data.get("status")
    properties = data.get("properties") if isinstance(data.get("properties"), Mapping) else {}
    action = data.get("action")
    text = None
    if str(action).upper() == "DESCRIBE":
        text = _text(data, "prompt") or _text(properties, "finalPrompt")
    return Task(
        id=str(data.get("id", "")),
        kind=TaskKind.MIDJOURNEY,
        status=normalise_status(TaskKind.MIDJOURNEY, raw_status),
        raw_status=str(raw_status) if raw_status is not None else None,
        progress=parse_progress(data.get("progress")),
        action=str(action) if action else None,
        image_urls=_dedupe([*_urls(data.get("imageUrl")), *_urls(data.get("imageUrls"))]),
        fail_reason=_text(data, "failReason"),
        buttons=[
            TaskButton.model_validate(b)
            for b in data.get("buttons") or ()
            if isinstance(b, Mapping) and b.get("customId")
        ],
        text=text,
        raw=dict(data),
    )


def _mj_submitted(action: str) -> Any:
    def parse(response: httpx.Response) -> Task:
        body = _json(response)
        if not isinstance(body, Mapping):
            raise _unexpected(response, "no JSON object")
        code = body.get("code")
        if _int(code) not in _MJ_ACCEPTED:
            raise _refused(response, body, code, f"Midjourney {action}", "submit refused")
        result = body.get("result")
        if result in (None, ""):
            raise _unexpected(response, "an accepted submit without a task id (result)")
        properties = body.get("properties")
        status = properties.get("status", "") if isinstance(properties, Mapping) else ""
        done = str(status).upper() == "SUCCESS" and _int(code) == 21
        return Task(
            id=str(result),  # documented as a number: kept as the string it stands for
            kind=TaskKind.MIDJOURNEY,
            status=TaskStatus.SUCCEEDED if done else TaskStatus.QUEUED,
            action=action.upper(),
            raw=dict(body),
        )

    return parse


def _mj_submit(
    route: Route[TaskAnswer], action: str, mode: str | None, fields: dict[str, Any]
) -> Call[Task]:
    body = {k: v for k, v in fields.items() if v is not None}
    return Call(_in_mode(route, mode), _mj_submitted(action), fields=body)


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{name} must be a non-empty string, got {value!r}"
        raise ConfigurationError(msg)


def _images(name: str, images: Sequence[str] | None, least: int = 0) -> list[str]:
    found = list(images or ())
    if isinstance(images, str):
        msg = f"{name} must be a list of base64 data URIs (data:image/png;base64,...), not a string"
        raise ConfigurationError(msg)
    bad = [i for i, item in enumerate(found) if not isinstance(item, str) or not item.strip()]
    if bad:
        msg = f"{name}[{bad[0]}] must be a base64 data URI string (data:image/png;base64,...)"
        raise ConfigurationError(msg)
    if len(found) < least:
        msg = f"{name} needs at least {least} images, got {len(found)}"
        raise ConfigurationError(msg)
    return found


def mj_imagine(
    prompt: str, *, mode: str | None, base64_images: Sequence[str] | None, extra: Mapping[str, Any]
) -> Call[Task]:
    """`POST /mj/submit/imagine`."""
    _check_text("prompt", prompt)
    fields = {"prompt": prompt, "base64Array": _images("base64_images", base64_images), **extra}
    fields.setdefault("botType", "MID_JOURNEY")
    return _mj_submit(MJ_IMAGINE, "imagine", mode, fields)


def mj_action(
    task_id: str, custom_id: str, *, mode: str | None, extra: Mapping[str, Any]
) -> Call[Task]:
    """`POST /mj/submit/action`: a button (`custom_id`) of a finished task."""
    _check_text("task_id", task_id)
    _check_text("custom_id", custom_id)
    fields = {"taskId": task_id, "customId": custom_id, **extra}
    return _mj_submit(MJ_ACTION, "action", mode, fields)


def mj_blend(
    base64_images: Sequence[str], *, dimensions: str | None, mode: str | None,
    extra: Mapping[str, Any],
) -> Call[Task]:  # fmt: skip
    """`POST /mj/submit/blend`: 2 to 5 images."""
    images = _images("base64_images", base64_images, least=2)
    if dimensions is not None and dimensions not in ("PORTRAIT", "SQUARE", "LANDSCAPE"):
        msg = f"dimensions must be 'PORTRAIT', 'SQUARE' or 'LANDSCAPE', got {dimensions!r}"
        raise ConfigurationError(msg)
    fields = {"base64Array": images, "dimensions": dimensions, **extra}
    fields.setdefault("botType", "MID_JOURNEY")
    return _mj_submit(MJ_BLEND, "blend", mode, fields)


def mj_describe(base64_image: str, *, mode: str | None, extra: Mapping[str, Any]) -> Call[Task]:
    """`POST /mj/submit/describe`: prompts for an image."""
    _check_text("base64_image", base64_image)
    fields = {"base64": base64_image, **extra}
    fields.setdefault("botType", "MID_JOURNEY")
    return _mj_submit(MJ_DESCRIBE, "describe", mode, fields)


def mj_modal(
    task_id: str, *, prompt: str | None, mask_base64: str | None, mode: str | None,
    extra: Mapping[str, Any],
) -> Call[Task]:  # fmt: skip
    """`POST /mj/submit/modal`: the prompt (and mask) a MODAL task waits for."""
    _check_text("task_id", task_id)
    fields = {"taskId": task_id, "prompt": prompt, "maskBase64": mask_base64, **extra}
    return _mj_submit(MJ_MODAL, "modal", mode, fields)


def _mj_fetched(response: httpx.Response) -> Task:
    body = _json(response)
    if not isinstance(body, Mapping) or not body.get("id"):
        if isinstance(body, Mapping) and _int(body.get("code")) not in (None, *_MJ_ACCEPTED):
            raise task_error(_refused(response, body, body.get("code"), "fetch", "fetch refused"))
        raise _unexpected(response, "no task object")
    return mj_task(body)


def mj_fetch(task_id: str) -> Call[Task]:
    """`GET /mj/task/{id}/fetch`."""
    _check_text("task_id", task_id)
    route = MJ_FETCH.at(id=_segment(task_id))
    return Call(route, _mj_fetched)


def _mj_listed(response: httpx.Response) -> list[Task]:
    body = _json(response)
    if not isinstance(body, list):
        raise _unexpected(response, "no list of tasks")
    return [mj_task(item) for item in body if isinstance(item, Mapping)]


def mj_fetch_many(ids: Sequence[str]) -> Call[list[Task]]:
    """`POST /mj/task/list-by-condition`: unknown ids are left out of the answer (§14)."""
    return Call(MJ_FETCH_MANY, _mj_listed, fields={"ids": list(ids)})


def _segment(task_id: str) -> str:
    if "/" in task_id or "?" in task_id or "#" in task_id:
        msg = f"task id {task_id!r} contains '/', '?' or '#'; pass the id the submit returned"
        raise ConfigurationError(msg)
    return task_id
