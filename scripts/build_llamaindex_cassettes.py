"""Build the LlamaIndex cassettes from documented gateway shapes (no live gateway involved).

    .venv/bin/python scripts/build_llamaindex_cassettes.py          # rewrite them all
    .venv/bin/python scripts/build_llamaindex_cassettes.py --check  # fail if any would change

No aggregator gateway is reachable from where these tests are written, so the cassettes are
*built*: each scenario of `tests/integration/llamaindex/scenarios.py` (and each section of
`examples/llamaindex_demo.py`) runs its real LlamaIndex code against `FamilyGateway`, a fake
gateway that answers in the shapes documented in `docs/gateway-behaviour.md` and the platforms'
published API docs, while vcrpy records over the `httpx.MockTransport`. The requests in the
cassettes are therefore exactly what `Aimhub` sends; the responses are what a one-api/new-api
gateway is documented to answer.
The output is deterministic: running the script twice gives the same files.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aimhub._constants import SECRET_QUERY_PARAMS  # noqa: E402
from llamaindex_aimhub import Aimhub  # noqa: E402
from tests.conftest import FILTERED_HEADERS  # noqa: E402
from tests.integration.llamaindex import scenarios as sc  # noqa: E402
from tests.unit.llamaindex._gateway import FamilyGateway  # noqa: E402

CASSETTES = ROOT / "cassettes" / "llamaindex"

#: Test name → how the scenario runs (the tests call the same functions).
RUNNERS: dict[str, Callable[[Aimhub], Any]] = {
    "test_vector_store_index_query": sc.rag_query,
    "test_function_agent_calls_two_tools": lambda llm: asyncio.run(sc.agent_run(llm)),
    "test_structured_predict_into_a_pydantic_model": sc.structured_joke,
    "test_streaming_chat": sc.streaming_chat,
    "test_chat_with_an_image": sc.image_chat,
}
#: What the demo's fake gateway answers, per section.
DEMO_GATEWAYS: dict[str, dict[str, Any]] = {
    "rag": {"text": "It answers HTTP 503: no channel is available for the model in the group."},
    "agent": {
        "text": "In Paris it is sunny at 21°C, and the local time is 10:00.",
        "parallel": False,
    },
}


def recorder() -> vcr.VCR:
    """vcrpy set up as `tests/conftest.py`'s `vcr_config` (same filters, same matching)."""
    return vcr.VCR(
        record_mode="all",
        filter_headers=[(name, None) for name in FILTERED_HEADERS],
        filter_query_parameters=[(name, None) for name in sorted(SECRET_QUERY_PARAMS)],
        decode_compressed_response=True,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
    )


def fake_llm(model: str, gateway: FamilyGateway) -> Aimhub:
    """The replay `Aimhub`, but sending through the fake gateway."""
    transport = httpx.MockTransport(gateway)
    return sc.replay_llm(
        model,
        http_client=httpx.Client(transport=transport),
        async_http_client=httpx.AsyncClient(transport=transport),
    )


def record(path: Path, run: Callable[[], Any]) -> None:
    """Run `run` with vcrpy recording into `path` (replacing whatever was there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with recorder().use_cassette(str(path)):
        run()


def load_demo() -> ModuleType:
    """`examples/llamaindex_demo.py`, loaded by path (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location(
        "llamaindex_demo", ROOT / "examples" / "llamaindex_demo.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build(root: Path) -> list[Path]:
    """Write every cassette below `root`; return their paths."""
    written = []
    for name, scenario in sc.SCENARIOS.items():
        llm = fake_llm(scenario.model, FamilyGateway(**scenario.gateway))
        path = root / "test_scenarios" / f"{name}.yaml"
        record(path, lambda llm=llm, name=name: RUNNERS[name](llm))
        written.append(path)
    demo = load_demo()
    for name, section in demo.SECTIONS:
        llm = fake_llm(demo.REPLAY_MODEL, FamilyGateway(**DEMO_GATEWAYS[name]))
        path = root / "demo" / f"{name}.yaml"
        out = io.StringIO()
        record(path, lambda llm=llm, section=section, out=out: section(llm, out.write))
        written.append(path)
    return written


def _same(built: Path, committed: Path) -> bool:
    return committed.is_file() and committed.read_bytes() == built.read_bytes()


def main() -> int:
    """Build (or, with `--check`, compare) the cassettes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a cassette would change")
    args = parser.parse_args()
    if not args.check:
        for path in build(CASSETTES):
            scenario = sc.SCENARIOS.get(path.stem)
            source = f" (built from {scenario.provenance})" if scenario else ""
            print(f"wrote {path.relative_to(ROOT)}{source}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = [
            path.relative_to(tmp)
            for path in build(Path(tmp))
            if not _same(path, CASSETTES / path.relative_to(tmp))
        ]
    for path in stale:
        print(f"out of date: cassettes/llamaindex/{path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
