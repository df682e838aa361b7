# Two commands for a newcomer: `make lab` and `make test`. Both set up .venv (and the system
# packages the tests need) first; a missing tool fails loudly, it never skips a test.
# Test tiers (markers set in tests/conftest.py): `make quick` runs the unit tests alone;
# `make test-emulator`, `test-notebook`, `test-browser` one tier; `make test` everything, plus
# the quick tier against the lowest declared dependency versions (`make lowest`).
SHELL := /bin/bash
comma := ,
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOWEST_VENV := .venv-lowest
STAMP := $(VENV)/.installed
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# Debian packages the tests use: Chromium (browser tests), flite (spoken test sentences),
# Node.js and npm (front-end unit tests and the esbuild bundle).
SYSTEM_PACKAGES := chromium:/usr/bin/chromium flite:flite nodejs:node npm:npm
APT_INSTALL := apt-get install -y --no-install-recommends

.PHONY: setup sys-deps js-deps js js-typecheck test lint typecheck unit adversarial quick test-orders lowest lab figures bench fuzz clean

setup: $(STAMP)

$(UV):
	$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

$(STAMP): pyproject.toml Makefile | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(PY) -e '.[dev,speech]'
	@touch $(STAMP)

# Installs only what is missing, without recommended packages, and prints a summary (the full
# apt log goes to a temp file, shown if it fails). Not root or no apt-get: prints the command.
sys-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  command -v "$${entry#*:}" >/dev/null || missing="$$missing $${entry%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "FATAL: missing system packages:$$missing. On Debian/Ubuntu run:"; \
	    echo "  sudo apt-get update && sudo $(APT_INSTALL)$$missing"; \
	    echo "(elsewhere install the same with your package manager), then run make again."; \
	    exit 1; fi; \
	  log=$$(mktemp -t gemlive-apt.XXXXXX); \
	  echo "installing Debian packages:$$missing (log: $$log)"; \
	  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	         $(APT_INSTALL) -qq -o Dpkg::Use-Pty=0$$missing; } >"$$log" 2>&1; then \
	    tail -n 20 "$$log"; echo "FATAL: could not install:$$missing"; exit 1; fi; \
	  echo "done: $$(grep -c '^Setting up' "$$log") Debian package(s) set up"; \
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

typecheck: setup js-typecheck
	$(VENV)/bin/mypy

unit: setup sys-deps js-deps
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory adversarial

# The adversarial pass (issue 24): the session and widget tiers and notebooks 02 and 06 once more,
# every emulator they start (in the tests, in a child process, in a notebook's kernel) sending
# Emulator(orders="adversarial") orders through GEMLIVE_EMULATOR_ORDERS; each test module draws
# with one seed of ADVERSARIAL_SEEDS, fixed by its path (tests/conftest.py). Quick tests start no
# emulator and test_adversarial_orders.py picks its own orders, so they are not run twice.
ADVERSARIAL_SEEDS ?= 3,11,17
NOTEBOOK_RUN := tests/notebooks/test_notebooks.py::test_notebook_runs_offline
ADVERSARIAL_TESTS := tests/session tests/widget --ignore=tests/session/test_adversarial_orders.py \
  '$(NOTEBOOK_RUN)[streaming_and_interruption]' '$(NOTEBOOK_RUN)[reliability]'
adversarial: setup sys-deps js-deps
	GEMLIVE_TEST_ORDER_SEEDS=$(ADVERSARIAL_SEEDS) $(PY) -m pytest -q -m 'emulator or notebook' \
	  $(ADVERSARIAL_TESTS)

# JSDoc types of js/ (// @ts-check files) checked by TypeScript, nothing emitted.
js-typecheck: js-deps
	cd js && npx --no-install tsc -p tsconfig.json

quick: test-quick

# Every order the protocol grammar allows (issue 24): its property tests over 10000 generated
# conversations, the session tier's differential test over 20 seeds, and the adversarial pass
# once per seed (every module with that seed; the default run takes 500 conversations and a
# fixed handful of seeds, spread over the modules).
ORDER_SEEDS ?= 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19
test-orders: setup sys-deps js-deps
	GEMLIVE_ORDER_SEEDS=$(ORDER_SEEDS) GEMLIVE_GRAMMAR_CONVERSATIONS=10000 $(PY) -m pytest -q -s \
	  tests/conversation/test_grammar_orders.py tests/session/test_adversarial_orders.py
	@for seed in $(subst $(comma), ,$(ORDER_SEEDS)); do echo "== adversarial pass, seed $$seed"; \
	  $(MAKE) --no-print-directory adversarial ADVERSARIAL_SEEDS=$$seed || exit 1; done

test-%: setup sys-deps js-deps
	$(PY) -m pytest -q -m $*

# The lowest versions pyproject.toml allows for its direct dependencies, in a second venv.
$(LOWEST_VENV)/.installed: pyproject.toml Makefile | $(UV)
	@test -x $(LOWEST_VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(LOWEST_VENV)
	$(UV) pip install --quiet --python $(LOWEST_VENV)/bin/python --resolution lowest-direct \
	  -e '.[dev,speech]'
	@touch $@

lowest: $(LOWEST_VENV)/.installed sys-deps js-deps
	$(LOWEST_VENV)/bin/python -m pytest -q -m quick -p no:cacheprovider

# The lowest-versions job (the quick tier: CPU, no emulator, no browser) runs beside the main
# run, which mostly waits on paced replies, kernels and browsers (about a quarter of the two
# cores busy in a fresh clone's run); one after the other they took 14.9 of the 15 minutes.
test: lint typecheck
	$(MAKE) --no-print-directory -j2 --output-sync=target unit lowest

lab: setup
	$(PY) -m gemlive_nb.lab $(LAB_ARGS)

# The gallery images in notebooks/images (drawn offline, deterministic; tests/notebooks/
# test_figures.py checks the committed ones are fresh).
figures: setup
	$(PY) tests/notebooks/figures.py notebooks/images

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

fuzz: setup
	$(PY) bench/fuzz_nightly.py

clean:
	rm -rf $(VENV) $(LOWEST_VENV) .pytest_cache .ruff_cache .hypothesis
