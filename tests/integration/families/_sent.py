"""The request bodies a test's clients send, captured by httpx request hooks (replay runs them)."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx

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
