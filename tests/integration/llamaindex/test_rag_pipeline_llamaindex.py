"""Issue 5 RAG: `VectorStoreIndex` with `AimhubEmbedding`, queried with `Aimhub` and `AimhubRerank`.

Replayed from cassettes built by `scripts/build_cassettes.py llamaindex-rag` from documented
gateway behaviour (see `cassettes/README.md`); the pipeline is `rag_pipeline.py`, shared with the
builder, over the same documents and question as the LangChain pipeline.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from llama_index.core.base.response.schema import Response

from examples.langchain_rag import DOCUMENTS, QUESTION
from tests.conftest import CASSETTES
from tests.integration.llamaindex.rag_pipeline import answer_question, rag_components
from tests.unit.llamaindex._events import collect_events

pytestmark = pytest.mark.vcr


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """The pipeline's cassettes live with the rerank cassettes."""
    return str(CASSETTES / "rerank" / "llamaindex_rag_pipeline")


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_llamaindex_rag_pipeline_answers_from_reranked_nodes(
    is_async: bool, vcr: Any
) -> None:
    with collect_events() as events:
        response = answer_question(rag_components(), is_async=is_async)
        if inspect.isawaitable(response):
            response = await response
    assert isinstance(response, Response)

    # The reranker kept its two best nodes, best first, with its own scores.
    sources = response.source_nodes
    assert [n.node.node_id for n in sources] == ["limits", "inputs"]
    scores = [n.score for n in sources]
    assert scores == sorted(scores, reverse=True)
    assert events.names("ReRankStartEvent", "ReRankEndEvent") == [
        "ReRankStartEvent",
        "ReRankEndEvent",
    ]

    # The LLM answered from the best node and quoted it.
    assert response.response is not None
    assert f'"{sources[0].node.get_content()}"' in response.response
    assert "10 inputs" in response.response

    # Index, query embedding, rerank of the 4 retrieved nodes, one chat completion.
    paths = [r.path for r in vcr.requests]
    assert paths == ["/v1/embeddings", "/v1/embeddings", "/v1/rerank", "/v1/chat/completions"]
    bodies = [json.loads(r.body) for r in vcr.requests]
    assert bodies[0]["input"] == [d.page_content for d in DOCUMENTS]
    assert bodies[1]["input"] == [QUESTION]
    assert bodies[2]["top_n"] == 2
    assert len(bodies[2]["documents"]) == 4
    assert vcr.all_played
