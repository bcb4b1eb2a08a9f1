"""`aimhub balance`, `image` and `speak` over a fake gateway (shapes: docs/gateway-behaviour.md
§13 and the OpenAI API reference for /images/generations and /audio/speech)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from aimhub.cli import _context
from aimhub.cli._app import app
from tests.fakes import BASE_URL, TEST_KEY

Handler = Callable[[httpx.Request], httpx.Response]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
AUDIO = b"ID3" + bytes(range(256)) * 40


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], Recorder]:
    monkeypatch.setenv("AIMHUB_API_KEY", TEST_KEY)
    monkeypatch.setenv("AIMHUB_BASE_URL", BASE_URL)

    def install(handler: Handler) -> Recorder:
        fake = Recorder(handler)
        monkeypatch.setattr(_context, "transport", httpx.MockTransport(fake))
        return fake

    return install


def billing(subscription: object, usage: object) -> Handler:
    def reply(request: httpx.Request) -> httpx.Response:
        body = subscription if request.url.path.endswith("/subscription") else usage
        return httpx.Response(200, json=body)

    return reply


def test_balance_table(serve: Callable[[Handler], Recorder]) -> None:
    fake = serve(billing({"hard_limit_usd": 25.0}, {"total_usage": 750}))
    result = CliRunner().invoke(app, ["balance"])
    assert result.exit_code == 0, result.output
    assert "$25.00" in result.stdout
    assert "$7.50" in result.stdout
    assert "$17.50" in result.stdout
    assert fake.paths() == ["/v1/dashboard/billing/subscription", "/v1/dashboard/billing/usage"]
    assert TEST_KEY not in result.output


def test_balance_json(serve: Callable[[Handler], Recorder]) -> None:
    serve(billing({"hard_limit_usd": 25.0}, {"total_usage": 750}))
    result = CliRunner().invoke(app, ["balance", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "total_granted": 25.0,
        "used": 7.5,
        "remaining": 17.5,
        "unlimited": False,
        "currency": "USD",
    }


def test_balance_of_an_unlimited_key(serve: Callable[[Handler], Recorder]) -> None:
    serve(billing({"hard_limit_usd": 100000000}, {"total_usage": 1234}))
    result = CliRunner().invoke(app, ["balance", "--json"])
    data = json.loads(result.stdout)
    assert (data["unlimited"], data["total_granted"], data["remaining"], data["used"]) == (
        True,
        None,
        None,
        12.34,
    )
    table = CliRunner().invoke(app, ["balance"])
    assert table.stdout.count("unlimited") == 2, table.stdout


def test_balance_error_sent_as_http_200_exits_1(serve: Callable[[Handler], Recorder]) -> None:
    serve(billing({"error": {"message": "无效的令牌", "type": "new_api_error"}}, {}))
    result = CliRunner().invoke(app, ["balance"])
    assert result.exit_code == 1
    assert "AuthenticationError" in result.stderr
    assert "无效的令牌" in result.stderr
    assert "Traceback" not in result.output


def test_balance_without_billing_routes_exits_1(serve: Callable[[Handler], Recorder]) -> None:
    serve(billing({"object": "billing_subscription"}, {"total_usage": 1}))
    result = CliRunner().invoke(app, ["balance"])
    assert result.exit_code == 1
    assert "billing routes" in result.stderr


def test_balance_without_a_key_exits_2(
    serve: Callable[[Handler], Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = serve(billing({}, {}))
    monkeypatch.delenv("AIMHUB_API_KEY")
    result = CliRunner().invoke(app, ["balance"])
    assert result.exit_code == 2
    assert "ConfigurationError" in result.stderr
    assert fake.requests == []


def images_reply(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    b64 = base64.b64encode(PNG).decode()
    items = [{"b64_json": b64, "revised_prompt": f"{body['prompt']}, watercolour"}]
    return httpx.Response(200, json={"created": 1, "data": items * body.get("n", 1)})


def test_image_saves_and_reports(serve: Callable[[Handler], Recorder], tmp_path: Path) -> None:
    fake = serve(images_reply)
    args = ["image", "a red fox", "--size", "1024x1024", "--out", str(tmp_path), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    sent = json.loads(fake.requests[0].content)
    assert fake.paths() == ["/v1/images/generations"]
    assert sent == {"model": "dall-e-3", "prompt": "a red fox", "size": "1024x1024"}
    data = json.loads(result.stdout)
    assert data["model"] == "dall-e-3"
    [row] = data["images"]
    assert row["revised_prompt"] == "a red fox, watercolour"
    assert Path(row["path"]).read_bytes() == PNG
    assert Path(row["path"]).parent == tmp_path


def test_image_table_names_the_file(serve: Callable[[Handler], Recorder], tmp_path: Path) -> None:
    serve(images_reply)
    args = ["image", "a fox", "--model", "dall-e-2", "--n", "2", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["image-0.png", "image-1.png"]
    assert "image-1.png" in result.stdout


def test_image_rule_broken_exits_2_and_sends_nothing(
    serve: Callable[[Handler], Recorder], tmp_path: Path
) -> None:
    fake = serve(images_reply)
    result = CliRunner().invoke(app, ["image", "a fox", "--n", "2", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "ConfigurationError" in result.stderr
    assert "not n=2" in result.stderr
    assert fake.requests == []
    assert list(tmp_path.iterdir()) == []


def speech_reply(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=AUDIO, headers={"content-type": "audio/mpeg"})


def test_speak_writes_the_audio(serve: Callable[[Handler], Recorder], tmp_path: Path) -> None:
    fake = serve(speech_reply)
    target = tmp_path / "out" / "hello.mp3"
    args = ["speak", "Hello there", "--voice", "onyx", "--out", str(target), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert fake.paths() == ["/v1/audio/speech"]
    assert json.loads(fake.requests[0].content) == {
        "model": "tts-1",
        "input": "Hello there",
        "voice": "onyx",
    }
    assert target.read_bytes() == AUDIO
    data = json.loads(result.stdout)
    assert data == {
        "model": "tts-1",
        "voice": "onyx",
        "path": str(target),
        "bytes": len(AUDIO),
        "content_type": "audio/mpeg",
    }


def test_speak_line(serve: Callable[[Handler], Recorder], tmp_path: Path) -> None:
    serve(speech_reply)
    target = tmp_path / "a.mp3"
    result = CliRunner().invoke(app, ["speak", "Hi", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert f"{len(AUDIO):,} bytes (audio/mpeg)" in result.stdout


def test_speak_unknown_voice_exits_2_and_sends_nothing(
    serve: Callable[[Handler], Recorder], tmp_path: Path
) -> None:
    fake = serve(speech_reply)
    target = tmp_path / "a.mp3"
    result = CliRunner().invoke(app, ["speak", "Hi", "--voice", "nobody", "--out", str(target)])
    assert result.exit_code == 2
    assert "does not accept voice='nobody'" in result.stderr
    assert fake.requests == []
    assert not target.exists()


def test_speak_no_channel_exits_1(serve: Callable[[Handler], Recorder], tmp_path: Path) -> None:
    message = "当前分组 default 下对于模型 tts-1 无可用渠道"
    serve(
        lambda r: httpx.Response(503, json={"error": {"message": message, "type": "new_api_error"}})
    )
    result = CliRunner().invoke(
        app, ["--max-retries", "0", "speak", "Hi", "--out", str(tmp_path / "a.mp3")]
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
