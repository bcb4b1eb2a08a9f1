"""Task routes on both clients: request shapes, the status table, every documented error shape
(docs/gateway-behaviour.md §14-§16)."""

from __future__ import annotations

import json

import httpx
import pytest

import aimhub
from aimhub import (
    BannedPromptError,
    ConfigurationError,
    InsufficientQuotaError,
    RateLimitError,
    TaskNotFoundError,
    TaskSubmitError,
)
from aimhub._tasks import STATUS_TABLE, parse_progress
from aimhub.types import Task, TaskKind, TaskStatus
from tests.fakes import TEST_KEY, FakeGateway, call, json_reply, make_client
from tests.task_fakes import (
    MJ_BANNED,
    MJ_ID,
    MJ_NOT_FOUND,
    MJ_QUEUE_FULL,
    MJ_SUBMITTED,
    SUNO_ID,
    SUNO_NOT_FOUND,
    SUNO_QUOTA,
    SUNO_SUBMITTED,
    VIDEO_ID,
    mj_task,
    openai_video,
    suno_task,
    wrapped_video,
)


async def test_imagine_posts_the_documented_body_at_the_server_root(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MJ_SUBMITTED))
    client = make_client(gateway, is_async)
    task = await call(client, "midjourney_imagine", "a cat --ar 2:3", state="s1")
    request = gateway.requests[0]
    # `/mj` sits beside `/v1`, not under it (§14).
    assert (request.method, str(request.url)) == (
        "POST", "https://gateway.test/mj/submit/imagine"
    )  # fmt: skip
    assert gateway.bodies[0] == {
        "prompt": "a cat --ar 2:3", "base64Array": [], "state": "s1", "botType": "MID_JOURNEY"
    }  # fmt: skip
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert task.id == MJ_ID  # a number on the wire, a string here
    assert (task.kind, task.status, task.action) == (
        TaskKind.MIDJOURNEY, TaskStatus.QUEUED, "IMAGINE"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("mode", "path"),
    [(None, "/mj/submit/imagine"), ("fast", "/mj-fast/mj/submit/imagine"),
     ("relax", "/mj-relax/mj/submit/imagine"), ("turbo", "/mj-turbo/mj/submit/imagine")],
)  # fmt: skip
async def test_speed_modes_take_their_route_prefix(
    is_async: bool, mode: str | None, path: str
) -> None:
    gateway = FakeGateway(json_reply(200, MJ_SUBMITTED))
    await call(make_client(gateway, is_async), "midjourney_imagine", "a cat", mode=mode)
    assert gateway.requests[0].url.path == path


async def test_a_mode_the_gateways_lack_is_refused_before_sending(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MJ_SUBMITTED))
    with pytest.raises(ConfigurationError, match="mode must be one of 'fast', 'relax', 'turbo'"):
        await call(make_client(gateway, is_async), "midjourney_imagine", "a cat", mode="slow")
    assert gateway.requests == []


