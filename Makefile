# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` stores background tasks in the database for a worker running beside the server.
RUN_TASKS_BACKEND ?= django_tasks_db.DatabaseBackend

.PHONY: run worker serve test lint bench bench-server bench-serving migrations-check messages clean

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

# The production server (bin/serve: granian, WEB_CONCURRENCY worker processes, HTTP and
# WebSockets) with production settings: SECRET_KEY must be set, and DATABASE_URL and REDIS_URL
# for a real installation. Over plain HTTP (no TLS proxy in front), also set
# SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false to be able to sign in.
serve: $(BIN)/.deps
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" sh bin/serve

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

# Real server processes driven by wrk (`apt-get install -y wrk`), on PostgreSQL + Redis:
#   DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-server
# bench-server measures the shipped server (bin/serve); bench-serving compares the candidates.
WRK_CHECK = @command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
bench-server: $(BIN)/.dev-deps
	$(WRK_CHECK)
	$(BIN)/python -m tests.bench --server $(BENCH_ARGS)

bench-serving: $(BIN)/.dev-deps
	$(WRK_CHECK)
	$(BIN)/python -m tests.bench --compare-servers $(BENCH_ARGS)

messages: $(BIN)/.deps
	$(BIN)/python manage.py makemessages -l it --ignore=.venv

clean:
	rm -rf $(VENV) data/*.sqlite3
