# `make test` and `make demo` bootstrap their virtual environments from this repo's own files:
# uv at the version below (installed with pip into .venv-tools), then every package from uv.lock.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed-stamp
PACKAGES := aimhub langchain_aimhub llamaindex_aimhub

# uv must use the interpreters on this machine, never download one.
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: test demo lint lock test-matrix test-latest test-lowest bench record-local clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# The development environment: the locked versions of everything, every extra, every group.
$(STAMP): pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --quiet --locked --all-extras --python $(PYTHON)
	touch $@

# The demo's environment holds exactly what the README's `pip install "aimhub-llm[examples]"`
# gives (locked versions, no test tools): the demo proves that install is enough.
$(DEMO_STAMP): pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(DEMO_VENV) $(UV) sync --quiet --locked --extra examples \
		--no-default-groups --no-editable --python $(PYTHON)
	touch $@

test: $(STAMP)
	$(PY) -m pytest -q
	$(MAKE) lint

lint: $(STAMP)
	$(VENV)/bin/ruff check $(PACKAGES) tests noxfile.py $(wildcard examples scripts benchmarks)
	$(VENV)/bin/ruff format --check $(PACKAGES) tests noxfile.py $(wildcard examples scripts benchmarks)
	$(VENV)/bin/mypy $(PACKAGES)

demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python examples/demo.py
	$(DEMO_VENV)/bin/python examples/langchain_demo.py
	$(DEMO_VENV)/bin/python examples/langchain_rag.py
	$(DEMO_VENV)/bin/python examples/llamaindex_demo.py
	$(DEMO_VENV)/bin/python examples/tasks_demo.py
	$(DEMO_VENV)/bin/python examples/langchain_media_agent.py
	$(DEMO_VENV)/bin/python examples/llamaindex_media_agent.py
	$(DEMO_VENV)/bin/python examples/probe_demo.py

# Re-resolves uv.lock to the newest versions pyproject.toml allows (see README, "Contributing").
lock: | $(UV)
	$(UV) lock --upgrade

# The suite and mypy on the locked versions on every Python 3.10-3.13 (nox, environments by uv).
test-matrix: $(STAMP)
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" $(VENV)/bin/nox -s locked

# ... on the newest versions pyproject.toml allows, on the newest Python (ignores the lock).
test-latest: $(STAMP)
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" $(VENV)/bin/nox -s latest

# ... on the lowest allowed httpx, pydantic, aiohttp, langchain-core, llama-index-core, typer,
# rich, on 3.10.
test-lowest: $(STAMP)
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" $(VENV)/bin/nox -s lowest

# The incumbents live in their own venv (.venv-bench): they are never project dependencies.
bench:
	bash benchmarks/bootstrap.sh
	.venv-bench/bin/python benchmarks/run.py $(BENCH_ARGS)
	.venv-bench/bin/python benchmarks/limits.py $(BENCH_ARGS) | tee benchmarks/LIMITS.md
	.venv-bench/bin/python benchmarks/decoding.py $(BENCH_ARGS) | tee -a benchmarks/LIMITS.md

# Re-records the cassettes marked `local_server` against llama.cpp's server (see cassettes/README.md).
record-local: $(STAMP)
	bash scripts/record-local.sh $(PY) -m pytest -m local_server --record-mode=rewrite --force-enable-socket -p no:randomly

clean:
	rm -rf $(VENV) $(DEMO_VENV) $(TOOLS) .venv-bench .nox benchmarks/.work build *.egg-info .mypy_cache .ruff_cache
