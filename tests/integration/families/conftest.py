"""Fixtures of the per-family replayed tests: the request bodies sent, pinned generated ids."""

from __future__ import annotations

import itertools

import pytest

import aimhub._shaping
import aimhub._toolcalls
from tests.integration.families._sent import Sent


@pytest.fixture
def sent() -> Sent:
    return Sent()


@pytest.fixture(autouse=True)
def _pinned_generated_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids we generate for calls that arrive without one are random; pinned here so that the
    follow-up request (which echoes them) matches its cassette body."""
    counter = itertools.count(1)
    monkeypatch.setattr(aimhub._toolcalls, "_new_id", lambda: f"call_{next(counter):024d}")


@pytest.fixture(autouse=True)
def _fresh_parameter_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parameter warnings fire once per model and rule; each test starts with none fired."""
    monkeypatch.setattr(aimhub._shaping, "_warned", set())
