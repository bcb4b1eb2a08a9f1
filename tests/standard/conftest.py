"""Fixtures shared by the cassette-backed standard suites."""

from __future__ import annotations

import itertools
import types
import uuid

import pytest
from langchain_core.utils import function_calling


@pytest.fixture
def replayable_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the two sources of randomness in the chat suite's requests deterministic.

    `tool_example_to_messages` (the few-shot test) names its tool calls with `uuid4()`, and
    request bodies must match byte for byte on replay; the media downloads warn without a user
    agent.
    """
    counter = itertools.count()
    fake_uuid = types.SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(counter)))
    monkeypatch.setattr(function_calling, "uuid", fake_uuid)
    monkeypatch.setenv("LANGCHAIN_TESTS_USER_AGENT", "aimhub-tests (cassette replay)")
