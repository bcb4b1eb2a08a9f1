"""aiohttp under httpx's API: the default transport of `AsyncAimhubClient`.

httpx's async pool (httpcore) walks every connection at every request start and end, so 256
concurrent calls spend most of their time in it (benchmarks/RESULTS.md: 636k `is_idle` calls per
burst, several times aiohttp's wall time). This transport keeps httpx's `Request` and `Response`:
retries, errors, streaming, event hooks and cassette replay see no difference.

An aiohttp session belongs to one event loop, and every `asyncio.run` makes a new loop: the
transport keeps one session per running loop and closes it when that loop shuts down its async
generators (the end of `asyncio.run`, or pytest-asyncio's loop teardown), when `loop.close()` is
called without that (`run_until_complete` scripts), or on `aclose()`. No
"Unclosed client session" is left behind, and no session is used on a loop it does not belong to.
aiohttp itself is imported on the first request, not with `aimhub`.
"""

from __future__ import annotations

import contextlib
import ssl
import urllib.request
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx

from aimhub._constants import DEFAULT_CONNECTION_LIMITS
from aimhub._redact import redact, request_secrets

if TYPE_CHECKING:
    import asyncio

    import aiohttp

__all__ = ["AiohttpTransport", "aiohttp_http_client", "default_async_http_client"]


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An `httpx.AsyncBaseTransport` that sends over an aiohttp connection pool.

    Args:
        max_connections: the pool's connection limit (per event loop).
        keepalive_expiry: seconds an idle connection is kept. aiohttp's default, 15 s, not
            httpx's 5 s: an agent's calls are often seconds apart (a tool runs in between), and
            reconnecting (TLS included) costs more than the call's own overhead. A connection
            the gateway closed meanwhile is dropped by aiohttp, or retried by us.
        verify: an `ssl.SSLContext`, True (system defaults) or False (no verification).
        trust_env: send through the proxies of `HTTP(S)_PROXY`/`ALL_PROXY`, except for hosts
            in `NO_PROXY`, as httpx does.
    """

    def __init__(
        self,
        *,
        max_connections: int | None = DEFAULT_CONNECTION_LIMITS.max_connections,
        keepalive_expiry: float | None = 15.0,
        verify: ssl.SSLContext | bool = True,
        trust_env: bool = True,
    ) -> None:
        self._limit = max_connections or 0  # aiohttp: 0 means no limit
        self._keepalive = keepalive_expiry
        self._ssl = verify
        # Read once, as httpx does: aiohttp's own `trust_env` re-reads the environment and
        # ~/.netrc on every request (+80 ms on a 256-call burst in benchmarks/).
        self._proxies = env_proxies() if trust_env else {}
        self._proxy_for: dict[tuple[str, str], str | None] = {}
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[aiohttp.ClientSession, AsyncGenerator[None, None]]
        ] = weakref.WeakKeyDictionary()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = await self._session()
        timeout = request.extensions.get("timeout", {})
        try:
            response = await session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=await request.aread() or None,
                allow_redirects=False,  # httpx follows redirects itself
                timeout=_client_timeout(timeout),
                server_hostname=request.extensions.get("sni_hostname"),
                proxy=self._proxy(request.url) if self._proxies else None,
            )
        except Exception as exc:
            raise _as_httpx_error(exc, request) from exc
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response, request),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
            },
        )

    async def aclose(self) -> None:
        """Close this loop's session; sessions of other loops close when their loop ends."""
        import asyncio

        entry = self._sessions.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[1].aclose()

    def _proxy(self, url: httpx.URL) -> str | None:
        key = (url.scheme, url.host)
        if key not in self._proxy_for:
            # Public since Python 2, missing from typeshed.
            check = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
            bypass = check(url.host, self._proxies)
            self._proxy_for[key] = None if bypass else self._proxies.get(url.scheme)
        return self._proxy_for[key]

    async def _session(self) -> aiohttp.ClientSession:
        import asyncio  # loaded by now; not imported with `aimhub` (sync-only users skip it)

        loop = asyncio.get_running_loop()
        entry = self._sessions.get(loop)
        if entry is not None and not entry[0].closed:
            return entry[0]
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=self._limit, keepalive_timeout=self._keepalive, ssl=self._ssl
        )
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # httpx decodes Content-Encoding, as with its own transport
        )
        closer = _closed_with_the_loop(session)
        await closer.asend(None)  # runs to its `yield` at once: no other task can interleave
        self._sessions[loop] = (session, closer)
        _close_before_the_loop(loop, closer)
        return session


