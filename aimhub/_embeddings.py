"""Embeddings over any gateway: string inputs, per-model batches, checked order, decoded vectors."""

from __future__ import annotations

import asyncio
import base64
import binascii
import importlib
import logging
import sys
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._exceptions import (
    APIResponseValidationError,
    AuthenticationError,
    ConfigurationError,
    EmbeddingBatchError,
    EmbeddingCountError,
    InsufficientQuotaError,
    ModelNotAvailableError,
    NotFoundError,
    PermissionDeniedError,
)
from aimhub._portal import run_blocking
from aimhub.types import Embedding, EmbeddingResponse

if TYPE_CHECKING:
    from aimhub._client import AimhubClient, AsyncAimhubClient

__all__ = [
    "DEFAULT_EMBEDDING_CONCURRENCY",
    "Embedder",
    "EmbeddingBatchError",
    "EmbeddingCountError",
    "EncodingFormat",
    "check_inputs",
    "decode_vector",
    "read_vectors",
]

logger = logging.getLogger("aimhub")

EncodingFormat = Literal["float", "base64"]
Vector = list[float]

#: Requests in flight per call: enough to hide a relay's latency behind decoding; a gateway that
#: allows fewer is found by the key's adaptive limiter (aimhub/_limiter.py), which also caps the
#: total across calls.
DEFAULT_EMBEDDING_CONCURRENCY = 8

# Every later batch would fail the same way: stop sending instead of paying for nothing.
_STOP_ALL = (
    AuthenticationError,
    InsufficientQuotaError,
    PermissionDeniedError,
    ModelNotAvailableError,
    NotFoundError,
)


# --- pure steps ------------------------------------------------------------------------------


def check_inputs(texts: Sequence[str]) -> list[str]:
    """The inputs as a list, after checking that every one can be sent as it is.

    Text is never rewritten, so what a gateway would reject is refused here with the fix.

    Raises:
        TypeError: `texts` is one string, or an item is not a string (e.g. token ids).
        ConfigurationError: an item is the empty string, which OpenAI documents as invalid
            ("cannot be an empty string") and which DashScope and most relays answer with 400.
    """
    if isinstance(texts, str):
        msg = "embed a list of strings, not one string: wrap it as [text] or use the query method"
        raise TypeError(msg)
    inputs = list(texts)
    for position, text in enumerate(inputs):
        if not isinstance(text, str):
            # Token ids are dropped or misread by non-OpenAI upstreams
            # (docs/gateway-behaviour.md §10).
            what = "token ids" if isinstance(text, (list, tuple)) else type(text).__name__
            msg = (
                f"input {position} is {what}, not a string: aimhub sends text only, "
                "because gateways drop or misread anything else "
                "(docs/gateway-behaviour.md §10); pass str(...)."
            )
            raise TypeError(msg)
    empty = [position for position, text in enumerate(inputs) if not text]
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (", ..." if len(empty) > 10 else "")
        msg = (
            f"input(s) {shown} are empty strings, which embedding APIs reject with HTTP 400; "
            "drop them before embedding (e.g. [t for t in texts if t]) or replace them with "
            "a placeholder text of your choice."
        )
        raise ConfigurationError(msg)
    return inputs


def batch_ranges(count: int, size: int) -> list[range]:
    """Consecutive index ranges of at most `size` inputs covering `0..count-1`."""
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _in_input_order(items: Sequence[Embedding]) -> list[Embedding]:
    # Trust `index` only when it is a permutation of 0..n-1: one-api's Gemini adaptor sends 0 for
    # every item, others omit it (docs/gateway-behaviour.md §10). Otherwise the response order is
    # the input order.
    indices = [item.index for item in items if item.index is not None]
    if len(indices) == len(items) and sorted(indices) == list(range(len(items))):
        return sorted(items, key=lambda item: item.index or 0)
    return list(items)


def read_vectors(response: EmbeddingResponse, count: int, *, model: str) -> list[Vector]:
    """The vectors of one batch, in input order and as float lists.

    Raises:
        EmbeddingCountError: the response holds a different number of vectors than `count`.
        APIResponseValidationError: a vector is missing, malformed or per-token.
    """
    if len(response.data) != count:
        raise EmbeddingCountError(
            _count_message(model, count, len(response.data)), expected=count, got=len(response.data)
        )
    return [
        decode_vector(item.embedding, position, model=model)
        for position, item in enumerate(_in_input_order(response.data))
    ]


