# newsbot: `make demo` and `make test` are all a newcomer needs (Python 3.11+ on the PATH).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# Never let uv fetch an interpreter: the venv's own Python is the one to use.
UV := UV_PYTHON_DOWNLOADS=never $(BIN)/uv
STAMP := $(VENV)/.newsbot-setup

.PHONY: setup demo test lint lock

## setup: create .venv and install the locked dependencies (re-runs only when they change).
## `uv sync --inexact` keeps packages uv.lock does not list, such as uv itself, in the venv.
setup: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	@test -n "$(PYTHON)" || { echo "newsbot needs Python 3.11: install python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "newsbot needs Python 3.11 or newer; $(PYTHON) is older (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --inexact --extra dev --python $(BIN)/python
	touch $@

## demo: ingest seeds/ into a temporary store and print the digest
demo: setup
	$(BIN)/newsbot demo

## test: run the test suite
test: setup
	$(BIN)/pytest -q

## lint: ruff (lint and format check) and mypy --strict
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## lock: update uv.lock after editing the dependencies in pyproject.toml
lock: setup
	$(UV) lock --python $(BIN)/python
