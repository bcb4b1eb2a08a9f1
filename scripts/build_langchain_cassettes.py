"""Build the LangChain cassettes from a scripted gateway (see the steps below).

Run: `.venv/bin/python scripts/build_langchain_cassettes.py [test files...]`.

No real gateway is reachable from where these cassettes are made, so they are recorded from
`scripted_gateway.ScriptedGateway`: an in-process new-api gateway relaying gpt-4o-mini and a few
other models, written from documented gateway behaviour (docs/gateway-behaviour.md §3/§4/§6, the
platforms' published response examples), with scripted answers (`scripted_answers.py`).

1. Runs the gateway-backed LangChain tests (`TARGETS`, minus `local_server` ones) with
   `--record-mode=rewrite`, in this process, while every httpx client created by the process
   sends through an `httpx.MockTransport` wrapping the gateway. vcrpy records MockTransport
   exchanges like any other, so each test writes its cassette. Nothing in the tests knows about
   this switch: the transport is injected here, by patching httpx's transport factory.
2. Reports every request that no answer rule covered and every request the gateway rejected,
   and fails if a rule is missing.
3. Replays the same tests in a fresh process with `--record-mode=none` and sockets disabled,
   as the normal test run does.

Deterministic: the same code gives byte-identical cassettes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))

from scripted_gateway import ScriptedGateway  # noqa: E402

#: The test modules whose cassettes come from the scripted gateway.
TARGETS = [
    "tests/standard/test_chat_standard_integration.py",
    "tests/integration/langchain/test_agent.py",
    "tests/integration/langchain/test_chain.py",
    "tests/integration/langchain/test_langchain_demo.py",
]


@contextmanager
def scripted_transport(gateway: ScriptedGateway) -> Iterator[None]:
    """Every httpx client created meanwhile sends through the gateway (sync and async)."""
    transport = httpx.MockTransport(gateway)
    originals: dict[type[Any], Any] = {
        httpx.Client: httpx.Client._init_transport,
        httpx.AsyncClient: httpx.AsyncClient._init_transport,
    }

    def init_transport(self: Any, *args: Any, **kwargs: Any) -> httpx.MockTransport:
        return transport

    try:
        for cls in originals:
            cls._init_transport = init_transport  # type: ignore[attr-defined]
        yield
    finally:
        for cls, original in originals.items():
            cls._init_transport = original  # type: ignore[attr-defined]


#: Cassette folders holding only this builder's cassettes: files not rewritten by a full run
#: belong to tests that no longer exist and are removed. (`cassettes/demo/` is shared.)
OWNED_DIRS = [
    "cassettes/standard/test_chat_standard_integration",
    "cassettes/langchain/test_agent",
    "cassettes/langchain/test_chain",
]


def prune_stale(started: float) -> None:
    for folder in OWNED_DIRS:
        for path in sorted((ROOT / folder).glob("*.yaml")):
            if path.stat().st_mtime < started:
                print(f"  removing stale cassette {path.relative_to(ROOT)}")
                path.unlink()


def record(targets: list[str]) -> int:
    gateway = ScriptedGateway()
    args = [*targets, "-m", "not local_server", "--record-mode=rewrite", "-q", "-p", "no:randomly"]
    with scripted_transport(gateway):
        status = pytest.main(args)
    print(f"\nscripted gateway: {gateway.count} requests answered")
    for line in gateway.rejected:
        print(f"  rejected: {line}")
    for line in gateway.unscripted:
        print(f"  NO ANSWER RULE: {line}")
    if gateway.unscripted:
        print("some requests got the generic fallback answer: add rules to scripted_answers.py")
        return 1
    return int(status)


def replay(targets: list[str]) -> int:
    command = [sys.executable, "-m", "pytest", *targets, "-m", "not local_server", "-q"]
    command.append("--record-mode=none")
    return subprocess.call(command, cwd=ROOT)


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    targets = argv or TARGETS
    started = time.time()
    status = record(targets)
    if status != 0:
        print(f"recording finished with status {status}")
        return status
    if not argv:
        prune_stale(started)
    print("\nreplaying offline (--record-mode=none) ...")
    return replay(targets)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