def _count_message(model: str, expected: int, got: int) -> str:
    if expected > 1:
        return f"the gateway returned {got} vectors for {expected} inputs of model {model!r}"
    return (
        f"The gateway returned {got} vectors for a single input of model {model!r}, even when "
        "sent one input per request after a mismatched batch, so vectors cannot be matched to "
        "their inputs. Check that the model is an embeddings model on this gateway "
        "(docs/gateway-behaviour.md §10)."
    )


def decode_vector(value: object, position: int, *, model: str) -> Vector:
    """One `embedding` field as floats: a number list, or base64 of little-endian float32.

    Raises:
        APIResponseValidationError: with what was received and what to do, for anything else
            (including llama.cpp's per-token lists of vectors).
    """
    if isinstance(value, str):
        return _decode_base64(value, position, model)
    if type(value) is list and value:
        if type(value[0]) is list:
            raise APIResponseValidationError(_per_token_message(value, position, model))
        try:
            # The parsed list is returned as it is: `sum` checks in C that every item is a
            # number at a fifth of the cost of copying the vector through float()
            # (docs/throughput.md, "Decoding"). Only a vector of JSON integers is converted.
            total = sum(value)
        except TypeError:
            pass
        else:
            return value if type(total) is float else list(map(float, value))
    shown = repr(value)[:80]
    msg = (
        f"Unexpected response: the embedding of input {position} (model {model!r}) is "
        f"{shown}, not a list of numbers or a base64 string — check that base_url points at "
        "an OpenAI-compatible embeddings API."
    )
    raise APIResponseValidationError(msg)


def _decode_base64(text: str, position: int, model: str) -> Vector:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b"?"  # reported below with the length check
    if not raw or len(raw) % 4:
        msg = (
            f"Unexpected response: the base64 embedding of input {position} (model {model!r}) "
            "does not decode to float32 values — use encoding_format='float'."
        )
        raise APIResponseValidationError(msg)
    # OpenAI's base64 format is little-endian float32; `array` decodes it in C, without numpy.
    floats = array("f", raw)
    if sys.byteorder == "big":
        floats.byteswap()
    return floats.tolist()


def _per_token_message(value: list[Any], position: int, model: str) -> str:
    width = len(value[0])
    return (
        f"The server returned one vector per token for input {position} (model {model!r}: "
        f"{len(value)} vectors of {width} numbers) instead of one pooled vector. This is a "
        "llama.cpp-based server running an embedding endpoint without pooling (llama-cpp-python "
        "with --embedding true, or llama-server with --pooling none). Serve pooled vectors: "
        "start llama-server with `--embeddings --pooling mean` (or cls/last), or load an "
        "embedding model whose GGUF declares a pooling type (e.g. bge, nomic-embed); aimhub "
        "does not pool token vectors itself."
    )


