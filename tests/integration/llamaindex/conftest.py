"""Cassettes of the LlamaIndex integration tests live in `cassettes/llamaindex/<module>/`."""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "llamaindex"


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """`cassettes/llamaindex/<test module name>/`, whatever the working directory."""
    return str(CASSETTES / Path(str(request.path)).stem)