async def test_action_blend_describe_modal_bodies(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MJ_SUBMITTED))
    client = make_client(gateway, is_async)
    done = Task(id=MJ_ID, kind=TaskKind.MIDJOURNEY)
    await call(client, "midjourney_action", done, "MJ::JOB::upsample::2::abc")
    await call(client, "midjourney_blend", ["data:a", "data:b"], dimensions="SQUARE")
    await call(client, "midjourney_describe", "data:image/png;base64,AA")
    await call(client, "midjourney_modal", MJ_ID, prompt="a dog", mask_base64="data:m")
    paths = [r.url.path for r in gateway.requests]
    assert paths == ["/mj/submit/action", "/mj/submit/blend", "/mj/submit/describe",
                     "/mj/submit/modal"]  # fmt: skip
    assert gateway.bodies == [
        {"taskId": MJ_ID, "customId": "MJ::JOB::upsample::2::abc"},
        {"base64Array": ["data:a", "data:b"], "dimensions": "SQUARE", "botType": "MID_JOURNEY"},
        {"base64": "data:image/png;base64,AA", "botType": "MID_JOURNEY"},
        {"taskId": MJ_ID, "prompt": "a dog", "maskBase64": "data:m"},
    ]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "match"),
    [
        ("midjourney_imagine", ("",), {}, "prompt must be a non-empty string"),
        ("midjourney_imagine", ("a",), {"base64_images": "data:x"}, "list of base64 data URIs"),
        ("midjourney_blend", (["data:a"],), {}, "at least 2 images"),
        ("midjourney_blend", (["a", "b"],), {"dimensions": "WIDE"}, "PORTRAIT"),
        ("midjourney_action", (MJ_ID, ""), {}, "custom_id must be a non-empty string"),
        ("suno_music", (), {}, "suno_music needs prompt="),
        ("generate_video", ("kling-v1", "a wave"), {"duration": -5}, "duration must be"),
        ("generate_video", ("kling-v1", "a wave"), {"route": "rest"}, "route must be one of"),
        ("fetch_task", (MJ_ID,), {}, "needs kind="),
        ("fetch_task", (VIDEO_ID,), {"kind": "video"}, "needs model="),
        ("fetch_task", ("a/../b",), {"kind": "suno"}, "contains '/'"),
        ("fetch_task", (MJ_ID,), {"kind": "dalle"}, "kind must be"),
        ("wait_task", (Task(id="1", kind=TaskKind.SUNO),), {"timeout": 0}, "timeout must be > 0"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    is_async: bool, method: str, args: tuple[object, ...], kwargs: dict[str, object], match: str
) -> None:
    gateway = FakeGateway(json_reply(200, MJ_SUBMITTED))
    with pytest.raises(ConfigurationError, match=match):
        await call(make_client(gateway, is_async), method, *args, **kwargs)
    assert gateway.requests == []


async def test_fetch_reads_a_finished_midjourney_task(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, mj_task("SUCCESS", "100%")))
    task = await call(make_client(gateway, is_async), "fetch_task", MJ_ID, kind="midjourney")
    assert str(gateway.requests[0].url) == f"https://gateway.test/mj/task/{MJ_ID}/fetch"
    assert gateway.requests[0].method == "GET"
    assert (task.status, task.progress, task.raw_status) == (
        TaskStatus.SUCCEEDED, 100.0, "SUCCESS"
    )  # fmt: skip
    assert task.image_urls == [f"https://gateway.test/mj/image/{MJ_ID}"]
    assert [b.custom_id for b in task.buttons][:2] == [
        "MJ::JOB::upsample::1::abc", "MJ::JOB::upsample::2::abc"
    ]  # fmt: skip
    assert task.raw["promptEn"] == "a cat --ar 2:3"  # nothing dropped
    assert "actions: U1, U2, U3, U4" in task.describe()


async def test_fetch_reads_suno_clips_and_lyrics(is_async: bool) -> None:
    lyrics = suno_task("SUCCESS", "100%")
    lyrics["data"].update(action="LYRICS", data={"text": "[Verse]\nrain", "title": "Rain"})
    gateway = FakeGateway(json_reply(200, suno_task("SUCCESS", "100%")), json_reply(200, lyrics))
    client = make_client(gateway, is_async)
    song = await call(client, "fetch_task", SUNO_ID, kind="suno")
    words = await call(client, "fetch_task", SUNO_ID, kind=TaskKind.SUNO)
    assert str(gateway.requests[0].url) == f"https://gateway.test/suno/fetch/{SUNO_ID}"
    assert song.audio_urls == ["https://cdn1.suno.ai/clip-1.mp3", "https://cdn1.suno.ai/clip-2.mp3"]
    assert len(song.video_urls) == len(song.image_urls) == 2
    assert (words.action, words.text) == ("LYRICS", "[Verse]\nrain")


async def test_suno_submits_and_their_envelope(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, SUNO_SUBMITTED))
    client = make_client(gateway, is_async)
    task = await call(
        client, "suno_music", "[Verse] rain", title="Rain", tags="lofi", mv="chirp-v3-5"
    )
    await call(client, "suno_lyrics", "a song about rain")
    assert [r.url.path for r in gateway.requests] == ["/suno/submit/music", "/suno/submit/lyrics"]
    assert gateway.bodies == [
        {"prompt": "[Verse] rain", "mv": "chirp-v3-5", "title": "Rain", "tags": "lofi"},
        {"prompt": "a song about rain"},
    ]
    assert (task.id, task.kind, task.action) == (SUNO_ID, TaskKind.SUNO, "MUSIC")


