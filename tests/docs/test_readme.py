"""Every Python code block of README.md runs as written, against a loopback gateway.

A block is a user's script: it reads `AIMHUB_API_KEY` and `AIMHUB_BASE_URL` from the environment,
which point at `readme_gateway` here. Each block runs in a fresh interpreter; a sample that
stops with an error (a `NameError` from an undefined name, a changed API) fails the suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.docs.readme_gateway import API_KEY, serving

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
RUNNER = Path(__file__).with_name("run_block.py")


@dataclass(frozen=True)
class Block:
    line: int
    heading: str
    code: str


def python_blocks(text: str) -> list[Block]:
    blocks, heading = [], ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("#"):
            heading = lines[i].lstrip("#").strip()
        if lines[i].strip() == "```python":
            start = i + 1
            end = lines.index("```", start)
            blocks.append(Block(start + 1, heading, "\n".join(lines[start:end]) + "\n"))
            i = end
        i += 1
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def _id(block: Block) -> str:
    return f"L{block.line}-" + re.sub(r"\W+", "-", block.heading.lower()).strip("-")


def test_the_readme_has_its_samples() -> None:
    assert len(BLOCKS) >= 6  # a changed fence style must not make this suite vacuous
    assert all(b.code.strip() for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[_id(b) for b in BLOCKS])
def test_readme_block_runs_as_written(block: Block, socket_enabled: None, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    with serving() as (base_url, gateway):
        env.update(AIMHUB_API_KEY=API_KEY, AIMHUB_BASE_URL=base_url, NO_PROXY="*")
        result = subprocess.run(
            [sys.executable, str(RUNNER), f"README.md:{block.line}"],
            input=block.code,
            env=env,
            cwd=tmp_path,  # samples that save files write them here
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, f"README.md line {block.line}:\n{result.stderr[-3000:]}"
    if re.search(r"Aimhub|Rerank", block.code) and "register_model" not in block.code:
        assert gateway.log, "the sample sent nothing: it cannot have shown what it claims"