# --- the embedder ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Embedder:
    """How to embed for one model: batch size, wire format, concurrency.

    Shared by `AimhubEmbeddings` (LangChain) and `AimhubEmbedding` (LlamaIndex); the clients do
    the I/O, this class decides everything else.

    ```python
    embedder = Embedder.create("text-embedding-v3")  # 10 inputs per request (DashScope's cap)
    vectors = embedder.embed(AimhubClient(), ["first text", "second text"])
    ```

    Args:
        model: the gateway's model id.
        batch_size: inputs per request.
        encoding_format: `"float"` or `"base64"`, always sent; either answer is decoded.
        dimensions: sent only when set, for models that can shorten their vectors.
        max_concurrency: requests in flight at once, sync or async (see `embed`).
        show_progress_bar: a tqdm bar over inputs, when tqdm is installed.
        extra_body: more request fields, e.g. `{"user": "..."}`; ours win on a clash.
    """

    model: str
    batch_size: int
    encoding_format: EncodingFormat = "float"
    dimensions: int | None = None
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY
    show_progress_bar: bool = False
    extra_body: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_positive("batch_size", self.batch_size)
        _check_positive("max_concurrency", self.max_concurrency)
        if self.dimensions is not None:
            _check_positive("dimensions", self.dimensions)
        if self.encoding_format not in get_args(EncodingFormat):
            msg = f"encoding_format must be 'float' or 'base64', got {self.encoding_format!r}"
            raise ConfigurationError(msg)

    @classmethod
    def create(
        cls,
        model: str,
        *,
        batch_size: int | None = None,
        capabilities: ModelCapabilities | Mapping[str, Any] | None = None,
        **options: Any,
    ) -> Embedder:
        """An embedder whose batch size and wire format default to the catalogue's for `model`.

        `encoding_format=None` (or left out) asks for base64 where the catalogue says the
        upstream answers it (`embedding_base64`), floats elsewhere; an answer in floats to a
        base64 request is decoded all the same.
        """
        caps = capabilities_for(model, capabilities)
        if batch_size is None:
            batch_size = caps.embedding_batch_size
        if options.get("encoding_format") is None:
            options["encoding_format"] = "base64" if caps.embedding_base64 else "float"
        return cls(model=model, batch_size=batch_size, **options)

    def body(self, texts: Sequence[str]) -> dict[str, Any]:
        """The request body for one batch."""
        body: dict[str, Any] = {
            **self.extra_body,
            "model": self.model,
            "input": list(texts),
            "encoding_format": self.encoding_format,
        }
        if self.dimensions is not None:
            body["dimensions"] = self.dimensions
        return body

    def batches(self, texts: Sequence[str]) -> list[list[str]]:
        """The checked inputs (see `check_inputs`), cut into request-sized batches."""
        inputs = check_inputs(texts)
        return [inputs[r.start : r.stop] for r in batch_ranges(len(inputs), self.batch_size)]

    def progress(self, total: int) -> AbstractContextManager[Callable[[int], object]]:
        """One bar over `total` inputs when `show_progress_bar`, for a caller that embeds in
        parts; the context gives the function to call with each part's size."""
        return _progress(self.show_progress_bar, total)

    def embed(self, client: AimhubClient, texts: Sequence[str]) -> list[Vector]:
        """Embed `texts` in input order; an empty list makes no request.

        Up to `max_concurrency` batches are in flight at once. On the default pool they run as
        tasks on aimhub's background event loop, over aiohttp, which reads large answers
        several times faster than httpx's sync transport (aimhub/_portal.py); with an
        `http_client` of yours they run on threads over it. When some of several batches fail,
        the others still run and `EmbeddingBatchError` names the inputs that failed.
        """
        inputs = check_inputs(texts)
        ranges = batch_ranges(len(inputs), self.batch_size)
        if not ranges:
            return []
        twin = client._async_twin() if len(ranges) > 1 else None
        if twin is not None:
            return run_blocking(self._aembed_ranges(twin, inputs, ranges))
        stop = threading.Event()
        with _progress(self.show_progress_bar, len(inputs)) as advance:

            def run(span: range) -> list[Vector]:
                if stop.is_set():
                    raise _Skipped
                try:
                    vectors = self._embed_batch(client, inputs[span.start : span.stop])
                except _STOP_ALL:
                    stop.set()
                    raise
                advance(len(span))
                return vectors

            workers = min(self.max_concurrency, len(ranges))
            if workers == 1:
                outcomes = [_outcome(run, span) for span in ranges]
            else:
                with ThreadPoolExecutor(workers, thread_name_prefix="aimhub-embed") as pool:
                    futures = [pool.submit(_outcome, run, span) for span in ranges]
                    outcomes = _results_in_order(futures)
        return _assemble(ranges, outcomes)

    async def aembed(self, client: AsyncAimhubClient, texts: Sequence[str]) -> list[Vector]:
        """The async twin of `embed`: batches run as tasks, at most `max_concurrency` at once."""
        inputs = check_inputs(texts)
        ranges = batch_ranges(len(inputs), self.batch_size)
        if not ranges:
            return []
        return await self._aembed_ranges(client, inputs, ranges)

    async def _aembed_ranges(
        self, client: AsyncAimhubClient, inputs: list[str], ranges: list[range]
    ) -> list[Vector]:
        limit = asyncio.Semaphore(self.max_concurrency)
        stop = asyncio.Event()
        with _progress(self.show_progress_bar, len(inputs)) as advance:

            async def run(span: range) -> list[Vector] | BaseException:
                async with limit:  # wait for a turn before deciding: an error may come first
                    skipped = stop.is_set()
                if skipped:
                    return _Skipped()
                try:
                    vectors = await self._aembed_batch(
                        client, inputs[span.start : span.stop], limit
                    )
                except _STOP_ALL as exc:
                    stop.set()
                    return exc
                except Exception as exc:
                    return exc
                advance(len(span))
                return vectors

            outcomes = await _gather_or_cancel([run(span) for span in ranges])
        return _assemble(ranges, outcomes)

    def _embed_batch(self, client: AimhubClient, batch: list[str]) -> list[Vector]:
        try:
            return read_vectors(client.embed(self.body(batch)), len(batch), model=self.model)
        except EmbeddingCountError as exc:
            _retry_or_raise(exc, self.model)
        return [self._embed_batch(client, [text])[0] for text in batch]

    async def _aembed_batch(
        self, client: AsyncAimhubClient, batch: list[str], limit: asyncio.Semaphore
    ) -> list[Vector]:
        try:
            async with limit:
                response = await client.embed(self.body(batch))
            return read_vectors(response, len(batch), model=self.model)
        except EmbeddingCountError as exc:
            _retry_or_raise(exc, self.model)
        singles = await _gather_or_cancel([self._aembed_batch(client, [t], limit) for t in batch])
        return [vectors[0] for vectors in singles]


