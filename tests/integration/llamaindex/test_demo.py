"""`examples/llamaindex_demo.py` replays offline from `cassettes/llamaindex/demo/`."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEMO = Path(__file__).resolve().parents[3] / "examples" / "llamaindex_demo.py"


def load_demo() -> ModuleType:
    """The demo script, loaded by path (it is not a package module)."""
    name = "llamaindex_demo"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DEMO)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# LlamaIndex's workflow runtime inspects pydantic instances with `inspect.getmembers`.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
def test_demo_replays_the_rag_query_and_the_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    out = io.StringIO()
    assert load_demo().main(out) == 0
    text = out.getvalue()
    assert "replaying cassettes/llamaindex/demo/" in text
    assert "answer< It answers HTTP 503: no channel is available" in text
    assert "tool  get_weather({'city': 'Paris'}) -> Sunny, 21°C in Paris." in text
    assert "tool  get_time({'city': 'Paris'}) -> It is 10:00 in Paris." in text
    assert "answer< In Paris it is sunny at 21°C, and the local time is 10:00." in text


def test_a_missing_cassette_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    demo = load_demo()
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    monkeypatch.setattr(demo, "CASSETTES", tmp_path)
    with pytest.raises(FileNotFoundError, match="build_llamaindex_cassettes"):
        demo.main(io.StringIO())