async def test_video_routes_follow_the_catalogue(is_async: bool) -> None:
    gateway = FakeGateway(
        json_reply(200, {"task_id": "task_866", "status": "queued"}),
        json_reply(200, openai_video("queued", 0)),
        json_reply(200, wrapped_video("SUCCESS", "100%")),
        json_reply(200, openai_video("completed", 100)),
    )
    client = make_client(gateway, is_async)
    kling = await call(client, "generate_video", "kling-v1", "a wave", image="https://i.test/a.png",
                       duration=5, metadata={"cfg_scale": 0.5})  # fmt: skip
    sora = await call(client, "generate_video", "sora-2", "a wave", duration=8, size="1280x720")
    assert [r.url.path for r in gateway.requests] == ["/v1/video/generations", "/v1/videos"]
    assert gateway.bodies == [
        {"model": "kling-v1", "prompt": "a wave", "image": "https://i.test/a.png", "duration": 5,
         "metadata": {"cfg_scale": 0.5}},
        {"model": "sora-2", "prompt": "a wave", "seconds": "8", "size": "1280x720"},
    ]  # fmt: skip
    assert (kling.id, kling.route, sora.id, sora.route) == (
        "task_866", "generations", VIDEO_ID, "openai"
    )  # fmt: skip
    kling = await call(client, "fetch_task", kling)
    sora = await call(client, "fetch_task", sora)
    assert gateway.requests[2].url.path == "/v1/video/generations/task_866"
    assert gateway.requests[3].url.path == f"/v1/videos/{VIDEO_ID}"
    assert kling.video_urls == ["https://cdn.klingai.test/v1.mp4"]
    assert sora.status is TaskStatus.SUCCEEDED
    assert sora.video_urls == [f"https://gateway.test/v1/videos/{VIDEO_ID}/content"]


async def test_a_failed_video_keeps_its_reason(is_async: bool) -> None:
    body = openai_video("failed", 40, error={"message": "moderation blocked", "code": "blocked"})
    gateway = FakeGateway(json_reply(200, body))
    task = await call(make_client(gateway, is_async), "fetch_task", VIDEO_ID, kind="video",
                      model="sora-2")  # fmt: skip
    assert (task.status, task.fail_reason, task.progress) == (
        TaskStatus.FAILED, "moderation blocked", 40.0
    )  # fmt: skip


async def test_fetch_tasks_uses_the_batch_routes_and_keeps_the_order(is_async: bool) -> None:
    other = dict(mj_task("IN_PROGRESS", "37%"), id="999")
    gateway = FakeGateway(
        json_reply(200, [other]),  # unknown ids are left out (§14)
        json_reply(200, {"code": "success", "data": [suno_task("QUEUED", "0%")["data"]]}),
    )
    client = make_client(gateway, is_async)
    got = await call(client, "fetch_tasks", [
        MJ_ID, "999", Task(id=SUNO_ID, kind=TaskKind.SUNO)
    ], kind="midjourney")  # fmt: skip
    assert [(r.method, r.url.path) for r in gateway.requests] == [
        ("POST", "/mj/task/list-by-condition"), ("POST", "/suno/fetch")
    ]  # fmt: skip
    assert gateway.bodies == [{"ids": [MJ_ID, "999"]}, {"ids": [SUNO_ID]}]
    assert got[0] is None
    assert got[1] is not None
    assert got[1].progress == 37.0
    assert got[2] is not None
    assert got[2].status is TaskStatus.QUEUED


# --- error shapes ---------------------------------------------------------------------------
async def test_an_unknown_midjourney_id_with_the_typo_and_space(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(400, MJ_NOT_FOUND))
    with pytest.raises(TaskNotFoundError, match="task_no_found") as info:
        await call(make_client(gateway, is_async), "fetch_task", "42", kind="midjourney")
    assert info.value.status_code == 400
    assert isinstance(info.value, aimhub.NotFoundError)


