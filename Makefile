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

test: lint js-deps browser-deps unit

lab: setup
	$(PY) -m gemlive_nb.lab $(LAB_ARGS)

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Front end (issue 5): esbuild from npm into js/node_modules; the bundle is shipped in
# gemlive_nb/static/ and tests/test_js.py checks it matches js/.
.PHONY: js-deps js browser-deps
js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	@command -v npm >/dev/null || { apt-get update && apt-get install -y nodejs npm; } \
	  || { echo "FATAL: could not install Node.js and npm (apt-get install -y nodejs npm)"; exit 1; }
	cd js && npm ci --no-audit --no-fund

js-deps: js/node_modules/.package-lock.json

js: js-deps
	node js/build.mjs

# Real-browser tests drive Debian's Chromium with Playwright (never `playwright install`).
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; } \
	  || { echo "FATAL: could not install Debian's chromium (apt-get install -y chromium)"; exit 1; }
	@test -x /usr/bin/chromium || { echo "FATAL: /usr/bin/chromium is still missing"; exit 1; }
	@/usr/bin/chromium --version
