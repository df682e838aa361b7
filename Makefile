# Two commands for a newcomer: `make lab` and `make test`. Both set up .venv (and the system
# packages the tests need) first; a missing tool fails loudly, it never skips a test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# Debian packages the tests use: Chromium (browser tests), flite (spoken test sentences),
# Node.js and npm (front-end unit tests and the esbuild bundle).
SYSTEM_PACKAGES := chromium:/usr/bin/chromium flite:flite nodejs:node npm:npm

.PHONY: setup sys-deps js-deps js typecheck test lint unit lab bench fuzz clean

setup: $(STAMP)

$(UV):
	$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

$(STAMP): pyproject.toml Makefile | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(PY) -e '.[dev,speech]'
	@touch $(STAMP)

sys-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  command -v "$${entry#*:}" >/dev/null || missing="$$missing $${entry%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	  || { echo "FATAL: could not install$$missing (apt-get install -y$$missing)"; exit 1; }; \
	fi; \
	for entry in $(SYSTEM_PACKAGES); do command -v "$${entry#*:}" >/dev/null \
	  || { echo "FATAL: $${entry#*:} is still missing"; exit 1; }; done

# The front end: esbuild from npm into js/node_modules; the bundle is shipped in
# gemlive_nb/static/ and tests/test_js.py checks it matches js/.
js/node_modules/.package-lock.json: js/package.json js/package-lock.json | sys-deps
	cd js && npm ci --no-audit --no-fund --loglevel=error

js-deps: js/node_modules/.package-lock.json

js: js-deps
	node js/build.mjs

lint: setup
	$(VENV)/bin/ruff check gemlive_nb tests bench
	$(VENV)/bin/ruff format --check gemlive_nb tests bench

unit: setup sys-deps js-deps
	$(PY) -m pytest -q

# JSDoc types of js/ (// @ts-check files) checked by TypeScript, nothing emitted.
typecheck: js-deps
	cd js && npx --no-install tsc -p tsconfig.json

test: lint typecheck unit

lab: setup
	$(PY) -m gemlive_nb.lab $(LAB_ARGS)

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

fuzz: setup
	$(PY) bench/fuzz_nightly.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
