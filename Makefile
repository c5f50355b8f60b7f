# The two commands a newcomer needs: `make demo` (the service with demo data on SQLite)
# and `make test` (the whole suite). Both install what they need into .venv first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo serve test lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/daks demo --serve

serve: install
	$(BIN)/daks serve

test: install
	$(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check daks tests bench
	$(BIN)/ruff format --check daks tests bench
	$(BIN)/mypy daks bench
	$(BIN)/lint-imports

# A new alembic revision from the difference between the tables and the migrations.
migration: install
	$(BIN)/python -m daks.store.migrations.new "$(MSG)"
