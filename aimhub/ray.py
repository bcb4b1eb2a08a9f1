"""Batch callables for Ray Data `map_batches` and for multiprocessing pools.

```python
import ray
from aimhub.ray import ChatBatch, EmbedBatch

ds = ray.data.read_parquet("chunks.parquet")            # a "text" column
ds = ds.map_batches(
    EmbedBatch, fn_constructor_kwargs={"model": "text-embedding-3-small", "actors": 4,
                                       "max_in_flight": 32},
    concurrency=4, batch_size=1024,
)
```

Each actor builds its own client once; `max_in_flight // actors` caps that actor's limiter, so a
cluster stays under the key's limit (each process otherwise adapts on its own). Both classes
pickle as their settings only, so `multiprocessing.Pool.map(EmbedBatch(...), batches)` works;
the client is rebuilt in each worker. Ray itself is optional: these classes import nothing
from it (install Ray Data yourself: `pip install "ray[data]"`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aimhub._client import AimhubClient
from aimhub._embeddings import Embedder
from aimhub._exceptions import ConfigurationError
from aimhub._limiter import configure_limits

__all__ = ["ChatBatch", "EmbedBatch"]

Batch = dict[str, Any]


class _Mapper:
    """Settings kept for pickling; the client is built lazily in the process that calls."""

    def __init__(
        self,
        *,
        actors: int,
        max_in_flight: int | None,
        client_options: Mapping[str, Any],
    ) -> None:
        if not isinstance(actors, int) or actors < 1:
            msg = f"actors must be an integer >= 1 (the number of Ray actors), got {actors!r}"
            raise ConfigurationError(msg)
        self._share = None if max_in_flight is None else max(1, max_in_flight // actors)
        self._client_options = dict(client_options)
        self._client: AimhubClient | None = None
        # A missing key or a bad base_url fails here, in the driver, not in the first batch.
        AimhubClient(**self._client_options).close()

    @property
    def client(self) -> AimhubClient:
        if self._client is None:
            if self._share is not None:
                configure_limits(max_in_flight=self._share)
            self._client = AimhubClient(**self._client_options)
        return self._client

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_client": None}

    def __repr__(self) -> str:
        # Never the options: they hold the key.
        return f"{type(self).__name__}(share={self._share})"


def _column(batch: Mapping[str, Any], name: str) -> list[str]:
    if name not in batch:
        msg = f"the batch has no column {name!r} (columns: {sorted(batch)}); pass its name"
        raise ConfigurationError(msg)
    return [str(value) for value in batch[name]]


class EmbedBatch(_Mapper):
    """`batch[text_column]` → `batch[output_column]`, one vector per row, in row order.

    Args:
        model: the embedding model id.
        text_column: the column holding the texts.
        output_column: the column the vectors go to.
        actors: how many actors (or processes) share the key's budget.
        max_in_flight: the key's budget of calls in flight across all of them.
        embedder_options: `Embedder` options (`batch_size`, `dimensions`, `max_concurrency`, ...).
        **client_options: `AimhubClient` options (`api_key`, `base_url`, ...).
    """

    def __init__(
        self,
        model: str,
        *,
        text_column: str = "text",
        output_column: str = "embedding",
        actors: int = 1,
        max_in_flight: int | None = None,
        embedder_options: Mapping[str, Any] | None = None,
        **client_options: Any,
    ) -> None:
        self.embedder = Embedder.create(model, **dict(embedder_options or {}))
        self.text_column = text_column
        self.output_column = output_column
        super().__init__(actors=actors, max_in_flight=max_in_flight, client_options=client_options)

    def __call__(self, batch: Batch) -> Batch:
        texts = _column(batch, self.text_column)
        return {**batch, self.output_column: self.embedder.embed(self.client, texts)}


class ChatBatch(_Mapper):
    """`batch[prompt_column]` → `batch[output_column]`: one chat answer per row, in row order.

    Args:
        model: the chat model id.
        system: an optional system message sent before every prompt.
        max_concurrency: calls in flight per batch (threads); the limiter caps the total.
        body: more request fields, e.g. `{"temperature": 0}`.
    """

    def __init__(
        self,
        model: str,
        *,
        prompt_column: str = "prompt",
        output_column: str = "response",
        system: str | None = None,
        max_concurrency: int = 16,
        body: Mapping[str, Any] | None = None,
        actors: int = 1,
        max_in_flight: int | None = None,
        **client_options: Any,
    ) -> None:
        self.model = model
        self.prompt_column = prompt_column
        self.output_column = output_column
        self.system = system
        self.max_concurrency = max_concurrency
        self.body = dict(body or {})
        super().__init__(actors=actors, max_in_flight=max_in_flight, client_options=client_options)

    def _one(self, prompt: str) -> str:
        messages: Sequence[Mapping[str, str]] = [
            *([{"role": "system", "content": self.system}] if self.system else []),
            {"role": "user", "content": prompt},
        ]
        reply = self.client.chat({**self.body, "model": self.model, "messages": messages})
        message = reply.choices[0].message if reply.choices else None
        content = message.content if message is not None else None
        return content if isinstance(content, str) else ""

    def __call__(self, batch: Batch) -> Batch:
        prompts = _column(batch, self.prompt_column)
        with ThreadPoolExecutor(max(1, min(self.max_concurrency, len(prompts) or 1))) as pool:
            answers = list(pool.map(self._one, prompts))
        return {**batch, self.output_column: answers}
