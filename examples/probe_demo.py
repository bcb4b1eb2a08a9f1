"""`aimhub probe`: which of my models work, and for what — live, or replayed offline.

Live when `AIMHUB_API_KEY` is set: probes `AIMHUB_PROBE_MODELS` (comma-separated; default
`gpt-4o-mini`) with a few tokens per check. Otherwise it replays `cassettes/demo/probe.yaml`: one
model of every family in the catalogue behind a gateway that behaves as docs/gateway-behaviour.md
documents (a model with no channel in the key's group, a Gemini relay that drops streamed tool
calls, DeepSeek without JSON mode...), built by `scripts/build_probe_cassette.py`.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aimhub.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "demo" / "probe.yaml"
REPLAY_BASE_URL = "https://gateway.aimhub.test/v1"
REPLAY_KEY = "sk-test"

#: The replayed models and what the recorded gateway does for each (docs/gateway-behaviour.md
#: sections; recorded by scripts/build_probe_cassette.py).
REPLAY_MODELS = {
    "gpt-4o-mini": "ok",
    "o3-mini": "ok",
    "claude-3-5-sonnet": "ok",
    "gemini-2.0-flash": "stream_drops_tools",  # one-api's Gemini converter (§6)
    "qwen-plus": "ok",
    "ernie-4.0-8k": "stream_drops_tools",  # its converter forwards no tools (§6, §9)
    "glm-4-plus": "ok",
    "hunyuan-lite": "stream_drops_tools",  # its converter forwards no tools (§6, §9)
    "sparkdesk-v3.5": "stream_drops_tools",  # its converter forwards no tools (§6, §9)
    "moonshot-v1-8k": "ok",
    "step-1-8k": "ok",
    "deepseek-chat": "no_json_mode",  # §9
    "deepseek-reasoner": "reasoning",
    "gpt-4-32k": "no_channel",  # not in the key's group (§2.3)
    "text-embedding-v3": "embed",
    "bge-reranker-v2-m3": "rerank",
}


def probe(models: list[str]) -> int:
    """Runs `aimhub probe MODEL... --yes`; returns its exit code (1: some checks failed)."""
    try:
        main(["probe", *models, "--yes", "--concurrency", "1"])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def replay() -> int:
    import vcr  # in the `examples` extra: only needed to replay

    os.environ.update(AIMHUB_API_KEY=REPLAY_KEY, AIMHUB_BASE_URL=REPLAY_BASE_URL)
    recorder = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
    )
    with recorder.use_cassette(str(CASSETTE), allow_playback_repeats=True):
        return probe(list(REPLAY_MODELS))


def run() -> int:
    print("== aimhub probe: which models work, and for what ==", flush=True)
    if os.environ.get("AIMHUB_API_KEY"):
        models = os.environ.get("AIMHUB_PROBE_MODELS", "gpt-4o-mini").split(",")
        code = probe([m.strip() for m in models if m.strip()])
    else:
        print(f"No AIMHUB_API_KEY set: replaying {CASSETTE.relative_to(ROOT)} (offline).")
        code = replay()
    if code == 1:
        print("Some checks failed (exit code 1): the table says which, and why.")
        return 0
    return code


if __name__ == "__main__":
    sys.exit(run())
