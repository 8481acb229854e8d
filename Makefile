# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench migrations-check messages clean

# The venv is rebuilt only when pyproject.toml changes, so a second `make run` reuses it.
$(BIN)/.deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet .
	touch $@

$(BIN)/.dev-deps: $(BIN)/.deps pyproject.toml
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

run: $(BIN)/.deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python manage.py check --settings=config.settings.test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.dev-deps
	$(BIN)/python -m tests.bench

messages: $(BIN)/.deps
	$(BIN)/python manage.py makemessages -l it --ignore=.venv

clean:
	rm -rf $(VENV) data/*.sqlite3
