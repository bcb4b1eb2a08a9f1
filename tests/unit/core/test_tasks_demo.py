"""`examples/tasks_demo.py` (run by `make demo`) replays its cassette offline, printing progress."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks_demo", ROOT / "examples" / "tasks_demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_replays_imagine_upscale_and_a_song() -> None:
    out = io.StringIO()
    assert _load().main(out=out) == 0
    text = out.getvalue()
    assert text.startswith("No AIMHUB_API_KEY set: replaying cassettes/demo/tasks.yaml")
    assert "midjourney 1320098173412546: in_progress 37%" in text
    assert "buttons< U1, U2, U3, U4" in text
    assert "upscaled< https://gateway.example/mj/image/1320098173412547" in text
    assert "song< https://cdn1.suno.ai/clip-1.mp3, https://cdn1.suno.ai/clip-2.mp3" in text


def test_without_its_cassette_it_says_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    demo = _load()
    monkeypatch.setattr(demo, "CASSETTE", tmp_path / "missing.yaml")
    with pytest.raises(FileNotFoundError, match=r"build_task_cassettes\.py"):
        demo.main(out=io.StringIO())
