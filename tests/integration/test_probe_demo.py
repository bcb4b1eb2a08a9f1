"""`examples/probe_demo.py` replays `aimhub probe` offline: the table `make demo` ends with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_probe_demo_replays_one_model_of_every_family_and_classifies_failures() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMHUB_")}
    env["COLUMNS"] = "250"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "probe_demo.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "replaying cassettes/demo/probe.yaml" in out
    for family in ("openai", "claude", "gemini", "qwen", "ernie", "glm", "deepseek", "rerank"):
        assert f" {family} " in out, family
    assert "gpt-4-32k chat: Model not available (HTTP 503)" in out  # no channel in the group
    assert "gemini-2.0-flash tools: no get_weather call" in out  # streamed tool calls dropped
    assert "deepseek-chat json: Bad request (HTTP 400)" in out
    assert "Some checks failed (exit code 1)" in out
