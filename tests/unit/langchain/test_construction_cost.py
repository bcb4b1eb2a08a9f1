"""Creating a `ChatAimhub` is cheap: the CA bundle is loaded once per process, not per client.

Each default httpx client used to build its own SSL context (~70 ms of `load_verify_locations`),
two per model, which made every `ChatAimhub(...)` take ~140 ms (the standard suite's
`test_init_time`, and any code that builds models per request).
"""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from langchain_aimhub import ChatAimhub


def test_the_ca_bundle_is_loaded_at_most_once_for_many_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[Any] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    for _ in range(5):
        ChatAimhub(model="gpt-4o-mini", api_key="sk-unit", base_url="https://gw.test/v1")
    assert len(loads) <= 1
