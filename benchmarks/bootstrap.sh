#!/usr/bin/env bash
# Creates .venv-bench: this repo (`-e .[all]`) plus the incumbents of benchmarks/requirements.txt.
# Kept apart from .venv so that openai, langchain-openai and llama-index-* never become
# dependencies of the project or of its test suite. litellm is optional: skipped if it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=.venv-bench
STAMP="$VENV/.bench-stamp"
if [ -f "$STAMP" ] && [ "$STAMP" -nt benchmarks/requirements.txt ] && [ "$STAMP" -nt pyproject.toml ]; then
    exit 0
fi
test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -qq --upgrade pip
"$VENV/bin/python" -m pip install -qq -e '.[all]' -r benchmarks/requirements.txt
if [ -z "${BENCH_NO_LITELLM:-}" ]; then
    "$VENV/bin/python" -m pip install -qq litellm || echo "bootstrap: litellm not installed (optional)" >&2
fi
touch "$STAMP"
