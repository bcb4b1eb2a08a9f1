"""Fixtures of the core unit tests: both client kinds, no real sleeping, no ambient env."""

from __future__ import annotations

import pytest

import aimhub._client
from aimhub._constants import API_KEY_ENV, BASE_URL_ENV


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    """Run the test body once with `AimhubClient` and once with `AsyncAimhubClient`."""
    return bool(request.param)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every retry wait, recorded instead of slept (for both clients)."""
    delays: list[float] = []

    async def fake_asleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(aimhub._client, "_sleep", delays.append)
    monkeypatch.setattr(aimhub._client, "_asleep", fake_asleep)
    return delays


@pytest.fixture(autouse=True)
def _no_ambient_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own AIMHUB_* variables must not change what a test sees."""
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
