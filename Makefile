# Two commands for a newcomer: `make lab` and `make test`. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: setup test lint unit lab bench clean

setup: $(STAMP)

$(UV):
	$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

$(STAMP): pyproject.toml | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(PY) -e '.[dev]'
	@touch $(STAMP)

lint: setup
	$(VENV)/bin/ruff check gemlive_nb tests bench
	$(VENV)/bin/ruff format --check gemlive_nb tests bench

unit: setup
	$(PY) -m pytest -q

test: lint unit

lab: setup
	$(PY) -m gemlive_nb.lab

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
