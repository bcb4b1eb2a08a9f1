"""Build the media cassettes from documented behaviour (not recorded from a live gateway).

Runs each scenario of `tests/integration/media/scenarios.py` with our real clients (sync and
async) over `MediaGateway`, an `httpx.MockTransport` that answers in the shapes of the OpenAI API
reference (Images, Audio, Moderations pages), which the seeded gateways relay unchanged, and in
one-api/new-api's own shapes where the gateway answers itself (docs/gateway-behaviour.md §1: the
501 for image variations; §13: the billing routes). vcrpy writes each exchange.

```sh
.venv/bin/python scripts/build_media_cassettes.py
```

Output: `cassettes/media/test_media_cassettes/test_replay[<scenario>-<sync|async>].yaml`.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aimhub import AimhubClient, AsyncAimhubClient  # noqa: E402
from tests.integration.media.conftest import form_body  # noqa: E402
from tests.integration.media.scenarios import GATEWAY, KEY, MP3, PNG, SCENARIOS  # noqa: E402

OUT = ROOT / "cassettes" / "media" / "test_media_cassettes"
JSON = {"content-type": "application/json", "x-oneapi-request-id": "20261203120000000000001"}


def _json(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, headers=JSON)


class MediaGateway:
    """Answers each media route in its documented shape."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route = request.url.path.removeprefix("/v1")
        handler = {
            "/images/generations": self.generations,
            "/images/edits": self.edits,
            "/images/variations": self.variations,
            "/audio/speech": self.speech,
            "/audio/transcriptions": self.transcriptions,
            "/audio/translations": self.translations,
            "/moderations": self.moderations,
            "/dashboard/billing/subscription": self.subscription,
            "/dashboard/billing/usage": self.usage,
        }[route]
        return handler(request)

    def generations(self, request: httpx.Request) -> httpx.Response:
        return _json(
            200,
            {
                "created": 1764763200,
                "data": [
                    {
                        "url": "https://images.example/generated/fox-0.png",
                        "revised_prompt": "A red fox standing in fresh snow, soft morning light.",
                    }
                ],
            },
        )

    def edits(self, request: httpx.Request) -> httpx.Response:
        return _json(
            200, {"created": 1764763200, "data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )

    def variations(self, request: httpx.Request) -> httpx.Response:
        error = {
            "message": "API not implemented",
            "type": "new_api_error",
            "code": "api_not_implemented",
        }
        return _json(501, {"error": error})

    def speech(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=MP3, headers={**JSON, "content-type": "audio/mpeg"})

    def transcriptions(self, request: httpx.Request) -> httpx.Response:
        return _json(
            200,
            {
                "task": "transcribe",
                "language": "english",
                "duration": 1.2,
                "text": "Hello from the gateway.",
                "words": [
                    {"word": "Hello", "start": 0.0, "end": 0.4},
                    {"word": "from", "start": 0.4, "end": 0.6},
                    {"word": "the", "start": 0.6, "end": 0.7},
                    {"word": "gateway", "start": 0.7, "end": 1.2},
                ],
            },
        )

    def translations(self, request: httpx.Request) -> httpx.Response:
        headers = {**JSON, "content-type": "text/plain; charset=utf-8"}
        return httpx.Response(200, content=b"Hello from the gateway.\n", headers=headers)

    def moderations(self, request: httpx.Request) -> httpx.Response:
        names = ["harassment", "hate", "self-harm", "sexual", "violence"]

        def verdict(flagged: bool) -> dict[str, Any]:
            scores = {
                n: (0.93 if flagged and n in ("harassment", "violence") else 0.001) for n in names
            }
            return {
                "flagged": flagged,
                "categories": {n: scores[n] > 0.5 for n in names},
                "category_scores": scores,
            }

        body = {
            "id": "modr-0001",
            "model": "omni-moderation-latest",
            "results": [verdict(True), verdict(False)],
        }
        return _json(200, body)

    def subscription(self, request: httpx.Request) -> httpx.Response:
        return _json(
            200,
            {
                "object": "billing_subscription",
                "has_payment_method": True,
                "soft_limit_usd": 25.0,
                "hard_limit_usd": 25.0,
                "system_hard_limit_usd": 25.0,
                "access_until": 0,
            },
        )

    def usage(self, request: httpx.Request) -> httpx.Response:
        return _json(200, {"object": "list", "total_usage": 750.0})


def _strip_request(request: Any) -> Any:
    # Only the content type stays: multipart replay matches on it (the boundary).
    content_type = request.headers.get("content-type") or request.headers.get("Content-Type")
    request.headers = {"content-type": content_type} if content_type else {}
    return request


def _keep_headers(response: dict[str, Any]) -> dict[str, Any]:
    keep = {"content-type", "x-oneapi-request-id"}
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in keep}
    return response


RECORDER = vcr.VCR(
    record_mode="all",
    before_record_request=_strip_request,
    before_record_response=_keep_headers,
    decode_compressed_response=True,
)
RECORDER.register_matcher("form_body", form_body)


def build() -> None:
    """Every scenario, once per client kind."""
    # httpx draws each multipart boundary from os.urandom: seeded here, the files are
    # byte-for-byte reproducible (the idempotency key it also feeds is filtered out).
    seeded = random.Random(14)
    os.urandom = lambda n: seeded.randbytes(n)
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.yaml"):
        stale.unlink()
    transport = httpx.MockTransport(MediaGateway())
    for name, scenario in SCENARIOS.items():
        for kind in ("sync", "async"):
            path = OUT / f"test_replay[{name}-{kind}].yaml"
            if kind == "sync":
                client: Any = AimhubClient(
                    api_key=KEY,
                    base_url=GATEWAY,
                    max_retries=0,
                    http_client=httpx.Client(transport=transport),
                )
            else:
                client = AsyncAimhubClient(
                    api_key=KEY,
                    base_url=GATEWAY,
                    max_retries=0,
                    http_client=httpx.AsyncClient(transport=transport),
                )
            with (
                tempfile.TemporaryDirectory() as tmp,
                RECORDER.use_cassette(
                    str(path),
                    match_on=["method", "scheme", "host", "port", "path", "query", "form_body"],
                ),
            ):
                asyncio.run(scenario(client, Path(tmp)))
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
