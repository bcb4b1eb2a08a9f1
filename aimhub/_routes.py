"""The route table: every fixed gateway route the core calls, in one place.

Each entry says where a route is (method, path, under the API root or the server root), how its
body travels (JSON or a multipart form), what a JSON answer validates into, whether sending it
twice is harmless, whether its parser reads 2xx answers for errors itself, and what to tell a
user whose gateway lacks it. Everything else is derived from here: the clients send these
entries, and `normalize_base_url` (`aimhub/_config.py`) cuts every static path of the table off a
pasted base URL, so `https://host/v1/images/generations` becomes `https://host/v1` as
`https://host/v1/chat/completions` does.

Routes with an id or a variable prefix in their path (a task fetch, Midjourney's speed modes, the
video route families) are entries too, with `{id}` in the path; their builders fill it in with
`Route.at()`.

Adding an endpoint:

1. One entry here: `NAME = _route("name", Route.make(method, path, ResponseType, ...))`
   (or `_endpoint(...)` for a route that streams). The response type goes into
   `aimhub/types/`; the flags are described on `Route`.
2. One pure builder beside its siblings (`aimhub/_images.py`, `aimhub/_audio.py`, ...) that
   checks the arguments and returns `Call(NAME, parse, fields=...)`.
3. One thin method pair on the clients (`MediaMethods`/`AsyncMediaMethods` in
   `aimhub/_media_client.py`, or `TaskMethods` for tasks) that builds the `Call` and sends it with
   `self._call(...)`: retries, errors, limits and logs are the shared ones.
4. A test with `httpx.MockTransport` (tests/unit/core/) for the request and the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from aimhub.types import (
    BillingSubscription,
    BillingUsage,
    ChatCompletion,
    ChatCompletionChunk,
    Completion,
    EmbeddingResponse,
    ImagesResponse,
    ModelList,
    ModerationResponse,
    RerankResponse,
    Transcription,
)
from aimhub.types._base import ResponseModel

__all__ = ["ROUTES", "Endpoint", "Route", "TaskAnswer", "static_api_paths"]

ResponseT = TypeVar("ResponseT", bound=ResponseModel)
ChunkT = TypeVar("ChunkT")
R = TypeVar("R", bound=ResponseModel)


@dataclass(frozen=True)
class Endpoint(Generic[ResponseT, ChunkT]):
    """Where a route is and what it answers."""

    method: str
    path: str
    response_type: type[ResponseT]
    chunk_type: type[ChunkT] | None = None
    #: The answer text a chunk (its JSON object) adds, kept so that a failed stream can report
    #: what arrived.
    chunk_text: Callable[[dict[str, Any]], str | None] | None = None
    #: Turns a whole JSON answer into one chunk, for gateways that ignore `stream: true`.
    as_chunk: Callable[[ResponseT], ChunkT] | None = None


@dataclass(frozen=True)
class Route(Generic[R]):
    """One entry of the route table.

    Attributes:
        endpoint: method and path.
        multipart: whether the body is a multipart form (uploads) rather than JSON.
        missing_hint: the fix to add when a gateway answers that it lacks the route.
        root: the path is under the server root, not the API root (`/mj/...`, `/suno/...` sit
            beside `/v1`, docs/gateway-behaviour.md §14-§15).
        idempotent: whether sending it twice is harmless. A task submit is not (each one is
            charged): it is retried only when the gateway provably did not take it.
        own_errors: the parser reads 2xx answers for errors itself (task routes: a failed
            task's `error` object is its state, and Midjourney refuses with a `code`).
    """

    endpoint: Endpoint[R, Any]
    multipart: bool = False
    missing_hint: str = ""
    root: bool = False
    idempotent: bool = True
    own_errors: bool = False

    @classmethod
    def make(
        cls,
        method: str,
        path: str,
        response_type: type[R],
        **options: Any,
    ) -> Route[R]:
        """A route; `response_type` is what a JSON answer validates into."""
        return cls(Endpoint(method, path, response_type), **options)

    def at(self, path: str | None = None, **params: str) -> Route[R]:
        """The same route at another path, or with its `{id}`-style fields filled in."""
        template = self.endpoint.path if path is None else path
        filled = template.format(**params) if params else template
        return replace(self, endpoint=replace(self.endpoint, path=filled))


class TaskAnswer(ResponseModel):
    """Any JSON answer of a task route; the parsers in `aimhub/_tasks.py` read it."""


def _first_choice(payload: dict[str, Any]) -> Any:
    choices = payload.get("choices")
    if type(choices) is list and choices and type(choices[0]) is dict:
        return choices[0]
    return None


def _chat_chunk_text(payload: dict[str, Any]) -> str | None:
    choice = _first_choice(payload)
    delta = choice.get("delta") if choice is not None else None
    text = delta.get("content") if type(delta) is dict else None
    return text if type(text) is str else None


def _completion_chunk_text(payload: dict[str, Any]) -> str | None:
    choice = _first_choice(payload)
    text = choice.get("text") if choice is not None else None
    return text if type(text) is str else None


_table: dict[str, Route[Any]] = {}


def _route(name: str, route: Route[R]) -> Route[R]:
    if name in _table:  # pragma: no cover - a typo in this file
        msg = f"route {name!r} is in the table twice"
        raise AssertionError(msg)
    _table[name] = route
    return route


def _endpoint(name: str, endpoint: Endpoint[ResponseT, ChunkT]) -> Endpoint[ResponseT, ChunkT]:
    _route(name, Route(endpoint))
    return endpoint


# --- chat, completions, embeddings, rerank, models (the clients' own methods) -----------------
CHAT_COMPLETIONS = _endpoint(
    "chat_completions",
    Endpoint(
        "POST",
        "/chat/completions",
        ChatCompletion,
        ChatCompletionChunk,
        _chat_chunk_text,
        ChatCompletionChunk.from_completion,
    ),
)
COMPLETIONS = _endpoint(
    "completions",
    Endpoint(
        "POST",
        "/completions",
        Completion,
        Completion,
        _completion_chunk_text,
        Completion.from_completion,
    ),
)
EMBEDDINGS: Endpoint[EmbeddingResponse, EmbeddingResponse] = _endpoint(
    "embeddings", Endpoint("POST", "/embeddings", EmbeddingResponse)
)
RERANK: Endpoint[RerankResponse, RerankResponse] = _endpoint(
    "rerank", Endpoint("POST", "/rerank", RerankResponse)
)
MODELS: Endpoint[ModelList, ModelList] = _endpoint("models", Endpoint("GET", "/models", ModelList))

# --- images (aimhub/_images.py) --------------------------------------------------------------
IMAGE_GENERATIONS = _route(
    "image_generations", Route.make("POST", "/images/generations", ImagesResponse)
)
IMAGE_EDITS = _route(
    "image_edits",
    Route.make(
        "POST",
        "/images/edits",
        ImagesResponse,
        multipart=True,
        missing_hint="Use generate_image() with a prompt that describes the change instead.",
    ),
)
# new-api and one-api answer 501 api_not_implemented here (docs/gateway-behaviour.md §1).
IMAGE_VARIATIONS = _route(
    "image_variations",
    Route.make(
        "POST",
        "/images/variations",
        ImagesResponse,
        multipart=True,
        missing_hint=(
            "one-api/new-api gateways do not relay image variations; use edit_image() with a "
            "prompt such as 'a variation of this image', or generate_image()."
        ),
    ),
)

# --- audio (aimhub/_audio.py) ----------------------------------------------------------------
# A binary answer: the response type is only what a stray JSON answer would validate into.
SPEECH = _route("speech", Route.make("POST", "/audio/speech", ResponseModel))
TRANSCRIPTIONS = _route(
    "transcriptions",
    Route.make("POST", "/audio/transcriptions", Transcription, multipart=True),
)
TRANSLATIONS = _route(
    "translations", Route.make("POST", "/audio/translations", Transcription, multipart=True)
)

# --- moderation and balance (aimhub/_moderation.py, aimhub/_billing.py) ----------------------
MODERATIONS = _route("moderations", Route.make("POST", "/moderations", ModerationResponse))
BILLING_SUBSCRIPTION = _route(
    "billing_subscription",
    Route.make("GET", "/dashboard/billing/subscription", BillingSubscription),
)
BILLING_USAGE = _route("billing_usage", Route.make("GET", "/dashboard/billing/usage", BillingUsage))

# --- tasks (aimhub/_tasks.py, aimhub/_suno_video.py; docs/gateway-behaviour.md §14-§16) ------
# Submits are charged: never idempotent. Every task route's parser reads its errors itself.
# Midjourney's speed modes move `/mj` to `/mj-{mode}/mj` (`aimhub._tasks.mj_prefix`).
_AT_ROOT = {"root": True, "own_errors": True}
MJ_IMAGINE = _route(
    "mj_imagine", Route.make("POST", "/mj/submit/imagine", TaskAnswer, idempotent=False, **_AT_ROOT)
)
MJ_ACTION = _route(
    "mj_action", Route.make("POST", "/mj/submit/action", TaskAnswer, idempotent=False, **_AT_ROOT)
)
MJ_BLEND = _route(
    "mj_blend", Route.make("POST", "/mj/submit/blend", TaskAnswer, idempotent=False, **_AT_ROOT)
)
MJ_DESCRIBE = _route(
    "mj_describe",
    Route.make("POST", "/mj/submit/describe", TaskAnswer, idempotent=False, **_AT_ROOT),
)
MJ_MODAL = _route(
    "mj_modal", Route.make("POST", "/mj/submit/modal", TaskAnswer, idempotent=False, **_AT_ROOT)
)
MJ_FETCH = _route("mj_fetch", Route.make("GET", "/mj/task/{id}/fetch", TaskAnswer, **_AT_ROOT))
MJ_FETCH_MANY = _route(
    "mj_fetch_many", Route.make("POST", "/mj/task/list-by-condition", TaskAnswer, **_AT_ROOT)
)
SUNO_MUSIC = _route(
    "suno_music", Route.make("POST", "/suno/submit/music", TaskAnswer, idempotent=False, **_AT_ROOT)
)
SUNO_LYRICS = _route(
    "suno_lyrics",
    Route.make("POST", "/suno/submit/lyrics", TaskAnswer, idempotent=False, **_AT_ROOT),
)
SUNO_FETCH = _route("suno_fetch", Route.make("GET", "/suno/fetch/{id}", TaskAnswer, **_AT_ROOT))
SUNO_FETCH_MANY = _route(
    "suno_fetch_many", Route.make("POST", "/suno/fetch", TaskAnswer, **_AT_ROOT)
)
# The two video route families (`MediaRules.video_route`): new-api's task wrapper and OpenAI's.
VIDEO_GENERATIONS = _route(
    "video_generations",
    Route.make("POST", "/video/generations", TaskAnswer, idempotent=False, own_errors=True),
)
VIDEO_GENERATIONS_FETCH = _route(
    "video_generations_fetch",
    Route.make("GET", "/video/generations/{id}", TaskAnswer, own_errors=True),
)
VIDEOS = _route(
    "videos", Route.make("POST", "/videos", TaskAnswer, idempotent=False, own_errors=True)
)
VIDEOS_FETCH = _route(
    "videos_fetch", Route.make("GET", "/videos/{id}", TaskAnswer, own_errors=True)
)

#: The table: name -> route, read-only.
ROUTES: Mapping[str, Route[Any]] = MappingProxyType(_table)


def static_api_paths() -> tuple[str, ...]:
    """The paths of every route under the API root without a variable part, longest first.

    `normalize_base_url` strips the first that a pasted URL ends with; longest first so that
    `/chat/completions` wins over `/completions`.
    """
    paths = {r.endpoint.path for r in ROUTES.values() if not r.root and "{" not in r.endpoint.path}
    return tuple(sorted(paths, key=lambda p: (-len(p), p)))
