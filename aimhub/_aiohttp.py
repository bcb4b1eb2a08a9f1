"""An `httpx.AsyncClient` over aiohttp, for hundreds of concurrent calls.

httpx's own async pool is the bottleneck at high concurrency: in `benchmarks/` 256 concurrent
`ainvoke` calls take several times longer over it than over aiohttp (see benchmarks/RESULTS.md).
`httpx-aiohttp` keeps the httpx API, so every client and adapter can take it unchanged.
"""

from __future__ import annotations

from typing import Any

import httpx

from aimhub._exceptions import ConfigurationError

__all__ = ["aiohttp_http_client"]


def aiohttp_http_client(*, max_connections: int = 1000, **kwargs: Any) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` whose transport is aiohttp (`pip install "aimhub[aiohttp]"`).

    ```python
    import aimhub
    from langchain_aimhub import ChatAimhub

    llm = ChatAimhub(model="gpt-4o-mini", http_async_client=aimhub.aiohttp_http_client())
    ```

    Args:
        max_connections: the aiohttp connector's connection limit.
        **kwargs: passed to the `httpx.AsyncClient` constructor (e.g. `timeout`, `headers`).

    Raises:
        ConfigurationError: when `httpx-aiohttp` is not installed.
    """
    try:
        import aiohttp
        import httpx_aiohttp
    except ImportError as exc:
        msg = 'aiohttp_http_client() needs the aiohttp extra: pip install "aimhub[aiohttp]"'
        raise ConfigurationError(msg) from exc

    def session() -> Any:
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max_connections))

    kwargs.setdefault("follow_redirects", True)
    transport = httpx_aiohttp.AiohttpTransport(client=session)
    client: httpx.AsyncClient = httpx_aiohttp.HttpxAiohttpClient(transport=transport, **kwargs)
    return client
