"""Cassette matching for multipart bodies: the form's parts, not its random boundary."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import vcr_config as _base_vcr_config
from tests.media_fakes import parse_form


def _form(request: Any) -> list[Any] | None:
    content_type = request.headers.get("content-type") or request.headers.get("Content-Type")
    if isinstance(content_type, list):
        content_type = content_type[0]
    if not content_type or not content_type.startswith("multipart/form-data"):
        return None
    body = request.body or b""
    return parse_form(content_type, body if isinstance(body, bytes) else body.encode())


def form_body(r1: Any, r2: Any) -> None:
    """Multipart requests match on their parts (httpx draws a new boundary per request)."""
    first, second = _form(r1), _form(r2)
    if first is None and second is None:
        # vcrpy's aiohttp stub has None (or text) where httpx's has b"": the same empty body.
        assert _raw(r1) == _raw(r2), "bodies differ"
        return
    assert first == second, "multipart bodies differ"


def _raw(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    return body if isinstance(body, bytes) else str(body).encode()


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("form_body", form_body)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """The suite's config, matching bodies with `form_body`."""
    config = dict(_base_vcr_config.__wrapped__())  # type: ignore[attr-defined]
    config["match_on"] = ["method", "scheme", "host", "port", "path", "query", "form_body"]
    return config
