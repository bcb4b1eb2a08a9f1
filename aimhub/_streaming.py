"""Streams of typed chunks: the only code that pumps bytes; decoding lives in `StreamParser`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from types import TracebackType
from typing import Generic

import httpx

from aimhub._exceptions import request_id_of
from aimhub._request import StreamParser, safe_url, transport_error
from aimhub._routes import ChunkT

#: A body that stops arriving, or arrives corrupted (bad gzip from a proxy), mid-read.
_BROKEN_BODY = (httpx.TransportError, httpx.DecodingError)


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
