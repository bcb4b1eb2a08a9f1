"""langchain-tests' standard embeddings suites for `AimhubEmbeddings`.

The integration suite replays cassettes built by `scripts/build_cassettes.py embeddings` from the
documented OpenAI embeddings shape (see `cassettes/README.md`): no server answers these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from langchain_aimhub import AimhubEmbeddings
from tests.conftest import CASSETTES

pytestmark = pytest.mark.vcr

#: The reserved host the cassettes were built for (matching is on host, path and body).
GATEWAY = "https://gateway.example/v1"


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """These cassettes live with the other embeddings cassettes."""
    return str(CASSETTES / "embeddings" / "standard")


class TestAimhubEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[AimhubEmbeddings]:
        return AimhubEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "text-embedding-3-small", "api_key": "sk-unit-test"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"AIMHUB_API_KEY": "sk-from-env", "AIMHUB_BASE_URL": "https://env.example/v1"},
            {"model": "text-embedding-3-small"},
            {"api_key": "sk-from-env", "base_url": "https://env.example/v1"},
        )


class TestAimhubEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[AimhubEmbeddings]:
        return AimhubEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {
            "model": "text-embedding-3-small",
            "dimensions": 64,
            "api_key": "sk-replay",
            "base_url": GATEWAY,
            "max_retries": 0,
        }
