"""Build the embeddings, rerank and RAG cassettes from documented gateway behaviour (not recorded).

There is no embedding or rerank server with real semantics on this machine, so these cassettes
are written by running our real classes against `DocumentedGateway`, an `httpx.MockTransport`
that answers the way one-api/new-api gateways are documented to answer (OpenAI embeddings shape,
new-api's normalised rerank shape, Chat Completions shape; `docs/gateway-behaviour.md` §1, §10,
§11), while vcrpy records the exchange. Requests are therefore byte-for-byte what the library sends;
responses are deterministic functions of the request:

* embeddings: a hashed bag of character trigrams and words, L2-normalised (similar texts get
  similar vectors), 6 decimals;
* rerank: word overlap between query and document (a different signal than the vectors, so
  reranking can change the retriever's order);
* chat: an answer that quotes the first context passage of the prompt.

```sh
.venv/bin/python scripts/build_cassettes.py all    # or: embeddings | rag | llamaindex-rag
```

Re-run it when the requests the library sends change (a replayed test then fails with
"Can't overwrite existing cassette"). Output: `cassettes/embeddings/`, `cassettes/rerank/`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examples.langchain_rag import (  # noqa: E402
    GATEWAY,
    KEY,
    answer_question,
    rag_components,
)

CASSETTES = ROOT / "cassettes"
STANDARD_DIR = CASSETTES / "embeddings" / "standard"
RAG_DIR = CASSETTES / "rerank" / "rag_pipeline"
LLAMAINDEX_RAG_DIR = CASSETTES / "rerank" / "llamaindex_rag_pipeline"
DIMENSIONS = 64
_WORD = re.compile(r"\w+", re.UNICODE)


# --- deterministic semantics ---------------------------------------------------------------------


def _features(text: str) -> list[str]:
    lowered = text.lower()
    padded = f"  {lowered}  "
    trigrams = [padded[i : i + 3] for i in range(len(padded) - 2)]
    return trigrams + [f"w:{word}" for word in _WORD.findall(lowered)]


def ngram_vector(text: str, dims: int = DIMENSIONS) -> list[float]:
    """A unit vector from hashed character trigrams and words: similar texts, similar vectors."""
    vector = [0.0] * dims
    for feature in _features(text):
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        number = int.from_bytes(digest, "little")
        vector[number % dims] += 1.0 if (number >> 32) & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [round(x / norm, 6) for x in vector]


def overlap_score(query: str, document: str) -> float:
    """Share of the query's words found in the document, in [0, 1]."""
    wanted = set(_WORD.findall(query.lower()))
    found = set(_WORD.findall(document.lower()))
    return round(len(wanted & found) / len(wanted), 4) if wanted else 0.0


# --- the documented gateway -------------------------------------------------------------------


