"""`examples/langchain_demo.py`: its cassette is recorded by running it, and it replays offline.

`cassettes/demo/langchain.yaml` is built by `scripts/build_langchain_cassettes.py` through
`test_demo_sections_record_their_cassette`; every normal run replays it twice (through
pytest-recording and through the demo's own `main()`), so the demo and its cassette cannot drift.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEMO_PATH = Path(__file__).resolve().parents[3] / "examples" / "langchain_demo.py"


def _load_demo() -> ModuleType:
    name = "aimhub_examples_langchain_demo"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DEMO_PATH)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(_load_demo().CASSETTE.parent)


@pytest.fixture
def default_cassette_name() -> str:
    return _load_demo().CASSETTE.stem


def _check(text: str) -> None:
    assert "reply< I'm an AI assistant" in text
    assert "stream< The tide rolls in" in text
    assert "model calls: get_weather({'location': 'Paris'})" in text
    assert "get_population -> 13960236" in text
    assert "agent< " in text
    assert "Tokyo has the most people" in text


@pytest.mark.vcr
def test_demo_sections_record_their_cassette() -> None:
    demo = _load_demo()
    out = io.StringIO()
    demo.run(demo.replay_model(), out)
    _check(out.getvalue())


def test_main_replays_offline_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    out = io.StringIO()
    assert _load_demo().main(out) == 0
    first, *rest = out.getvalue().splitlines()
    assert first.startswith("No AIMHUB_API_KEY set: replaying")
    _check("\n".join(rest))
