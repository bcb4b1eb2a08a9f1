"""The route table (aimhub/_routes.py): one entry per fixed route, everything else derived."""

from __future__ import annotations

import pytest

from aimhub._calls import Call
from aimhub._config import ClientConfig, normalize_base_url
from aimhub._routes import ROUTES, Route, TaskAnswer, static_api_paths
from aimhub._suno_video import suno_fetch, video_fetch, video_submit
from aimhub._tasks import mj_fetch, mj_imagine

_STATIC_PATHS = [
    r.endpoint.path for r in ROUTES.values() if not r.root and "{" not in r.endpoint.path
]


@pytest.mark.parametrize("path", _STATIC_PATHS)
@pytest.mark.parametrize("root", ["https://host.example", "https://host.example/v1"])
def test_every_static_route_pasted_after_the_root_normalises_to_the_api_root(
    root: str, path: str
) -> None:
    assert normalize_base_url(root + path) == "https://host.example/v1"
    assert normalize_base_url(root + path + "/") == "https://host.example/v1"


@pytest.mark.parametrize(
    "pasted",
    [
        "https://host.example/v1/images/generations",
        "https://host.example/v1/audio/transcriptions",
        "https://host.example/v1/moderations",
        "https://host.example/v1/dashboard/billing/subscription",
    ],
)
def test_media_and_billing_paths_are_cut_like_chat(pasted: str) -> None:
    assert normalize_base_url(pasted) == "https://host.example/v1"


def test_a_versioned_root_keeps_its_version_when_a_route_is_cut() -> None:
    pasted = "https://open.bigmodel.cn/api/paas/v4/images/generations"
    assert normalize_base_url(pasted) == "https://open.bigmodel.cn/api/paas/v4"


def test_longer_paths_are_tried_first() -> None:
    paths = static_api_paths()
    assert paths.index("/chat/completions") < paths.index("/completions")
    assert [len(p) for p in paths] == sorted((len(p) for p in paths), reverse=True)
    assert not any(p.startswith(("/mj", "/suno")) for p in paths)  # server-root routes


def test_the_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        ROUTES["new"] = ROUTES["models"]  # type: ignore[index]


def test_task_submits_are_the_only_routes_not_idempotent() -> None:
    not_idempotent = {name for name, route in ROUTES.items() if not route.idempotent}
    assert all(ROUTES[name].endpoint.method == "POST" for name in not_idempotent)
    assert all(ROUTES[name].own_errors for name in not_idempotent)
    assert {"mj_imagine", "suno_music", "video_generations", "videos"} <= not_idempotent
    assert "chat_completions" not in not_idempotent


def test_route_at_fills_the_id_and_keeps_the_flags() -> None:
    fetch = ROUTES["mj_fetch"].at(id="123")
    assert fetch.endpoint.path == "/mj/task/123/fetch"
    assert (fetch.root, fetch.idempotent, fetch.own_errors) == (True, True, True)
    moved: Route[TaskAnswer] = ROUTES["mj_imagine"].at("/mj-fast/mj/submit/imagine")
    assert moved.endpoint.path == "/mj-fast/mj/submit/imagine"
    assert not moved.idempotent


def _url(call: Call[object]) -> str:
    config = ClientConfig.create(api_key="sk-test", base_url="https://host.example/v1")
    return str(call.request(config).url)


def test_task_builders_take_their_routes_from_the_table() -> None:
    assert _url(mj_fetch("42")) == "https://host.example/mj/task/42/fetch"
    imagine = mj_imagine("a cat", mode="fast", base64_images=None, extra={})
    assert _url(imagine) == "https://host.example/mj-fast/mj/submit/imagine"
    assert _url(suno_fetch("7")) == "https://host.example/suno/fetch/7"
    submit = video_submit(
        "sora-2", "a cat", route="openai", base_url="https://host.example/v1", fields={}
    )
    assert _url(submit) == "https://host.example/v1/videos"
    fetched = video_fetch("v1", model=None, route="generations", base_url="")
    assert _url(fetched) == "https://host.example/v1/video/generations/v1"
