# ClearCheck: `make run` serves the demo county; `make test` runs every gate.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(STAMP_RUN)

migrate: $(STAMP_RUN)
	$(BIN)/python manage.py migrate --noinput

# The demo's first start creates the key files (`clearcheck init`); nothing else ever makes a key.
# CLEARCHECK_DEMO=1 installs the demo app (its commands demo_load and demo_accounts); only the demo sets it.
demo run: export CLEARCHECK_DEMO = 1
demo: migrate
	$(BIN)/python manage.py init
	$(BIN)/python manage.py demo_load

run: demo
	$(BIN)/python manage.py demo_accounts
	@echo "ClearCheck 清检: http://127.0.0.1:$(PORT)/"
	CLEARCHECK_CODE_BASE_URL=$${CLEARCHECK_CODE_BASE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	PYTHONPATH=. $(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint
	CLEARCHECK_FAST_PASSWORDS=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP_DEV)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) var
