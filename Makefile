# `make test` and `make demo` bootstrap .venv from this repo's own files, then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGES := aimhub langchain_aimhub llamaindex_aimhub

.PHONY: test demo lint bench record-local clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q
	$(MAKE) lint

lint: $(STAMP)
	$(VENV)/bin/ruff check $(PACKAGES) tests $(wildcard examples scripts benchmarks)
	$(VENV)/bin/mypy $(PACKAGES)

demo: $(STAMP)
	$(PY) examples/demo.py
	$(PY) examples/langchain_demo.py
	$(PY) examples/langchain_rag.py
	$(PY) examples/llamaindex_demo.py

# The incumbents live in their own venv (.venv-bench): they are never project dependencies.
bench:
	bash benchmarks/bootstrap.sh
	.venv-bench/bin/python benchmarks/run.py $(BENCH_ARGS)

# Re-records the cassettes marked `local_server` against llama.cpp's server (see cassettes/README.md).
record-local: $(STAMP)
	bash scripts/record-local.sh $(PY) -m pytest -m local_server --record-mode=rewrite --force-enable-socket -p no:randomly

clean:
	rm -rf $(VENV) .venv-bench benchmarks/.work build *.egg-info .mypy_cache .ruff_cache
