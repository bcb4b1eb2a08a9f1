"""Default connection pools, shared by every client that was not given an `http_client`.

Thirty `ChatAimhub` instances then hold one pool, not thirty (as `ChatOpenAI` shares its default
client). One pool per configuration, which for a default pool is the proxy environment read at
creation: clients created after `HTTPS_PROXY` changes get a pool that honours the new value.

The async pool sends over `AiohttpTransport`, which keeps one aiohttp session per event loop and
closes it with its loop, so one `httpx.AsyncClient` serves every loop. Under a SOCKS proxy the
async client uses httpx's own transport, whose pool belongs to the loop it first ran on: there
each client keeps a pool of its own, as before.

Pools are closed at interpreter exit. A forked child must not send on its parent's sockets: two
processes writing to one keep-alive connection read each other's answers, or wait forever for
one the other took (`multiprocessing`'s default `fork` on Linux, with a model built before the
`Pool`). So in the child every sync pool is emptied in place (the clients built before the fork
hold it), and the async registry starts afresh (an aiohttp session belongs to an event loop of
the parent, which the child never runs).
"""

from __future__ import annotations

import atexit
import os
import threading

import httpx

from aimhub._aiohttp import AiohttpTransport, default_async_http_client, env_proxies
from aimhub._base_client import default_ssl_context
from aimhub._constants import DEFAULT_CONNECTION_LIMITS

__all__ = ["shared_aiohttp_client", "shared_async_http_client", "shared_http_client"]

_Key = tuple[tuple[str, str], ...]
_lock = threading.Lock()
_sync: dict[_Key, httpx.Client] = {}
_async: dict[_Key, httpx.AsyncClient] = {}


def _key() -> _Key:
    return tuple(sorted(env_proxies().items()))


def _set_up(client: httpx.Client) -> None:
    # Also on a client in use (after a fork): the same object then has no connections.
    httpx.Client.__init__(
        client,
        limits=DEFAULT_CONNECTION_LIMITS,
        follow_redirects=True,
        verify=default_ssl_context(),
    )


def shared_http_client() -> httpx.Client:
    """The process's default sync pool for the current proxy environment."""
    key = _key()
    with _lock:
        client = _sync.get(key)
        if client is None or client.is_closed:
            client = _sync[key] = httpx.Client.__new__(httpx.Client)
            _set_up(client)
        return client


def shared_async_http_client() -> tuple[httpx.AsyncClient, bool]:
    """The default async client, and whether it is shared (False: the caller owns it)."""
    key = _key()
    with _lock:
        client = _async.get(key)
        if client is not None and not client.is_closed:
            return client, True
        client = default_async_http_client(default_ssl_context())
        if not isinstance(client._transport, AiohttpTransport):
            return client, False  # httpx's transport is bound to one loop: not shareable
        _async[key] = client
        return client, True


def shared_aiohttp_client() -> httpx.AsyncClient | None:
    """The default async client if it is aiohttp's shared pool (any loop may use it), else None.

    None under a SOCKS proxy, where the async client is httpx's own and bound to one loop.
    """
    client, shared = shared_async_http_client()
    return client if shared else None  # an unshared one has opened nothing yet: just dropped


def _forget() -> None:
    _sync.clear()
    _async.clear()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # another thread of the parent may have held it at the fork
    for client in _sync.values():
        # Set up anew, not replaced: the clients built before the fork hold this object. The
        # parent's sockets are dropped, not closed by us (the child's copies close when
        # collected, which leaves the parent's connections open).
        _set_up(client)
    _async.clear()


def _close_at_exit() -> None:
    for client in list(_sync.values()):
        client.close()
    _forget()


atexit.register(_close_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
