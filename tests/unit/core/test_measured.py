"""Measured capabilities (`aimhub probe --json` output) applied on top of the catalogue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import aimhub
from aimhub import _measured
from aimhub._catalog import capabilities_for, clear_caches

PROBE_OUTPUT = {
    "schema": "aimhub-probe/1",
    "models": {
        "gpt-4o": {"capabilities": {"tool_calling": False, "context_window": 64_000}},
        "text-embedding-3-small": {"capabilities": {"embedding_dimensions": 512}},
    },
}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AIMHUB_CAPABILITIES", raising=False)
    yield
    _measured.reset()
    clear_caches()


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "caps.json"
    path.write_text(json.dumps(data))
    return path


def test_env_var_feeds_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert capabilities_for("gpt-4o").tool_calling is True  # cached before the variable is set
    monkeypatch.setenv("AIMHUB_CAPABILITIES", str(_write(tmp_path, PROBE_OUTPUT)))
    caps = capabilities_for("gpt-4o")
    assert (caps.tool_calling, caps.context_window, caps.vision) == (False, 64_000, True)
    assert capabilities_for("openai/GPT-4o").tool_calling is False  # same normalised id
    assert capabilities_for("gpt-4o-mini").tool_calling is True  # exact ids only
    assert capabilities_for("text-embedding-3-small").embedding_dimensions == 512


def test_per_instance_overrides_still_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_CAPABILITIES", str(_write(tmp_path, PROBE_OUTPUT)))
    assert capabilities_for("gpt-4o", {"tool_calling": True}).tool_calling is True


def test_public_call_with_a_plain_mapping() -> None:
    aimhub.load_capabilities({"claude-3-5-sonnet": {"vision": False}})
    assert capabilities_for("claude-3-5-sonnet").vision is False
    assert capabilities_for("claude-3-5-sonnet").family == "claude"


def test_public_call_with_a_path(tmp_path: Path) -> None:
    aimhub.load_capabilities(_write(tmp_path, PROBE_OUTPUT))
    assert capabilities_for("gpt-4o").tool_calling is False


def test_adapters_see_measured_capabilities(tmp_path: Path) -> None:
    from langchain_aimhub import ChatAimhub

    aimhub.load_capabilities({"gpt-4o": {"vision": False, "context_window": 50_000}})
    profile = ChatAimhub(model="gpt-4o", api_key="sk-test").profile
    assert profile is not None
    assert profile["image_inputs"] is False
    assert profile["max_input_tokens"] == 50_000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"gpt-4o": {"telepathy": True}}, "telepathy"),
        ({"gpt-4o": True}, "must map to an object"),
        ([1, 2], "must map model ids"),
    ],
)
def test_bad_data_is_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(aimhub.ConfigurationError, match=message):
        aimhub.load_capabilities(data)  # type: ignore[arg-type]


def test_bad_env_file_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    monkeypatch.setenv("AIMHUB_CAPABILITIES", str(bad))
    with pytest.raises(aimhub.ConfigurationError, match="AIMHUB_CAPABILITIES="):
        capabilities_for("gpt-4o")
    monkeypatch.setenv("AIMHUB_CAPABILITIES", str(tmp_path / "missing.json"))
    with pytest.raises(aimhub.ConfigurationError, match="cannot read"):
        capabilities_for("gpt-4o")
