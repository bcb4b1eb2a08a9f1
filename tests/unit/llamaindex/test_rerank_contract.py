"""`AimhubRerank` contract: a real `BaseNodePostprocessor`, scores, native async, rerank events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from llama_index.core.callbacks import CallbackManager, CBEventType, LlamaDebugHandler
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, TextNode

from llamaindex_aimhub.postprocessor import AimhubRerank
from tests.embedding_fakes import rerank_body
from tests.fakes import FakeGateway, json_reply
from tests.unit.llamaindex._events import collect_events

KEY = "sk-unit-test-key-0123456789"
NODES = [
    NodeWithScore(node=TextNode(text="Pandas eat bamboo.", id_="a"), score=0.8),
    NodeWithScore(node=TextNode(text="Aimhub relays OpenAI-style APIs.", id_="b"), score=0.7),
    NodeWithScore(node=TextNode(text="Rerankers sort passages.", id_="c"), score=0.6),
]
RESULTS = [
    {"index": 0, "relevance_score": 0.05, "document": {"text": "Pandas eat bamboo."}},
    {"index": 2, "relevance_score": 0.42},
    {"index": 1, "relevance_score": 0.93, "document": "Aimhub relays OpenAI-style APIs."},
]


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError("the other client was used")


def make_reranker(gateway: FakeGateway, is_async: bool, **kwargs: Any) -> AimhubRerank:
    """A reranker whose client of the chosen kind talks to `gateway`; the other one fails."""
    used, unused = httpx.MockTransport(gateway), httpx.MockTransport(_refuse)
    return AimhubRerank(
        model="bge-reranker-v2-m3",
        api_key=KEY,
        api_base="https://gw.test/v1",
        http_client=httpx.Client(transport=unused if is_async else used),
        async_http_client=httpx.AsyncClient(transport=used if is_async else unused),
        max_retries=0,
        **kwargs,
    )


async def postprocess(
    reranker: AimhubRerank, nodes: list[NodeWithScore], query: str | None, is_async: bool
) -> list[NodeWithScore]:
    if is_async:
        return await reranker.apostprocess_nodes(nodes, query_str=query)
    return reranker.postprocess_nodes(nodes, query_str=query)


def test_is_a_llamaindex_node_postprocessor_with_its_own_class_name() -> None:
    assert issubclass(AimhubRerank, BaseNodePostprocessor)
    assert AimhubRerank.class_name() == "AimhubRerank"
    reranker = make_reranker(FakeGateway(json_reply(200, {})), is_async=False)
    assert reranker.to_dict()["class_name"] == "AimhubRerank"
    assert KEY not in str(reranker.to_dict())


async def test_nodes_come_back_best_first_with_the_reranker_scores(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    reranker = make_reranker(gateway, is_async, top_n=2)

    kept = await postprocess(reranker, NODES, "What is Aimhub?", is_async)

    assert [(n.node.node_id, n.score) for n in kept] == [("b", 0.93), ("c", 0.42)]
    assert NODES[1].score == 0.7  # the input nodes keep their retrieval scores
    assert gateway.bodies == [
        {
            "model": "bge-reranker-v2-m3",
            "query": "What is Aimhub?",
            "documents": [n.node.get_content() for n in NODES],
            "top_n": 2,
        }
    ]


async def test_rerank_events_fire_like_llamaindex_rerankers(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    debug = LlamaDebugHandler()
    reranker = make_reranker(gateway, is_async, top_n=1)
    reranker.callback_manager = CallbackManager([debug])

    with collect_events() as events:
        kept = await postprocess(reranker, NODES, "What is Aimhub?", is_async)

    start = next(e for e in events.events if e.class_name() == "ReRankStartEvent")
    end = next(e for e in events.events if e.class_name() == "ReRankEndEvent")
    assert (start.top_n, start.model_name, len(start.nodes)) == (1, "bge-reranker-v2-m3", 3)  # type: ignore[attr-defined]
    assert start.query.query_str == "What is Aimhub?"  # type: ignore[attr-defined]
    assert end.nodes == kept  # type: ignore[attr-defined]
    assert len(debug.get_event_pairs(CBEventType.RERANKING)) == 1


async def test_no_nodes_make_no_request(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    assert await postprocess(make_reranker(gateway, is_async), [], "q", is_async) == []
    assert gateway.requests == []


async def test_a_missing_query_is_a_clear_error(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    with pytest.raises(ValueError, match="needs the query"):
        await postprocess(make_reranker(gateway, is_async), NODES, None, is_async)


async def test_score_threshold_and_top_n_none(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    reranker = make_reranker(gateway, is_async, top_n=None, score_threshold=0.1)
    kept = await postprocess(reranker, NODES, "q", is_async)
    assert [n.node.node_id for n in kept] == ["b", "c"]
    assert gateway.bodies[0]["top_n"] == 3
