"""Fixtures of the per-family replayed tests: the request bodies sent, pinned generated ids."""

from __future__ import annotations

import itertools
import json
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import aimhub._shaping
import aimhub._toolcalls

#: One TLS context for every client: building one loads the CA bundle (~50 ms a client).
TLS = ssl.create_default_context()


@dataclass
class Sent:
    """The JSON bodies our client sent, in order (httpx request hooks; replay runs them too)."""

    bodies: list[dict[str, Any]] = field(default_factory=list)

    def hook(self, request: httpx.Request) -> None:
        self.bodies.append(json.loads(request.content))

    async def ahook(self, request: httpx.Request) -> None:
        self.hook(request)

    def client(self) -> httpx.Client:
        """A client whose requests land here."""
        return httpx.Client(verify=TLS, event_hooks={"request": [self.hook]})

    def async_client(self) -> httpx.AsyncClient:
        """An async client whose requests land here."""
        return httpx.AsyncClient(verify=TLS, event_hooks={"request": [self.ahook]})

    def one(self) -> dict[str, Any]:
        """The only body sent."""
        assert len(self.bodies) == 1, f"expected one request, got {len(self.bodies)}"
        return self.bodies[0]


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
