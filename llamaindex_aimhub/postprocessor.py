"""`AimhubRerank`: a LlamaIndex node postprocessor over a gateway's `POST /rerank`."""

from __future__ import annotations

from llama_index.core.callbacks import CBEventType, EventPayload
from llama_index.core.instrumentation.events.rerank import ReRankEndEvent, ReRankStartEvent
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle
from llama_index_instrumentation import get_dispatcher
from pydantic import AliasChoices, Field

from aimhub.adapter import RankedDocument, Reranker
from llamaindex_aimhub._retrieval import GatewayFields

__all__ = ["AimhubRerank"]

dispatcher = get_dispatcher(__name__)


class AimhubRerank(GatewayFields, BaseNodePostprocessor):
    """Rerank nodes with any reranker model behind an aggregator gateway.

    Returns the kept nodes best first, each a `NodeWithScore` carrying the reranker's score;
    emits LlamaIndex's `ReRankStartEvent`/`ReRankEndEvent` and a `RERANKING` callback event,
    and has a native async path (`apostprocess_nodes`).

    ```python
    from llamaindex_aimhub import AimhubRerank

    reranker = AimhubRerank(model="bge-reranker-v2-m3", top_n=3)
    engine = index.as_query_engine(similarity_top_k=20, node_postprocessors=[reranker])
    ```
    """

    model: str = Field(
        validation_alias=AliasChoices("model", "model_name"),
        description="Reranker model id as the gateway lists it.",
    )
    top_n: int | None = Field(
        default=3, description="Nodes to keep (and to ask the gateway for); None keeps all."
    )
    score_threshold: float | None = Field(
        default=None, description="Drop nodes scoring below this."
    )
    return_documents: bool | None = Field(
        default=None, description="Sent only when set; results are matched by index anyway."
    )

    def _check(self) -> None:
        self._reranker()  # a bad top_n fails at construction

    @classmethod
    def class_name(cls) -> str:
        """The class name, for LlamaIndex serialisation."""
        return "AimhubRerank"

    def _reranker(self) -> Reranker:
        return Reranker(
            self.model,
            top_n=self.top_n,
            score_threshold=self.score_threshold,
            return_documents=self.return_documents,
            extra_body=self.additional_kwargs,
        )

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        query = self._start(nodes, query_bundle)
        with self.callback_manager.event(
            CBEventType.RERANKING, payload=self._payload(nodes, query)
        ) as event:
            ranked = self._reranker().rerank(self._client, query, _texts(nodes))
            kept = _with_scores(nodes, ranked)
            event.on_end(payload={EventPayload.NODES: kept})
        dispatcher.event(ReRankEndEvent(nodes=kept))
        return kept

    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        query = self._start(nodes, query_bundle)
        with self.callback_manager.event(
            CBEventType.RERANKING, payload=self._payload(nodes, query)
        ) as event:
            ranked = await self._reranker().arerank(self._async_client, query, _texts(nodes))
            kept = _with_scores(nodes, ranked)
            event.on_end(payload={EventPayload.NODES: kept})
        dispatcher.event(ReRankEndEvent(nodes=kept))
        return kept

    def _start(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None) -> str:
        dispatcher.event(
            ReRankStartEvent(
                query=query_bundle,
                nodes=nodes,
                top_n=self._reranker().keep(len(nodes)),
                model_name=self.model,
            )
        )
        if query_bundle is None:
            msg = "AimhubRerank needs the query: pass query_str=... or query_bundle=..."
            raise ValueError(msg)
        return query_bundle.query_str

    def _payload(self, nodes: list[NodeWithScore], query: str) -> dict[str, object]:
        return {
            EventPayload.NODES: nodes,
            EventPayload.MODEL_NAME: self.model,
            EventPayload.QUERY_STR: query,
            EventPayload.TOP_K: self._reranker().keep(len(nodes)),
        }


def _texts(nodes: list[NodeWithScore]) -> list[str]:
    # The text an embedding would see: content plus the metadata meant for retrieval.
    return [n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]


def _with_scores(nodes: list[NodeWithScore], ranked: list[RankedDocument]) -> list[NodeWithScore]:
    return [NodeWithScore(node=nodes[hit.index].node, score=hit.score) for hit in ranked]
