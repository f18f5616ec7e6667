# `make demo` and `make test` create or refresh .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint typecheck unit pg browser bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/diversion demo
	$(BIN)/diversion flows demo --out flows-demo

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: venv
	$(BIN)/mypy

# PostgreSQL for the store tests: Debian's package if no server binaries are found (tests/pg.py)
pg: venv
	$(BIN)/python -m tests.pg install

# Debian's chromium for the tests that render pages in a real browser (tests/browser.py)
browser: venv
	$(BIN)/python -m tests.browser install

# pytest with a private PostgreSQL server on a loopback port, removed afterwards
unit: venv pg browser
	$(BIN)/python -m tests.pg run -- $(BIN)/pytest

test: lint typecheck unit

bench: venv
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/list_import.py
	$(BIN)/python benchmarks/matching.py --quick
	$(BIN)/python benchmarks/network.py --companies 200000
	$(BIN)/python benchmarks/flows.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
