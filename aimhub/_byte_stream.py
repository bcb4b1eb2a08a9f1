"""Streamed binary answers (speech): the body in chunks as it arrives, never whole in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType

import httpx

from aimhub._error_parse import request_id_of
from aimhub._request import safe_url
from aimhub._response import transport_error

__all__ = ["AsyncByteStream", "ByteStream"]

_BROKEN_BODY = (httpx.TransportError, httpx.DecodingError)


class _ByteStreamBase:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def content_type(self) -> str:
        """The content type the gateway sent (`audio/mpeg` for mp3)."""
        return str(self.response.headers.get("content-type", "application/octet-stream"))

    @property
    def request_id(self) -> str | None:
        """The gateway's request id header, if it sent one."""
        return request_id_of(self.response)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={safe_url(self.response.request)!r})"


def _target(path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


class ByteStream(_ByteStreamBase):
    """The body in chunks; iterate it, or `write_to(path)`. Either closes it at the end.

    ```python
    with client.stream_speech("tts-1", "Hello", "alloy") as audio:
        audio.write_to("hello.mp3")
    ```
    """

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes()
        except _BROKEN_BODY as exc:
            raise transport_error(self.response.request, exc, "") from exc
        finally:
            self.response.close()

    def write_to(self, path: str | Path) -> Path:
        """Write the body to `path` chunk by chunk (parents created); returns the path."""
        target = _target(path)
        with target.open("wb") as out:
            for chunk in self:
                out.write(chunk)
        return target

    def close(self) -> None:
        """Release the connection; safe to call twice."""
        self.response.close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncByteStream(_ByteStreamBase):
    """The async twin of `ByteStream`."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        except _BROKEN_BODY as exc:
            raise transport_error(self.response.request, exc, "") from exc
        finally:
            await self.response.aclose()

    async def write_to(self, path: str | Path) -> Path:
        """Write the body to `path` chunk by chunk (parents created); returns the path."""
        target = _target(path)
        with target.open("wb") as out:
            async for chunk in self:
                out.write(chunk)
        return target

    async def close(self) -> None:
        """Release the connection; safe to call twice."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncByteStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
