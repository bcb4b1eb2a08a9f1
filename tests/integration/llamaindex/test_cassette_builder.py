"""The LlamaIndex cassettes are exactly what `scripts/build_llamaindex_cassettes.py` builds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


# LlamaIndex's workflow runtime inspects pydantic instances with `inspect.getmembers`.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
def test_committed_cassettes_match_a_fresh_build(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_llamaindex_cassettes", ROOT / "scripts" / "build_llamaindex_cassettes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = builder
    spec.loader.exec_module(builder)
    built = builder.build(tmp_path)
    assert len(built) == 7
    for path in built:
        committed = builder.CASSETTES / path.relative_to(tmp_path)
        assert committed.read_text() == path.read_text(), f"rebuild {committed}"
