"""`make demo` replays its cassettes offline (sockets are disabled in unit tests)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.fakes import load_demo


def test_demo_without_a_key_says_it_replays_and_shows_models_reply_and_stream() -> None:
    out = io.StringIO()
    assert load_demo().main(out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("No AIMHUB_API_KEY set: replaying recorded cassettes")
    assert "offline" in lines[0]
    assert sum("replaying" in line for line in lines) == 1  # said once, in one line
    text = out.getvalue()
    assert "models (1): smollm2-135m-instruct" in text
    reply = next(line for line in lines if line.startswith("reply< "))
    assert len(reply) > len("reply< ") + 10
    stream = next(line for line in lines if line.startswith("stream< "))
    assert len(stream) > len("stream< ") + 10
    assert "(finish_reason: stop" in text


def test_demo_replay_without_its_cassette_fails_clearly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    demo = load_demo()
    monkeypatch.setattr(demo, "DEMO_CASSETTES", tmp_path)
    with pytest.raises(FileNotFoundError, match="make record-local"):
        demo.main(out=io.StringIO())


def test_demo_sections_are_named_functions_so_later_issues_can_add_more() -> None:
    demo = load_demo()
    assert demo.SECTIONS[0][0] == "core"
    assert all(callable(section) for _, section in demo.SECTIONS)


def test_demo_live_with_a_bad_base_url_reports_it_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIMHUB_API_KEY", "sk-demo-live-key-0123456789")
    monkeypatch.setenv("AIMHUB_BASE_URL", "ftp://nowhere")
    out = io.StringIO()
    assert load_demo().main(out=out) == 1
    assert "base_url" in out.getvalue()
    assert "sk-demo-live-key-0123456789" not in out.getvalue()