def _retry_or_raise(exc: EmbeddingCountError, model: str) -> None:
    # A batch answered with the wrong number of vectors cannot be aligned (new-api's Gemini
    # adaptor embeds only the first input); one input per request can
    # (docs/gateway-behaviour.md §10).
    if exc.expected == 1:
        raise exc
    logger.warning(
        "aimhub: %s; retrying each input alone (set the batch size of %r to 1 to skip this)",
        exc.message,
        model,
    )


def _check_positive(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        msg = f"{name} must be an integer >= 1, got {value!r}"
        raise ConfigurationError(msg)


class _Skipped(Exception):  # noqa: N818 - a marker, never raised to users
    """A batch not sent because an earlier one showed every batch would fail."""


def _outcome(run: Callable[[range], list[Vector]], span: range) -> list[Vector] | BaseException:
    try:
        return run(span)
    except Exception as exc:
        return exc


def _assemble(
    ranges: list[range], outcomes: Sequence[list[Vector] | BaseException]
) -> list[Vector]:
    errors = [(r, o) for r, o in zip(ranges, outcomes, strict=True) if isinstance(o, BaseException)]
    if not errors:
        return [vector for outcome in outcomes for vector in outcome]  # type: ignore[union-attr]
    real = [(r, e) for r, e in errors if not isinstance(e, _Skipped)]
    if len(ranges) == 1:
        raise real[0][1]
    vectors: list[Vector | None] = []
    for span, outcome in zip(ranges, outcomes, strict=True):
        vectors.extend([None] * len(span) if isinstance(outcome, BaseException) else outcome)
    # Skipped batches failed too: list them with the error that stopped them.
    reported = [(r, e if not isinstance(e, _Skipped) else real[0][1]) for r, e in errors]
    raise EmbeddingBatchError(vectors, reported) from real[0][1]


def _results_in_order(futures: list[Future[Any]]) -> list[Any]:
    try:
        return [future.result() for future in futures]
    except BaseException:
        # Batches not started yet are dropped instead of being sent for nothing.
        for future in futures:
            future.cancel()
        raise


async def _gather_or_cancel(coroutines: list[Any]) -> list[Any]:
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], object]]:
    if not enabled:
        yield _no_progress
        return
    try:
        # Imported by name: tqdm is optional and ships no type information.
        tqdm = importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        logger.warning("aimhub: show_progress_bar needs tqdm (pip install tqdm); continuing")
        yield _no_progress
        return
    with tqdm(total=total, desc="Embedding", unit="text") as bar:
        yield bar.update


def _no_progress(count: int) -> None:
    return None
