"""A scripted new-api gateway on 127.0.0.1, for running the README's code blocks as written.

The README's samples read `AIMHUB_API_KEY` and `AIMHUB_BASE_URL` like any user program; the test
points them here. Chat answers come from `scripts/scripted_gateway.py` (the gateway the LangChain
cassettes are built from); `/v1/models`, `/v1/embeddings` and `/v1/rerank` answer in the shapes of
docs/gateway-behaviour.md §10-§12, the media routes as the OpenAI API reference documents them,
and the billing routes as §13 does. Every exchange is logged, so the test can assert what was sent.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from scripted_gateway import API_KEY, GATEWAY_HOST, ScriptedGateway

from tests.embedding_fakes import embeddings_body

MODELS = ["gpt-4o-mini", "gpt-4.1-mini", "o3-mini", "text-embedding-v3", "bge-reranker-v2-m3"]
#: A 1x1 transparent PNG: what an image route's `b64_json` decodes to here.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _rerank(body: dict[str, Any]) -> dict[str, Any]:
    """Scores by shared words with the query, as a reranker ranks: best first."""
    query = _words(str(body["query"]))
    documents = [str(d) for d in body["documents"]]
    scores = [len(query & _words(d)) / (len(query) or 1) for d in documents]
    order = sorted(range(len(documents)), key=lambda i: -scores[i])[: body.get("top_n")]
    results = [{"index": i, "relevance_score": round(scores[i], 4)} for i in order]
    return {"results": results, "usage": {"prompt_tokens": 12, "total_tokens": 12}}


def _moderation(texts: list[str]) -> dict[str, Any]:
    results = []
    for text in texts:
        violent = "kill" in text.lower()
        results.append(
            {
                "flagged": violent,
                "categories": {"violence": violent, "harassment": False},
                "category_scores": {"violence": 0.91 if violent else 0.01, "harassment": 0.01},
            }
        )
    return {"id": "modr-1", "model": "text-moderation-007", "results": results}


class ReadmeGateway:
    """An httpx handler: chat from the scripted gateway, the other routes answered here."""

    def __init__(self) -> None:
        self.chat = ScriptedGateway()
        self.log: list[tuple[str, str]] = []
        self.mj_tasks = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append((request.method, request.url.path))
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            error = {"message": "无效的令牌", "type": "new_api_error"}
            return httpx.Response(401, json={"error": error})
        path = request.url.path
        if request.method == "GET" and path == "/v1/models":
            data = [{"id": m, "object": "model", "owned_by": "custom"} for m in MODELS]
            return httpx.Response(200, json={"object": "list", "data": data, "success": True})
        if path == "/v1/embeddings":
            inputs = json.loads(request.content)["input"]
            return httpx.Response(200, json=embeddings_body(list(inputs)))
        if path == "/v1/rerank":
            return httpx.Response(200, json=_rerank(json.loads(request.content)))
        if path == "/v1/images/generations":
            body = json.loads(request.content)
            item = {"b64_json": base64.b64encode(PNG).decode(), "revised_prompt": body["prompt"]}
            return httpx.Response(200, json={"created": 1740830400, "data": [item]})
        if path == "/v1/audio/speech":
            audio = b"ID3" + bytes(512)
            return httpx.Response(200, content=audio, headers={"content-type": "audio/mpeg"})
        if path == "/v1/moderations":
            inputs = json.loads(request.content)["input"]
            texts = [inputs] if isinstance(inputs, str) else inputs
            return httpx.Response(200, json=_moderation(texts))
        if path.startswith("/mj/"):
            return self._midjourney(request)
        if path.endswith("/dashboard/billing/subscription"):
            subscription = {"object": "billing_subscription", "hard_limit_usd": 25.0}
            return httpx.Response(200, json=subscription)
        if "/dashboard/billing/usage" in path:
            return httpx.Response(200, json={"object": "list", "total_usage": 750.0})
        return self.chat(request)

    def _midjourney(self, request: httpx.Request) -> httpx.Response:
        """midjourney-proxy as new-api relays it (docs/gateway-behaviour.md §14): a submit
        answers `code: 1` and the task id; a fetch of a finished task has its image, buttons."""
        path = request.url.path
        if path.startswith("/mj/submit/"):
            self.mj_tasks += 1
            task_id = f"17122054913{self.mj_tasks:02d}"
            accepted = {"code": 1, "description": "提交成功", "result": task_id}
            return httpx.Response(200, json=accepted)
        task_id = path.split("/")[3]
        buttons = [
            {"customId": f"MJ::JOB::upsample::{i}::abc", "label": f"U{i}", "emoji": "", "type": 2}
            for i in range(1, 5)
        ]
        return httpx.Response(
            200,
            json={
                "id": task_id,
                "action": "IMAGINE" if task_id.endswith("01") else "UPSCALE",
                "status": "SUCCESS",
                "progress": "100%",
                "imageUrl": f"https://gateway.aimhub.test/mj/image/{task_id}",
                "failReason": "",
                "buttons": buttons if task_id.endswith("01") else [],
            },
        )


@contextmanager
def serving() -> Iterator[tuple[str, ReadmeGateway]]:
    """Yields the gateway's API root (`http://127.0.0.1:PORT/v1`) and the gateway itself."""
    gateway = ReadmeGateway()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _relay(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = httpx.Request(
                self.command,
                f"https://{GATEWAY_HOST}{self.path}",
                headers=dict(self.headers),
                content=self.rfile.read(length),
            )
            response = gateway(request)
            body = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._relay()

        def do_POST(self) -> None:
            self._relay()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", gateway
    finally:
        server.shutdown()
        server.server_close()
