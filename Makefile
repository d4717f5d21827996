# Two commands for a newcomer: `make demo` (the whole system on the embedded default) and `make test`.
# Each creates .venv with what it needs; nothing else is required but Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= demo-workspace

.PHONY: demo demo-serve test lint types imports unit docs bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "chainbreaker needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The runtime install (DuckDB, SQLite: no server, no Java).
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# Everything for the test suite: Spark, PostgreSQL driver, Playwright, linters.
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/chainbreaker demo --workspace $(DEMO_DIR)

demo-serve: $(VENV)/.runtime
	$(BIN)/chainbreaker demo --workspace $(DEMO_DIR) --serve

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(VENV)/.dev
	$(BIN)/mypy

imports: $(VENV)/.dev
	$(BIN)/lint-imports

unit: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint types imports unit

docs: $(VENV)/.dev
	$(BIN)/python -c "from chainbreaker.core.contract import contract_markdown as m; open('docs/data-contract.md', 'w').write(m())"
	$(BIN)/chainbreaker indicators docs --out docs/reference/indicators.md

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
