# Jiazheng: `make run` starts the app with demo data; `make test` runs the whole suite.
#
#   make run [HOST=0.0.0.0] [PORT=8000]
#   make test [JIAZHENG_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test]
#             [REDIS_URL=redis://127.0.0.1:6379/15] [PYTEST_ARGS="-x -k tokens"]
#   make lint
#
# The virtualenv is .venv (made with $(PYTHON), which must be 3.11 or newer); the package
# is (re)installed only when setup.py changed since the last install.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-setup.py
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint install

run: install
	$(BIN)/jiazheng db upgrade
	$(BIN)/jiazheng demo-data --once
	$(BIN)/jiazheng serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

$(STAMP): setup.py | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@
