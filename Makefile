# The index of what a developer can do. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
FIXTURES := $(sort $(basename $(notdir $(wildcard fixtures/*.json))))

# make test talks to real services; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ctframework
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ctf_bench

.PHONY: run test test-postgres test-sqlite lint format bench fixtures worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## run: the embedded default (SQLite, Celery eager), fixtures and demo users, at http://127.0.0.1:8000
run: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata $(FIXTURES)
	$(MANAGE) create_demo_users
	$(MANAGE) runserver 127.0.0.1:8000

## test: lint, then the whole suite on PostgreSQL + Redis, then the core tests on SQLite
test: lint test-postgres test-sqlite

test-postgres: $(VENV)/.installed
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(BIN)/python tests/check_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(BIN)/pytest

test-sqlite: $(VENV)/.installed
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL CTF_VAR_DIR=$(CURDIR)/var/test-sqlite \
		$(BIN)/pytest -m core -p no:cacheprovider -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the performance measurements reported in bench/README.md
bench: $(VENV)/.installed
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run_all.py

## fixtures: rebuild fixtures/*.json from the human-written sets in principles/library/
fixtures: $(VENV)/.installed
	$(MANAGE) build_library_fixtures
	$(MANAGE) build_jurisdiction_fixture

## worker: a Celery worker for a deployment with CELERY_BROKER_URL set
worker: $(VENV)/.installed
	$(BIN)/celery -A ctframework worker --loglevel=INFO --concurrency=2

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
