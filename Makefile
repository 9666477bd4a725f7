# Two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test install lint typecheck pytest pytest-postgres bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## migrate, seed the demo data, serve on http://127.0.0.1:8000
	$(BIN)/gigafibre demo

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)

typecheck: install
	$(BIN)/mypy

pytest: install  ## the whole suite on SQLite, browser tests included
	$(BIN)/pytest -q

pytest-postgres: install  ## the suite again on PostgreSQL (skipped if unreachable, unless GF_REQUIRE_SERVICES=1)
	GF_TEST_DATABASE=postgresql $(BIN)/pytest -q -m "not browser"

test: lint typecheck pytest pytest-postgres

bench: install
	$(BIN)/python bench/customer_search.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
