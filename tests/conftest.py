"""Test configuration: cassettes replay only, from the repo's own folder, with secrets filtered."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aimhub._constants import SECRET_HEADERS, SECRET_QUERY_PARAMS

TESTS = Path(__file__).resolve().parent
CASSETTES = TESTS.parent / "cassettes"

#: Every header that could identify the recorder is dropped from cassettes, not only the key;
#: so is the per-call random idempotency key, which would make every recording differ.
FILTERED_HEADERS = sorted(
    SECRET_HEADERS | {"cookie", "set-cookie", "openai-organization", "idempotency-key"}
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "local_server: recordable against llama.cpp's server")


def _cleandoc_strings(value: Any) -> Any:
    if isinstance(value, str):
        return inspect.cleandoc(value)
    if isinstance(value, list):
        return [_cleandoc_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleandoc_strings(v) for k, v in value.items()}
    return value


def _wire_body(body: bytes | str | None) -> Any:
    """A request body as compared with its recording.

    Python 3.13 strips docstring indentation at compile time, so the tool descriptions
    LangChain derives from a function's docstring differ in leading spaces between the
    Python that recorded a cassette and the one replaying it. Tool texts are compared
    dedented; everything else byte for byte.
    """
    raw = body.encode() if isinstance(body, str) else (body or b"")
    try:
        payload = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(payload, dict) and "tools" in payload:
        payload["tools"] = _cleandoc_strings(payload["tools"])
    return payload


def _same_body(recorded: Any, sent: Any) -> None:
    from vcr.util import read_body

    assert _wire_body(read_body(recorded)) == _wire_body(read_body(sent))


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("wire_body", _same_body)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Our own config, not langchain-tests' `base_vcr_config()` (which records when live)."""
    return {
        "filter_headers": [(name, None) for name in FILTERED_HEADERS],
        "filter_query_parameters": [(name, None) for name in sorted(SECRET_QUERY_PARAMS)],
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "wire_body"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """`cassettes/<module path>/`, at the repo root whatever the working directory.

    The module path is taken below `tests/integration` (or `tests/unit`):
    `tests/integration/core/test_local_server.py` records into `cassettes/core/test_local_server/`.
    """
    return str(cassette_dir_for(request.path))


def cassette_dir_for(module: Path) -> Path:
    """Where the cassettes of a test module live."""
    parts = module.resolve().relative_to(TESTS).with_suffix("").parts
    if parts and parts[0] in ("integration", "unit"):
        parts = parts[1:]
    return CASSETTES.joinpath(*parts)


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    """Every test starts with new shared limiters: one test's 429s must not slow another."""
    from aimhub._limiter import reset_limiters

    reset_limiters()
    yield
    reset_limiters()


@pytest.fixture
def loopback(socket_enabled: None) -> Iterator[str]:
    """A real server on 127.0.0.1 (`tests/loopback.py`): sockets are enabled for this test only,
    to prove real I/O over the default async transport; nothing beyond loopback is reached."""
    from tests.loopback import serving

    with serving() as base:
        yield base
