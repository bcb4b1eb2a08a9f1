#!/usr/bin/env bash
# Creates .venv-bench from uv.lock: this repo with the `all` extra plus the `bench` dependency
# group (the incumbents: openai, langchain-openai, llama-index OpenAI classes, litellm). Kept
# apart from .venv so that the incumbents never become dependencies of the project or of its
# test suite; locked like everything else, so every run compares the same versions.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory .venv-tools/bin/uv >/dev/null
UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1 UV_PROJECT_ENVIRONMENT=.venv-bench \
    .venv-tools/bin/uv sync --quiet --locked --extra all --no-default-groups --group bench \
    --python "${PYTHON:-python3}"
