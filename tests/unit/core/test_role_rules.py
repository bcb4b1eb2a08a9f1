"""`role_rules` values name the rule, not a model family; the old family names still work."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import aimhub
from aimhub import _measured
from aimhub._capabilities import LEGACY_ROLE_RULES, ModelCapabilities
from aimhub._catalog import capabilities_for, clear_caches
from aimhub._shaping import AimhubParameterWarning, shape_chat_request


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AIMHUB_CAPABILITIES", raising=False)
    yield
    _measured.reset()
    clear_caches()


@pytest.mark.parametrize(
    ("model", "rule"),
    [
        ("gpt-4o", "any_order"),
        ("claude-3-5-sonnet-20240620", "strict_alternation"),
        ("qwen-max", "strict_alternation"),
        ("sparkdesk", "strict_alternation"),
        ("ERNIE-Bot-4", "strict_alternation_drop_leading_assistant"),
    ],
)
def test_builtin_rows_use_the_rule_names(model: str, rule: str) -> None:
    assert capabilities_for(model).role_rules == rule


def test_no_builtin_value_is_a_family_name() -> None:
    from aimhub._catalog_data import BUILTIN_ROWS

    assert not {row.capabilities.role_rules for row in BUILTIN_ROWS} & set(LEGACY_ROLE_RULES)


@pytest.mark.parametrize(("old", "new"), sorted(LEGACY_ROLE_RULES.items()))
def test_old_values_are_accepted_with_a_deprecation_warning(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"role_rules='{old}' is deprecated") as caught:
        assert ModelCapabilities().replace(role_rules=old).role_rules == new
    assert caught[0].filename == __file__  # points at the caller, not into the package
    with pytest.warns(DeprecationWarning, match="role_rules"):
        assert ModelCapabilities(role_rules=old).role_rules == new  # type: ignore[arg-type]
    with pytest.warns(DeprecationWarning, match="role_rules") as caught:
        assert capabilities_for("gpt-4o", {"role_rules": old}).role_rules == new
    assert caught[0].filename == __file__


def test_new_values_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        caps = ModelCapabilities().replace(role_rules="strict_alternation_drop_leading_assistant")
        assert capabilities_for("gpt-4o", {"role_rules": "strict_alternation"}).role_rules
    assert caps.role_rules == "strict_alternation_drop_leading_assistant"


def test_measured_files_with_old_values_are_upgraded_once(tmp_path: Path) -> None:
    path = tmp_path / "caps.json"
    path.write_text('{"gpt-4o": {"role_rules": "ernie"}}')
    with pytest.warns(DeprecationWarning, match="role_rules='ernie'"):
        aimhub.load_capabilities(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # stored upgraded: lookups do not warn again
        assert capabilities_for("gpt-4o").role_rules == "strict_alternation_drop_leading_assistant"
        assert capabilities_for("gpt-4o-mini").role_rules == "any_order"


def test_an_old_value_shapes_the_same_as_its_new_name() -> None:
    body = {
        "model": "my-model",
        "messages": [
            {"role": "assistant", "content": "hello"},
            {"role": "user", "content": "hi"},
            {"role": "user", "content": "there"},
        ],
    }
    with pytest.warns(DeprecationWarning, match="role_rules"):
        old = ModelCapabilities(role_rules="ernie")  # type: ignore[arg-type]
    new = ModelCapabilities(role_rules="strict_alternation_drop_leading_assistant")
    with pytest.warns(AimhubParameterWarning):
        shaped_old = shape_chat_request(body, old, stream=False).body
    with pytest.warns(AimhubParameterWarning):
        shaped_new = shape_chat_request({**body, "model": "my-model-2"}, new, stream=False).body
    assert shaped_old["messages"] == shaped_new["messages"]
    assert shaped_new["messages"] == [{"role": "user", "content": "hi\n\nthere"}]
