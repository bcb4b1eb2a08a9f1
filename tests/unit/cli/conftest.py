"""CLI tests run `aimhub` in-process with typer's CliRunner over a fake gateway transport."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from typer.testing import CliRunner

from aimhub import _measured
from aimhub.cli import _context
from tests.fakes import BASE_URL, TEST_KEY
from tests.unit.cli._gateway import Gateway

Install = Callable[[dict[str, str]], Gateway]


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Install:
    """`gateway({"model": "behaviour"})` serves the CLI's requests from a `Gateway`."""
    monkeypatch.setenv("AIMHUB_API_KEY", TEST_KEY)
    monkeypatch.setenv("AIMHUB_BASE_URL", BASE_URL)
    monkeypatch.delenv("AIMHUB_CAPABILITIES", raising=False)

    def install(models: dict[str, str]) -> Gateway:
        fake = Gateway(models)
        monkeypatch.setattr(_context, "transport", httpx.MockTransport(fake))
        return fake

    return install


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _forget_measured() -> Iterator[None]:
    yield
    _measured.reset()
    from aimhub._catalog import clear_caches

    clear_caches()
