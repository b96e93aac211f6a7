# Jiazheng: `make run` starts the app with demo data; `make test` runs the whole suite.
#
#   make run [HOST=0.0.0.0] [PORT=8000]
#   make test [JIAZHENG_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test]
#             [REDIS_URL=redis://127.0.0.1:6379/15] [PYTEST_ARGS="-x -k tokens"]
#   make lint
#   make lock    (refresh requirements.lock from setup.py: after changing its dependencies)
#
# make test runs the suite in parallel (pytest-xdist, one process per CPU core; JOBS=1 for
# one process, JOBS=4 for four). It first makes sure Chromium and the CJK fonts the browser
# tests need are installed (apt-get when run as root), or stops at once saying what to run.
#
# The virtualenv is .venv (made with $(PYTHON), which must be 3.11 or newer). Dependencies
# are installed from requirements.lock, every package pinned with its hashes
# (pip --require-hashes), then the package itself without dependencies; this happens again
# whenever setup.py or the lock changed since the last install. pip and setuptools in the
# venv are upgraded at each install. `make lock` regenerates the lock from setup.py
# (install_requires and the test extra) with uv, kept in its own venv .venv-lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
LOCK := requirements.lock
LOCK_VENV := .venv-lock
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
JOBS ?= auto

.PHONY: run test lint install browser-deps lock

run: install
	$(BIN)/jiazheng db upgrade
	$(BIN)/jiazheng demo-data --once
	$(BIN)/jiazheng serve --host $(HOST) --port $(PORT)

test: browser-deps install
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

browser-deps:
	@sh .ci/browser-deps

lint: install
	$(BIN)/ruff check core plugins tests examples

install: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Jiazheng needs Python 3.11 or newer, but '$(PYTHON)' is" \
	    "$$($(PYTHON) --version 2>/dev/null || echo missing)." \
	    "Run e.g. 'make $(MAKECMDGOALS) PYTHON=python3.12'." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): setup.py $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --no-deps -e .
	$(BIN)/python -m core.i18n
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "$(LOCK) lacks what setup.py asks for: run 'make lock', then 'make install'." >&2; \
	  exit 1; }
	touch $@

# uv resolves for every platform (--universal) and Python 3.11 up, with the hashes of
# every file of each pinned release.
lock:
	@test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip uv; }
	$(LOCK_VENV)/bin/uv pip compile setup.py --extra test --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command 'make lock' --quiet --output-file $(LOCK)
