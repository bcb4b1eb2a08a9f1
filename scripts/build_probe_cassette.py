"""Build `cassettes/demo/probe.yaml`: what `examples/probe_demo.py` replays without a key.

Run: `.venv/bin/python scripts/build_probe_cassette.py`.

No real gateway is reachable from where cassettes are made, so the probe runs against the fake
gateway of the CLI tests (`tests/unit/cli/_gateway.py`), whose behaviours follow
docs/gateway-behaviour.md (§2.3 no channel, §4 usage, §6 tool calls, §7 reasoning, §9 JSON mode,
§10-§11 embeddings and rerank). The CLI sends through an `httpx.MockTransport` wrapping it and
vcrpy records the exchanges. The probe runs with `--concurrency 1`, so the file is deterministic
but for the measured timings, which are not recorded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

import probe_demo  # noqa: E402

from aimhub.cli import _context  # noqa: E402
from tests.conftest import FILTERED_HEADERS  # noqa: E402
from tests.unit.cli._gateway import Gateway  # noqa: E402


def main() -> int:
    probe_demo.CASSETTE.unlink(missing_ok=True)
    os.environ.update(
        AIMHUB_API_KEY=probe_demo.REPLAY_KEY, AIMHUB_BASE_URL=probe_demo.REPLAY_BASE_URL
    )
    _context.transport = httpx.MockTransport(Gateway(probe_demo.REPLAY_MODELS))
    recorder = vcr.VCR(
        record_mode="all",
        filter_headers=[(name, None) for name in FILTERED_HEADERS],
        decode_compressed_response=True,
    )
    with recorder.use_cassette(str(probe_demo.CASSETTE)):
        code = probe_demo.probe(list(probe_demo.REPLAY_MODELS))
    print(f"probe exit code {code}; wrote {probe_demo.CASSETTE.relative_to(ROOT)}")
    return 0 if code in (0, 1) else code


if __name__ == "__main__":
    sys.exit(main())
