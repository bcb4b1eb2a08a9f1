"""The model catalogue: lookup, overrides, global extension, and the README projection."""

from __future__ import annotations

import pytest

from aimhub import ConfigurationError
from aimhub._catalog import ModelCapabilities, capabilities_for, normalize_model_id, register_model
from aimhub._catalog_data import BUILTIN_ROWS
from scripts.catalog_table import README, updated_readme


@pytest.mark.parametrize(
    ("model", "family", "context"),
    [
        ("gpt-3.5-turbo-0613", "openai", 4_096),
        ("gpt-4-32k-0613", "openai", 32_768),
        ("gpt-4o-mini-2024-07-18", "openai", 128_000),
        ("o3-mini-high", "openai-reasoning", 200_000),
        ("gpt-5-mini", "openai-reasoning", 400_000),
        ("claude-2.1", "claude", 200_000),
        ("claude-3-5-sonnet-20240620", "claude", 200_000),
        ("gemini-pro", "gemini", 32_760),
        ("gemini-2.0-flash", "gemini", 1_048_576),
        ("qwen-max-longcontext", "qwen", 28_000),
        ("qwen3-235b-a22b", "qwen", 131_072),
        ("ERNIE-Bot-4", "ernie", 8_192),
        ("chatglm_turbo", "glm", 32_768),
        ("glm-4[128k]", "glm", 128_000),
        ("hunyuan-lite", "hunyuan", 32_000),
        ("SparkDesk-v3.5", "spark", 8_192),
        ("moonshot-v1-8k", "moonshot", 8_192),
        ("step-1v-32k", "stepfun", 32_000),
        ("deepseek-reasoner", "deepseek", 128_000),
        ("openai/gpt-4o", "openai", 128_000),
        ("totally-new-model", "unknown", 32_768),
    ],
)
def test_every_family_of_the_seed_pages_resolves(model: str, family: str, context: int) -> None:
    caps = capabilities_for(model)
    assert (caps.family, caps.context_window) == (family, context)


def test_longest_prefix_wins() -> None:
    assert capabilities_for("glm-4v").vision is True
    assert capabilities_for("glm-4").vision is False
    assert capabilities_for("deepseek-r1").reasoning_echo == "never"
    assert capabilities_for("deepseek-reasoner").reasoning_echo == "tool_turns"


def test_rules_are_data() -> None:
    assert capabilities_for("o1").token_param == "max_completion_tokens"
    assert capabilities_for("claude-3-opus").token_param == "max_tokens"
    glm = capabilities_for("glm-4")
    assert (glm.temperature_range, glm.top_p_range) == ((0.01, 1.0), (0.01, 0.99))
    assert capabilities_for("qwen-plus").default_top_p == 0.8
    assert capabilities_for("text-embedding-v3").embedding_batch_size == 10
    assert capabilities_for("hunyuan").tool_calling is False


def test_suffix_traits_apply_on_top_of_the_family() -> None:
    assert capabilities_for("claude-3-7-sonnet-20250219-thinking").reasoning is True
    assert capabilities_for("qwen3-32b-nothinking").reasoning is False


def test_per_instance_overrides_and_unknown_fields_are_rejected() -> None:
    assert capabilities_for("gpt-4o", {"context_window": 5}).context_window == 5
    record = ModelCapabilities(family="mine")
    assert capabilities_for("gpt-4o", record) is record
    with pytest.raises(ConfigurationError, match="unknown capability field"):
        capabilities_for("gpt-4o", {"contxt_window": 5})


def test_register_model_extends_the_table_for_every_client() -> None:
    register_model("acme-llm", family="acme", context_window=65_536, vision=True)
    caps = capabilities_for("acme-llm-2")
    assert (caps.family, caps.context_window, caps.vision) == ("acme", 65_536, True)


def test_model_ids_are_normalised() -> None:
    assert normalize_model_id(" Anthropic/Claude-3-Opus ") == "claude-3-opus"
    assert normalize_model_id("glm-4[128k]") == "glm-4"


def test_every_row_has_a_family_and_sane_numbers() -> None:
    for row in BUILTIN_ROWS:
        caps = row.capabilities
        assert caps.family != "unknown", row.prefixes
        assert caps.context_window > 0
        assert caps.embedding_batch_size > 0


def test_readme_table_is_generated_from_the_catalogue() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == updated_readme(text), "run `python scripts/catalog_table.py`"


def test_overrides_are_memoised_and_unhashable_values_still_work() -> None:
    first = capabilities_for("gpt-4o", {"context_window": 7, "vision": False})
    assert capabilities_for("gpt-4o", {"vision": False, "context_window": 7}) is first
    assert first.context_window == 7
    listed = capabilities_for("gpt-4o", {"tool_choices": ["auto"]})
    assert listed.tool_choices == frozenset({"auto"})
    with pytest.raises(ConfigurationError):
        capabilities_for("gpt-4o", {"nope": 1})