async def _closed_with_the_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    # A suspended async generator is finalised by `loop.shutdown_asyncgens()`, or by the loop
    # when the generator is garbage collected: either way the session closes on its own loop.
    try:
        yield
    finally:
        await session.close()


def _close_before_the_loop(
    loop: asyncio.AbstractEventLoop, closer: AsyncGenerator[None, None]
) -> None:
    # A loop closed without `shutdown_asyncgens()` (`run_until_complete` then `close()`) never
    # finalises `closer`: the session would outlive its loop and warn "Unclosed client session".
    # So `loop.close()` itself first runs the closer on the loop, which is still usable then.
    original = loop.close

    def close() -> None:
        if not loop.is_running() and not loop.is_closed():
            with contextlib.suppress(Exception):  # closing must never stop the loop closing
                loop.run_until_complete(closer.aclose())
        original()

    # An event loop type that refuses instance attributes (uvloop's) keeps the asyncgen path.
    with contextlib.suppress(AttributeError, TypeError):
        loop.close = close  # type: ignore[method-assign]


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            # As the bytes arrive: a server-sent event must not wait for a buffer to fill.
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            raise _as_httpx_error(exc, self._request) from exc

    async def aclose(self) -> None:
        # Back to the pool when the body was read to its end; closed otherwise.
        self._response.release()


def _client_timeout(timeout: dict[str, float | None]) -> aiohttp.ClientTimeout:
    import aiohttp

    return aiohttp.ClientTimeout(
        total=None,
        connect=timeout.get("pool"),  # aiohttp: waiting for a pooled connection
        sock_connect=timeout.get("connect"),
        sock_read=timeout.get("read"),
    )


def _as_httpx_error(exc: Exception, request: httpx.Request) -> Exception:
    """The httpx exception httpx's own transport would raise: our retries and errors read those."""
    import asyncio

    import aiohttp

    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, asyncio.TimeoutError):  # aiohttp's read timeouts subclass it
        kind = httpx.ReadTimeout
    elif isinstance(exc, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
        kind = httpx.ProxyError
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    elif isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ClientError, OSError)):
        kind = httpx.ReadError
    else:
        return exc
    # aiohttp quotes the URL in some messages: its query string may hold a key.
    return kind(redact(f"{type(exc).__name__}: {exc}", request_secrets(request)), request=request)


def env_proxies() -> dict[str, str]:
    """`HTTP(S)_PROXY`/`ALL_PROXY` (and `NO_PROXY` under "no") as urllib reads them."""
    proxies = urllib.request.getproxies_environment()
    if "all" in proxies:
        for scheme in ("http", "https"):
            proxies.setdefault(scheme, proxies["all"])
    return proxies


def default_async_http_client(verify: ssl.SSLContext) -> httpx.AsyncClient:
    """`AsyncAimhubClient`'s own client: aiohttp, unless a proxy only httpx speaks is set.

    aiohttp talks to HTTP(S) proxies only; for a `socks5://` proxy in the environment, httpx's
    transport keeps working as before (with `httpx[socks]`).
    """
    proxies = env_proxies()
    if any(not proxies.get(s, "http:").startswith(("http:", "https:")) for s in ("http", "https")):
        return httpx.AsyncClient(
            limits=DEFAULT_CONNECTION_LIMITS, follow_redirects=True, verify=verify
        )
    return httpx.AsyncClient(transport=AiohttpTransport(verify=verify), follow_redirects=True)


def aiohttp_http_client(*, max_connections: int = 1000, **kwargs: Any) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` over `AiohttpTransport`, for an `http_client=` of your own.

    `AsyncAimhubClient` and the adapters already use this transport by default; this is for
    sharing one pool between several clients, or for a different connection limit.

    Args:
        max_connections: the connection limit.
        **kwargs: passed to the `httpx.AsyncClient` constructor (e.g. `timeout`, `headers`).
    """
    kwargs.setdefault("follow_redirects", True)
    transport = AiohttpTransport(max_connections=max_connections)
    return httpx.AsyncClient(transport=transport, **kwargs)
