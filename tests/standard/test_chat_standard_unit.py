"""langchain-tests' `ChatModelUnitTests` for `ChatAimhub` (no network; serialisation snapshot).

`test_serdes` compares `dumpd(model)` with `__snapshots__/test_chat_standard_unit.ambr`;
regenerate it after a deliberate change with `pytest tests/standard/test_chat_standard_unit.py
--snapshot-update` and review the diff (the key must appear only as a secret reference).
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.load import dumpd, load
from langchain_tests.unit_tests import ChatModelUnitTests
from pytest_benchmark.fixture import BenchmarkFixture
from syrupy.assertion import SnapshotAssertion

from langchain_aimhub import ChatAimhub

GATEWAY_URL = "https://gateway.aimhub.test/v1"


@pytest.fixture
def benchmark(benchmark: BenchmarkFixture) -> BenchmarkFixture:
    """`test_init_time` runs its body once here; timings belong to `make bench`."""
    benchmark.disabled = True
    return benchmark


class TestChatAimhubUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAimhub

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "gpt-4o-mini", "base_url": GATEWAY_URL, "api_key": "sk-unit-test"}

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return True

    @property
    def supports_pdf_inputs(self) -> bool:
        return True

    @property
    def supports_image_tool_message(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "gpt-4.1-mini"

    @pytest.mark.xfail(
        reason=(
            "langchain-core 1.7's load(allowed_objects='all'), which this test calls, admits only "
            "the classes listed in langchain-core's own serialization mapping; a package outside "
            "the langchain repo cannot be listed, so the reload step fails for every third-party "
            "model. The snapshot step before it still runs (raises=ValueError lets any other "
            "failure through), and test_serialised_model_round_trips_when_the_class_is_allowed "
            "does the same round trip with allowed_objects=[ChatAimhub]."
        ),
        raises=ValueError,
        strict=True,
    )
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"AIMHUB_API_KEY": "sk-from-env", "AIMHUB_BASE_URL": "https://env.example/v1"},
            {"model": "gpt-4o-mini"},
            {"api_key": "sk-from-env", "base_url": "https://env.example/v1"},
        )


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_serialised_model_round_trips_when_the_class_is_allowed(
    snapshot: SnapshotAssertion,
) -> None:
    """What `test_serdes` checks, with the class allowed explicitly: no key in the output."""
    unit = TestChatAimhubUnit()
    env, _, _ = unit.init_from_env_params
    with mock.patch.dict("os.environ", env):
        model = ChatAimhub(**{**unit.standard_chat_model_params, **unit.chat_model_params})
        serialised = dumpd(model)
        assert serialised == snapshot(name="serialized")
        loaded = load(
            serialised,
            valid_namespaces=["langchain_aimhub"],
            allowed_objects=[ChatAimhub],
            secrets_from_env=True,
        )
    assert isinstance(loaded, ChatAimhub)
    assert loaded.asdict() == model.asdict()
    assert "sk-" not in str(serialised)