class DocumentedGateway:
    """A MockTransport handler answering like a one-api/new-api gateway is documented to."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        body = json.loads(request.content)
        routes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "/v1/embeddings": self.embeddings,
            "/v1/rerank": self.rerank,
            "/v1/chat/completions": self.chat,
        }
        answer = routes[request.url.path](body)
        # Every one-api/new-api answer carries its request id (docs/gateway-behaviour.md §1).
        headers = {"X-Oneapi-Request-Id": f"20261121000000{self.count:04d}"}
        return httpx.Response(200, json=answer, headers=headers)

    def embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        """OpenAI's embeddings shape, as gateways relay it (docs/gateway-behaviour.md §10)."""
        assert body["encoding_format"] == "float"
        dims = body.get("dimensions", DIMENSIONS)
        data = [
            {"object": "embedding", "index": i, "embedding": ngram_vector(text, dims)}
            for i, text in enumerate(body["input"])
        ]
        tokens = sum(len(_WORD.findall(text)) for text in body["input"])
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return {"object": "list", "data": data, "model": body["model"], "usage": usage}

    def rerank(self, body: dict[str, Any]) -> dict[str, Any]:
        """new-api's normalised rerank shape: results best first, `top_n` of them (§11)."""
        scored = [
            (overlap_score(body["query"], doc), i, doc) for i, doc in enumerate(body["documents"])
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        results = [
            {"index": i, "relevance_score": score, "document": {"text": doc}}
            for score, i, doc in scored[: body["top_n"]]
        ]
        tokens = sum(len(_WORD.findall(doc)) for doc in body["documents"])
        return {"results": results, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        """The Chat Completions shape; the answer quotes the first context passage."""
        prompt = "\n".join(_text(m.get("content")) for m in body["messages"])
        passages = _passages(prompt)
        text = f'According to the retrieved text: "{passages[0]}"' if passages else "I don't know."
        prompt_tokens = len(_WORD.findall(prompt))
        completion_tokens = len(_WORD.findall(text))
        return {
            "id": "chatcmpl-rag-0001",
            "object": "chat.completion",
            "created": 1763769600,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _text(content: Any) -> str:
    if isinstance(content, list):  # content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _passages(prompt: str) -> list[str]:
    # Our LangChain prompt lists passages as "- text" lines; LlamaIndex's QA prompt puts them,
    # blank-line separated, between two rules of dashes.
    listed = [line[2:] for line in prompt.splitlines() if line.startswith("- ")]
    if listed:
        return listed
    blocks = prompt.split("---------------------")
    context = blocks[1] if len(blocks) > 2 else ""
    return [part.strip() for part in context.split("\n\n") if part.strip()]


# --- recording ----------------------------------------------------------------------------------


def _strip_request(request: Any) -> Any:
    # Nothing about the builder's machine or key goes into a cassette.
    request.headers = {}
    return request


def _keep_content_type(response: dict[str, Any]) -> dict[str, Any]:
    keep = {"content-type", "x-oneapi-request-id"}
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in keep}
    return response


RECORDER = vcr.VCR(
    record_mode="all",
    before_record_request=_strip_request,
    before_record_response=_keep_content_type,
    decode_compressed_response=True,
    match_on=["method", "scheme", "host", "port", "path", "query", "body"],
)


def record(path: Path, scenario: Callable[[httpx.MockTransport], object]) -> None:
    """Run `scenario` against a fresh `DocumentedGateway` and write what it sent to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with RECORDER.use_cassette(str(path)):
        result = scenario(httpx.MockTransport(DocumentedGateway()))
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    print(f"wrote {path.relative_to(ROOT)}")


def _embeddings(transport: httpx.MockTransport) -> Any:
    from langchain_aimhub import AimhubEmbeddings

    return AimhubEmbeddings(
        model="text-embedding-3-small",
        dimensions=DIMENSIONS,
        api_key=KEY,
        base_url=GATEWAY,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )


def build_embeddings() -> None:
    """The four `EmbeddingsIntegrationTests` cassettes, one call pattern each."""
    prefix = "TestAimhubEmbeddingsIntegration"
    scenarios: dict[str, Callable[[httpx.MockTransport], object]] = {
        "test_embed_query": lambda t: [_embeddings(t).embed_query(q) for q in ("foo", "bar")],
        "test_embed_documents": lambda t: _embeddings(t).embed_documents(["foo", "bar", "baz"]),
        "test_aembed_query": lambda t: _both(_embeddings(t), "foo", "bar"),
        "test_aembed_documents": lambda t: _embeddings(t).aembed_documents(["foo", "bar", "baz"]),
    }
    for name, scenario in scenarios.items():
        record(STANDARD_DIR / f"{prefix}.{name}.yaml", scenario)


async def _both(model: Any, first: str, second: str) -> None:
    await model.aembed_query(first)
    await model.aembed_query(second)


def build_rag() -> None:
    """The RAG pipeline cassettes: embeddings → store → rerank → chat, sync and async."""
    for mode in ("sync", "async"):

        def scenario(transport: httpx.MockTransport, mode: str = mode) -> object:
            parts = rag_components(transport)
            return answer_question(parts, is_async=mode == "async")

        name = f"test_rag_pipeline_answers_from_reranked_documents[{mode}].yaml"
        record(RAG_DIR / name, scenario)


def build_llamaindex_rag() -> None:
    """The LlamaIndex pipeline cassettes: index → retrieve → rerank → answer, sync and async."""
    from tests.integration.llamaindex import rag_pipeline as li

    for mode in ("sync", "async"):

        def scenario(transport: httpx.MockTransport, mode: str = mode) -> object:
            return li.answer_question(li.rag_components(transport), is_async=mode == "async")

        name = f"test_llamaindex_rag_pipeline_answers_from_reranked_nodes[{mode}].yaml"
        record(LLAMAINDEX_RAG_DIR / name, scenario)


def main(argv: list[str]) -> int:
    """Entry point: `embeddings`, `rag`, `llamaindex-rag` or `all`."""
    targets = {
        "embeddings": build_embeddings,
        "rag": build_rag,
        "llamaindex-rag": build_llamaindex_rag,
    }
    chosen = argv[1:] or ["all"]
    for name in chosen:
        if name == "all":
            for build in targets.values():
                build()
        elif name in targets:
            targets[name]()
        else:
            print(f"unknown target {name!r}; choose from {[*targets, 'all']}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
