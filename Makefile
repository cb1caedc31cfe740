# Gelijk — the two commands a newcomer needs are `make run` and `make test`.
# Everything else here is for developers (see docs/operations.md).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help run setup test lint format bench vendor messages clean-var

help:
	@echo "make run    install, migrate, load reference + demo data, start Gelijk on http://127.0.0.1:8000"
	@echo "make test   install test dependencies and run the whole test suite"
	@echo "make lint   ruff + import-linter (layer contracts)"
	@echo "make bench  benchmarks; results in bench/results/"
	@echo "make vendor refresh vendored NL Design System CSS and JS from npm"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=24"

$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install -c $(CONSTRAINTS) -e ".[test]"
	@touch $(VENV)/.runtime $@

# The demo: embedded SQLite in var/ unless DATABASE_URL is set; demo logins shown.
setup run: export GELIJK_DEMO ?= 1

setup: $(VENV)/.runtime
	$(BIN)/gelijk setup --demo

run: setup
	$(BIN)/gelijk run

test: $(VENV)/.test
	@scripts/ensure-system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: $(VENV)/.test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.test
	$(BIN)/python bench/run.py $(BENCH_ARGS)

vendor:
	scripts/vendor-frontend

# Update the English catalogue after changing Dutch UI strings; translate the new entries in
# src/gelijk/locale/en/LC_MESSAGES/django.po, then run this again to compile.
messages: $(VENV)/.runtime
	cd src/gelijk && DJANGO_SETTINGS_MODULE=gelijk.conf.settings.development \
	  ../../$(BIN)/python -m django makemessages -l en --no-location --ignore "static/*" --ignore "engines/*" && \
	  msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

clean-var:
	rm -rf var/gelijk.sqlite3 var/static var/media
