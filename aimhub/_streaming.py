"""Streams of typed chunks: `StreamParser` decodes, `Stream`/`AsyncStream` only pump bytes."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterator
from types import TracebackType
from typing import Any, Generic

import httpx
from pydantic import ValidationError
from pydantic_core import from_json

from aimhub._error_parse import is_error_body, make_status_error, request_id_of
from aimhub._exceptions import APIError
from aimhub._redact import redact, request_secrets
from aimhub._request import safe_url
from aimhub._response import (
    NOT_JSON,
    check_response,
    is_json_response,
    parse_response,
    transport_error,
    validation_error,
)
from aimhub._routes import ChunkT, Endpoint
from aimhub._sse import ServerSentEvent, SSEDecoder

logger = logging.getLogger("aimhub")


#: A body that stops arriving, or arrives corrupted (bad gzip from a proxy), mid-read.
_BROKEN_BODY = (httpx.TransportError, httpx.DecodingError)


class StreamParser(Generic[ChunkT]):
    """Bytes of a streamed answer in, chunks out; raises what the stream reports.

    Pure and shared by `Stream` and `AsyncStream`: they only pump bytes into `feed()` and call
    `finish()` at the end. Each event is parsed once into JSON; `raw=True` yields those dicts as
    they are (the fast lane for consumers that normalise chunks themselves), otherwise they are
    validated into the endpoint's chunk model.
    """

    __slots__ = ("_decoder", "_done", "_endpoint", "_json", "_parts", "_raw", "_response")

    def __init__(
        self, endpoint: Endpoint[Any, Any], response: httpx.Response, *, raw: bool = False
    ) -> None:
        self._endpoint = endpoint
        self._response = response
        self._raw = raw
        self._decoder = SSEDecoder()
        self._parts: list[str] = []
        self._done = False
        # A gateway may answer a stream request with plain JSON (an error, or a whole reply).
        self._json = is_json_response(response)

    @property
    def partial_text(self) -> str:
        """The answer text received so far."""
        return "".join(self._parts)

    @property
    def done(self) -> bool:
        """Whether `[DONE]` arrived."""
        return self._done

    def feed(self, data: bytes) -> list[ChunkT]:
        """Decode one network chunk."""
        if self._json or self._done:
            return []
        return self._chunks(self._decoder.feed(data))

    def finish(self) -> list[ChunkT]:
        """End of the byte stream."""
        if self._done:
            return []
        if self._json:
            return self._whole_json()
        return self._chunks(self._decoder.flush())

    def _chunks(self, events: list[ServerSentEvent]) -> list[ChunkT]:
        chunks: list[ChunkT] = []
        for event in events:
            chunk = self._chunk(event)
            if chunk is not None:
                chunks.append(chunk)
            if self._done:
                break
        return chunks

    def _chunk(self, event: ServerSentEvent) -> Any:
        data = event.data
        if data == "[DONE]":
            self._done = True
            return None
        try:
            payload = from_json(data)
        except ValueError:
            payload = NOT_JSON
        if type(payload) is dict:
            if is_error_body(payload) or event.event == "error":
                raise self._stream_error(payload)
            chunk = payload if self._raw else self._validate(payload)
            if chunk is not None:
                if self._endpoint.chunk_text is not None:
                    text = self._endpoint.chunk_text(payload)
                    if text:
                        self._parts.append(text)
                return chunk
        elif payload is not NOT_JSON and event.event == "error":
            raise self._stream_error(payload)
        if data.strip():
            # Keep-alives such as `data: ping` are not chunks; say so instead of failing the answer.
            logger.warning(
                "aimhub: skipped a stream event that is not a JSON chunk: %.200r",
                redact(data, request_secrets(self._response.request)),
            )
        return None

    def _validate(self, payload: dict[str, Any]) -> Any:
        chunk_type = self._endpoint.chunk_type
        assert chunk_type is not None
        try:
            return chunk_type.model_validate(payload)
        except ValidationError:
            return None

    def _stream_error(self, payload: object) -> APIError:
        return make_status_error(
            200,
            payload,
            request=self._response.request,
            response=self._response,
            partial_text=self.partial_text,
            stream=True,
        )

    def _whole_json(self) -> list[ChunkT]:
        response = self._response
        error = check_response(response, stream=False)
        if error is not None:
            raise error
        whole = parse_response(self._endpoint, response)
        if self._endpoint.as_chunk is None:
            raise validation_error(self._endpoint, response, "JSON instead of an event stream")
        chunk = self._endpoint.as_chunk(whole)
        return [chunk.model_dump(exclude_unset=True, exclude_none=True) if self._raw else chunk]


class _StreamBase(Generic[ChunkT]):
    def __init__(self, response: httpx.Response, parser: StreamParser[ChunkT]) -> None:
        self.response = response
        self._parser = parser

    @property
    def request_id(self) -> str | None:
        """The gateway's request id header, if it sent one."""
        return request_id_of(self.response)

    @property
    def partial_text(self) -> str:
        """The answer text received so far."""
        return self._parser.partial_text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={safe_url(self.response.request)!r})"


class Stream(_StreamBase[ChunkT]):
    """Chunks as they arrive. Use as a context manager, or iterate to the end: either closes it.

    ```python
    with client.stream_chat(model="gpt-4o", messages=[...]) as stream:
        for chunk in stream:
            ...
    ```
    """

    def __iter__(self) -> Iterator[ChunkT]:
        parser = self._parser
        try:
            for data in self.response.iter_bytes():
                yield from parser.feed(data)
                if parser.done:
                    break
            yield from parser.finish()
        except _BROKEN_BODY as exc:
            raise transport_error(self.response.request, exc, parser.partial_text) from exc
        finally:
            self.response.close()

    def close(self) -> None:
        """Release the connection; safe to call twice."""
        self.response.close()

    def __enter__(self) -> Stream[ChunkT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_StreamBase[ChunkT]):
    """The async twin of `Stream`."""

    async def __aiter__(self) -> AsyncGenerator[ChunkT, None]:
        parser = self._parser
        try:
            async for data in self.response.aiter_bytes():
                for chunk in parser.feed(data):
                    yield chunk
                if parser.done:
                    break
            for chunk in parser.finish():
                yield chunk
        except _BROKEN_BODY as exc:
            raise transport_error(self.response.request, exc, parser.partial_text) from exc
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        """Release the connection; safe to call twice."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[ChunkT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
