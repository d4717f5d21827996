# Two commands for a newcomer: `make demo` (the whole system on the embedded default) and `make test`.
# Each creates .venv with what it needs; nothing else is required but Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= demo-workspace
DEMO_ARGS ?=

.PHONY: demo demo-serve test lint types imports unit docs constraints clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "chainbreaker needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The runtime install (DuckDB, SQLite: no server, no Java).
$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

# Everything for the test suite: Spark, PostgreSQL driver, Playwright, linters.
$(VENV)/.dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/chainbreaker demo --workspace $(DEMO_DIR) $(DEMO_ARGS)

demo-serve: $(VENV)/.runtime
	$(BIN)/chainbreaker demo --workspace $(DEMO_DIR) --serve $(DEMO_ARGS)

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

# Re-pin every dependency to what the current .venv runs (after changing pyproject.toml and testing).
constraints: $(VENV)/.dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
