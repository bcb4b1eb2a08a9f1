"""Fixtures of the LlamaIndex unit tests: both worlds, no ambient environment."""

from __future__ import annotations

import pytest

from aimhub._constants import API_KEY_ENV, BASE_URL_ENV


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    """Run the test body through the sync method and through its async twin."""
    return bool(request.param)


@pytest.fixture(autouse=True)
def _no_ambient_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own AIMHUB_* variables must not change what a test sees."""
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
