"""Build the per-family cassettes: `.venv/bin/python scripts/build_family_cassettes.py [module…]`.

No gateway with every upstream behind it is reachable from where these cassettes are made, so they
are written from `scripts/family_gateway.py`: a scripted one-api/new-api gateway that answers each
model family in the wire shape `docs/gateway-behaviour.md` §3-§9 documents for its relay path (and
with the platforms' published bodies for their examples; see 'Sources' there). They are **not
recorded from a live gateway**; `cassettes/README.md` says so for each family.

1. Deletes the cassettes of the chosen test modules (default: every module of
   `tests/integration/families/`), so that none is left from a renamed test.
2. Runs those tests in this process with `--record-mode=rewrite` while every httpx client created
   meanwhile sends through an `httpx.MockTransport` wrapping the gateway. vcrpy records a
   MockTransport exchange like any other, so each cassette holds exactly the request our client
   sent and the answer the documented gateway gives to it.
3. Fails if the gateway had to reject a request (a shaping rule our client missed: the upstream's
   documented 400 is what a user would get), then replays the same tests in a fresh process with
   `--record-mode=none` and sockets disabled, as the normal test run does.

Deterministic: the same code gives byte-identical cassettes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.family_gateway import ScriptedFamilyGateway  # noqa: E402
from tests.conftest import cassette_dir_for  # noqa: E402

FAMILY_TESTS = ROOT / "tests" / "integration" / "families"


@contextmanager
def scripted_transport(gateway: ScriptedFamilyGateway) -> Iterator[None]:
    """Every httpx client created meanwhile, sync or async, sends through `gateway`."""
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


def modules(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(FAMILY_TESTS.glob("test_*.py"))


def record(targets: list[Path]) -> int:
    for module in targets:
        shutil.rmtree(cassette_dir_for(module), ignore_errors=True)
    gateway = ScriptedFamilyGateway()
    args = [*map(str, targets), "--record-mode=rewrite", "-q", "-p", "no:randomly"]
    with scripted_transport(gateway):
        status = pytest.main(args)
    print(f"\nfamily gateway: {gateway.count} requests answered")
    for line in gateway.rejected:
        print(f"  REJECTED: {line}")
    return int(status) or (1 if gateway.rejected else 0)


def replay(targets: list[Path]) -> int:
    command = [sys.executable, "-m", "pytest", *map(str, targets), "-q", "--record-mode=none"]
    return subprocess.call(command, cwd=ROOT)


def main(argv: list[str]) -> int:
    targets = modules(argv)
    status = record(targets)
    if status:
        print("recording failed: fix the client or the gateway script, then rebuild")
        return status
    return replay(targets)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
