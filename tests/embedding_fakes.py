"""Fake `/embeddings` and `/rerank` gateways for unit tests (MockTransport handlers).

Each fake answers from the request it receives, the way a gateway would, with one documented
misbehaviour switched on at a time (docs/gateway-behaviour.md §10-§11).
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable
from typing import Any

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


def vector_for(text: str) -> list[float]:
    """A small vector that identifies its text (exact in float32, so base64 round-trips)."""
    return [float(len(text)), float(sum(map(ord, text)) % 251), 0.5]


def as_base64(vector: list[float]) -> str:
    """OpenAI's base64 encoding: little-endian float32."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def embeddings_body(
    inputs: list[str],
    *,
    order: list[int] | None = None,
    indices: list[Any] | None = None,
    b64: bool = False,
) -> dict[str, Any]:
    """An OpenAI-shaped embeddings answer for `inputs`.

    Args:
        inputs: the texts the request carried.
        order: the input positions in the order the items are listed (default: as sent).
        indices: the `index` value written on each listed item (default: its input position);
            `"omit"` leaves the key out.
        b64: encode vectors as base64 strings.
    """
    order = list(range(len(inputs))) if order is None else order
    data = []
    for slot, position in enumerate(order):
        vector = vector_for(inputs[position])
        item: dict[str, Any] = {
            "object": "embedding",
            "embedding": as_base64(vector) if b64 else vector,
        }
        index = position if indices is None else indices[slot]
        if index != "omit":
            item["index"] = index
        data.append(item)
    return {
        "object": "list",
        "data": data,
        "model": "m",
        "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
    }


def inputs_of(request: httpx.Request) -> list[str]:
    """The `input` list a request carried."""
    return list(json.loads(request.content)["input"])


def embeddings_handler(**options: Any) -> Handler:
    """A gateway that embeds every input it receives (see `embeddings_body` for options)."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=embeddings_body(inputs_of(request), **options))

    return handle


def first_input_only_handler() -> Handler:
    """new-api's Gemini adaptor (Apr 2025): one vector per request, for the first input only."""

    def handle(request: httpx.Request) -> httpx.Response:
        inputs = inputs_of(request)[:1]
        return httpx.Response(200, json=embeddings_body(inputs))

    return handle


def rerank_body(results: list[dict[str, Any]], key: str = "results") -> dict[str, Any]:
    """A rerank answer as new-api normalises it, with `results` (or `data`) as given."""
    return {key: results, "usage": {"prompt_tokens": 10, "total_tokens": 10}}
