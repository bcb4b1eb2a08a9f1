"""Issue 4 end to end: documents → embeddings → vector store → rerank → chat answer, replayed.

The cassettes are built by `scripts/build_cassettes.py rag` from documented gateway behaviour
(see `cassettes/README.md`); the pipeline itself is `examples/langchain_rag.py`, shared with
the builder and `make demo`.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from examples.langchain_rag import (
    DOCUMENTS,
    QUESTION,
    answer_question,
    rag_components,
)
from tests.conftest import CASSETTES

pytestmark = pytest.mark.vcr


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """The pipeline's cassettes live with the rerank cassettes."""
    return str(CASSETTES / "rerank" / "rag_pipeline")


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_rag_pipeline_answers_from_reranked_documents(is_async: bool, vcr: Any) -> None:
    result = answer_question(rag_components(), is_async=is_async)
    if inspect.isawaitable(result):
        result = await result
    assert isinstance(result, dict)

    # The reranker kept its two best passages, best first, scored.
    docs = result["docs"]
    assert [d.metadata["source"] for d in docs] == ["limits", "inputs"]
    scores = [d.metadata["relevance_score"] for d in docs]
    assert scores == sorted(scores, reverse=True)
    assert docs[0].page_content == DOCUMENTS[1].page_content

    # The chat model answered from that passage and quoted it.
    answer = result["answer"]
    assert isinstance(answer, AIMessage)
    assert f'"{docs[0].page_content}"' in answer.text
    assert "10 inputs" in answer.text
    assert answer.usage_metadata is not None
    assert answer.response_metadata["model_provider"] == "aimhub"

    # Every step went over the wire, in order, with the documented request shapes.
    requests = [json.loads(r.body) for r in vcr.requests]
    paths = [r.path for r in vcr.requests]
    assert paths == ["/v1/embeddings", "/v1/embeddings", "/v1/rerank", "/v1/chat/completions"]
    assert requests[0]["input"] == [d.page_content for d in DOCUMENTS]
    assert requests[1]["input"] == [QUESTION]
    assert requests[2]["top_n"] == 2
    assert len(requests[2]["documents"]) == 4
    assert vcr.all_played


def test_make_demo_section_replays_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from examples.langchain_rag import main

    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    out = io.StringIO()
    assert main(out) == 0
    assert "replaying" in out.getvalue()
    assert "10 inputs" in out.getvalue()
