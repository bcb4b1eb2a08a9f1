"""`aimhub task` over a fake midjourney-proxy / Suno relay (docs/gateway-behaviour.md §14, §15):
submit, wait with progress, fetch, exit codes, and never a second submit."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from typer.testing import CliRunner

from aimhub.cli import _context
from aimhub.cli._app import app
from tests.fakes import BASE_URL, TEST_KEY

BUTTONS = [
    {"customId": f"MJ::JOB::upsample::{i}::abc", "label": f"U{i}", "emoji": "", "type": 2}
    for i in range(1, 5)
]


class Relay:
    """Answers `/mj/submit/*` with `code: 1`; each fetch moves the task on (§14 shapes)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.submits: list[str] = []
        self.fetches = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/submit/" in path:
            self.submits.append(path)
            task_id = f"17122054913{len(self.submits):02d}"
            accepted = {"code": 1, "description": "提交成功", "result": task_id}
            return httpx.Response(200, json=accepted)
        task_id = path.split("/")[3]
        self.fetches += 1
        if self.fetches == 1:
            running = {"id": task_id, "status": "IN_PROGRESS", "progress": "37%"}
            return httpx.Response(200, json=running)
        if self.fail:
            failed = {"id": task_id, "status": "FAILURE", "progress": "", "failReason": "banned"}
            return httpx.Response(200, json=failed)
        return httpx.Response(
            200,
            json={
                "id": task_id,
                "status": "SUCCESS",
                "progress": "100%",
                "imageUrl": f"https://gw.test/mj/image/{task_id}",
                "buttons": BUTTONS if task_id.endswith("01") else [],
            },
        )


@pytest.fixture
def relay(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Relay]:
    monkeypatch.setenv("AIMHUB_API_KEY", TEST_KEY)
    monkeypatch.setenv("AIMHUB_BASE_URL", BASE_URL)

    def install(**options: bool) -> Relay:
        fake = Relay(**options)
        monkeypatch.setattr(_context, "transport", httpx.MockTransport(fake))
        return fake

    return install


def test_imagine_waits_with_progress_and_shows_the_images_and_buttons(
    relay: Callable[..., Relay],
) -> None:
    fake = relay()
    result = CliRunner().invoke(app, ["task", "imagine", "a fox", "--poll-interval", "0.01"])
    assert result.exit_code == 0, result.output
    assert "in_progress 37%" in result.output
    assert "succeeded" in result.output
    assert "https://gw.test/mj/image/1712205491301" in result.output
    assert "U1, U2, U3, U4" in result.output
    assert fake.submits == ["/mj/submit/imagine"]


def test_no_wait_prints_the_queued_task_as_json(relay: Callable[..., Relay]) -> None:
    fake = relay()
    result = CliRunner().invoke(app, ["task", "imagine", "a fox", "--no-wait", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "1712205491301"
    assert data["kind"] == "midjourney"
    assert fake.fetches == 0


def test_action_presses_a_button_by_label(relay: Callable[..., Relay]) -> None:
    fake = relay()
    fake.fetches = 1  # the imagine task is already done
    result = CliRunner().invoke(
        app, ["task", "action", "1712205491301", "U2", "--json", "--poll-interval", "0.01"]
    )
    assert result.exit_code == 0, result.output
    assert fake.submits == ["/mj/submit/action"]
    assert json.loads(result.output)["status"] == "succeeded"


def test_an_unknown_button_is_a_usage_error_and_submits_nothing(
    relay: Callable[..., Relay],
) -> None:
    fake = relay()
    fake.fetches = 1
    result = CliRunner().invoke(app, ["task", "action", "1712205491301", "V9"])
    assert result.exit_code == 2
    assert "no button 'V9'" in result.output
    assert fake.submits == []


def test_a_failed_task_exits_1_with_its_reason_and_is_not_resubmitted(
    relay: Callable[..., Relay],
) -> None:
    fake = relay(fail=True)
    result = CliRunner().invoke(app, ["task", "imagine", "a fox", "--poll-interval", "0.01"])
    assert result.exit_code == 1
    assert "failed: banned" in result.output
    assert fake.submits == ["/mj/submit/imagine"]


def test_fetch_reads_a_task_without_submitting(relay: Callable[..., Relay]) -> None:
    fake = relay()
    result = CliRunner().invoke(app, ["task", "fetch", "1712205491301", "--kind", "midjourney"])
    assert result.exit_code == 0, result.output
    assert "in_progress" in result.output
    assert fake.submits == []
