"""Records the demo's own cassettes (`cassettes/demo/<section>.yaml`) by running its sections.

Replayed in every test run, so the demo code and its cassettes cannot drift apart.
"""

from __future__ import annotations

import io

import pytest

from tests.conftest import CASSETTES
from tests.fakes import load_demo

pytestmark = [pytest.mark.local_server, pytest.mark.vcr]


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES / "demo")


@pytest.fixture
def default_cassette_name() -> str:
    return "core"


def test_demo_core_section_against_the_local_server() -> None:
    demo = load_demo()
    out = io.StringIO()
    run = demo.Demo(demo.REPLAY_BASE_URL, demo.REPLAY_KEY, demo.REPLAY_MODEL, live=True, out=out)
    demo.core_section(run)
    text = out.getvalue()
    assert f"models (1): {demo.REPLAY_MODEL}" in text
    assert "reply< " in text
    assert "stream< " in text
    assert "finish_reason: " in text
