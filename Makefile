# The index of what a developer can do. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
FIXTURES := $(sort $(basename $(notdir $(wildcard fixtures/*.json))))
# The compiled translation catalogues are built, never committed (see docs/i18n.md).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale/*/*/LC_MESSAGES/*.po))

# make test talks to real services; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ctframework
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ctf_bench

# The Debian packages of system-packages.txt, installed when missing (as root, or with sudo
# without a password; otherwise it prints the apt-get command to run) by their tags.
SYSTEM_PACKAGES := scripts/system-packages.sh

.PHONY: run test test-postgres test-sqlite lint format bench fixtures worker clean \
	system-packages-run system-packages-test messages catalogues

# Debian's python3 makes no venv without python3-venv (no ensurepip): install it first.
$(BIN)/python:
	$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(SYSTEM_PACKAGES) --for '$(strip make $(MAKECMDGOALS))' venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## run: the embedded default (SQLite, Celery eager), fixtures and demo users, at http://127.0.0.1:8000
run: system-packages-run $(VENV)/.installed messages
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata $(FIXTURES)
	$(MANAGE) create_demo_users
	$(MANAGE) runserver 127.0.0.1:8000

# What the embedded default needs from Debian: the PDF reports' fonts and libraries, and msgfmt
# for the translation catalogues; nothing else.
system-packages-run:
	$(SYSTEM_PACKAGES) --for 'make run' run

## test: every package of system-packages.txt and PostgreSQL + Redis started, lint, then the
## whole suite on PostgreSQL + Redis, then the core tests on SQLite
test: system-packages-test lint test-postgres test-sqlite

# Every package; PostgreSQL and Redis installed and started only when the tests use this machine's.
system-packages-test:
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' TEST_BROKER_URL='$(TEST_BROKER_URL)' \
		$(SYSTEM_PACKAGES) --for 'make test' all

test-postgres: system-packages-test $(VENV)/.installed messages
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(BIN)/python tests/check_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(BIN)/pytest

test-sqlite: system-packages-test $(VENV)/.installed messages
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL CTF_VAR_DIR=$(CURDIR)/var/test-sqlite \
		$(BIN)/pytest -m core -p no:cacheprovider -q

## messages: compile the translation catalogues (locale/*/LC_MESSAGES/*.po) that changed
messages: $(CATALOGUES)

## catalogues: rewrite the catalogues from the code and templates, for translators to fill
catalogues: $(VENV)/.installed
	$(MANAGE) update_catalogues

# The same check Django's compilemessages runs: placeholders must match the English.
locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the performance measurements reported in bench/README.md
bench: $(VENV)/.installed messages
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run_all.py

## fixtures: rebuild fixtures/*.json from the human-written sets in principles/library/
fixtures: $(VENV)/.installed
	$(MANAGE) build_library_fixtures
	$(MANAGE) build_jurisdiction_fixture

## worker: a Celery worker for a deployment with CELERY_BROKER_URL set
worker: $(VENV)/.installed
	$(BIN)/celery -A ctframework worker --loglevel=INFO --concurrency=2

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache $(CATALOGUES)