async def test_an_unknown_suno_id(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(400, SUNO_NOT_FOUND))
    with pytest.raises(TaskNotFoundError, match="task_not_exist"):
        await call(make_client(gateway, is_async), "fetch_task", "x", kind="suno")


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        (MJ_BANNED, BannedPromptError, "可能包含敏感词"),
        (MJ_QUEUE_FULL, RateLimitError, "队列已满"),
        ({"code": 4, "description": "prompt不能为空"}, aimhub.BadRequestError, "prompt不能为空"),
        ({"code": 3, "description": "无可用的账号实例"}, aimhub.InternalServerError, "账号"),
        ({"code": 17, "description": "something new"}, TaskSubmitError, "something new"),
    ],
)
async def test_midjourney_refusals_inside_http_200(
    is_async: bool, body: dict[str, object], error: type[Exception], match: str
) -> None:
    gateway = FakeGateway(json_reply(200, body))
    with pytest.raises(error, match=match) as info:
        await call(make_client(gateway, is_async), "midjourney_imagine", "a cat")
    assert getattr(info.value, "code", None) == body["code"]
    assert len(gateway.requests) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"code": "quota_not_enough", "description": "用户额度不足"}),
        (403, {"description": "quota_not_enough", "type": "new_api_error",
               "code": "quota_not_enough"}),
    ],
)  # fmt: skip
async def test_a_midjourney_quota_refusal(is_async: bool, status: int, body: object) -> None:
    gateway = FakeGateway(json_reply(status, body))
    with pytest.raises(InsufficientQuotaError):
        await call(make_client(gateway, is_async, max_retries=2), "midjourney_imagine", "a cat")
    assert len(gateway.requests) == 1


async def test_a_not_found_message_names_the_gateway_word(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(400, MJ_NOT_FOUND))
    with pytest.raises(TaskNotFoundError) as info:
        await call(make_client(gateway, is_async), "fetch_task", "42", kind="midjourney")
    assert str(info.value).startswith("Task not found (HTTP 400, code 4): task_no_found — ")


async def test_suno_quota_and_envelope_refusal(is_async: bool) -> None:
    gateway = FakeGateway(
        json_reply(403, SUNO_QUOTA),
        json_reply(200, {"code": "fail", "message": "bad mv", "data": None}),
    )
    client = make_client(gateway, is_async)
    with pytest.raises(InsufficientQuotaError):
        await call(client, "suno_music", "[Verse] rain")
    with pytest.raises(TaskSubmitError, match="bad mv"):
        await call(client, "suno_lyrics", "rain")


def test_the_status_table_covers_every_documented_word() -> None:
    documented = {
        TaskKind.MIDJOURNEY: ["NOT_START", "SUBMITTED", "IN_PROGRESS", "FAILURE", "SUCCESS",
                              "MODAL"],
        TaskKind.SUNO: ["NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "FAILURE", "SUCCESS",
                        "UNKNOWN"],
        TaskKind.VIDEO: ["queued", "in_progress", "completed", "failed"],
    }  # fmt: skip
    for kind, words in documented.items():
        for word in words:
            assert word.upper() in STATUS_TABLE[kind], (kind, word)
    assert STATUS_TABLE[TaskKind.MIDJOURNEY]["FAILURE"] is TaskStatus.FAILED
    assert STATUS_TABLE[TaskKind.VIDEO]["COMPLETED"] is TaskStatus.SUCCEEDED


@pytest.mark.parametrize(
    ("raw", "value"),
    [("37%", 37.0), (" 100% ", 100.0), (37, 37.0), ("0%", 0.0), ("", None), (None, None),
     ("abc", None), (True, None), (150, 100.0)],
)  # fmt: skip
def test_progress_from_strings_and_numbers(raw: object, value: float | None) -> None:
    assert parse_progress(raw) == value


def test_a_task_round_trips_as_json() -> None:
    task = Task(id="1", kind=TaskKind.MIDJOURNEY, status=TaskStatus.SUCCEEDED, raw={"a": 1})
    assert Task.model_validate(json.loads(task.model_dump_json())) == task


async def test_the_key_never_reaches_a_task_error(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(400, {**MJ_NOT_FOUND, "echo": f"Bearer {TEST_KEY}"}))
    with pytest.raises(TaskNotFoundError) as info:
        await call(make_client(gateway, is_async), "fetch_task", "42", kind="midjourney")
    assert TEST_KEY not in repr(info.value.body) + str(info.value)
    assert isinstance(info.value.response, httpx.Response)


async def test_the_key_never_reaches_a_refusal_inside_http_200(is_async: bool) -> None:
    body = {"code": 4, "description": f"bad header Authorization: Bearer {TEST_KEY}"}
    gateway = FakeGateway(json_reply(200, body))
    with pytest.raises(aimhub.BadRequestError) as info:
        await call(make_client(gateway, is_async), "midjourney_imagine", "a cat")
    error = info.value
    assert TEST_KEY not in str(error) + error.raw_message + repr(error.body)
