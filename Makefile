# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` stores background tasks in the database for a worker running beside the server.
RUN_TASKS_BACKEND ?= django_tasks_db.DatabaseBackend

.PHONY: run worker test lint bench migrations-check messages clean

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
	export TASKS_BACKEND=$(RUN_TASKS_BACKEND); \
	$(BIN)/python manage.py run_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The task worker alone (production: TASKS_BACKEND is the database backend by default).
worker: $(BIN)/.deps
	TASKS_BACKEND=$(RUN_TASKS_BACKEND) $(BIN)/python manage.py run_worker

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
	$(BIN)/python -m tests.bench_live $(BENCH_LIVE_ARGS)

messages: $(BIN)/.deps
	$(BIN)/python manage.py makemessages -l it --ignore=.venv

clean:
	rm -rf $(VENV) data/*.sqlite3
