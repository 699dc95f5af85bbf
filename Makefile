# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 $(HOME)/.pyenv/versions/3.12*/bin/python3 $(HOME)/.pyenv/versions/3.13*/bin/python3 python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format venv migrate demo clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "iptcare needs Python 3.12 or newer (Django 6); none was found." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,redis]'
	@touch $@

venv: $(BIN)/.installed

migrate: venv
	DEBUG=true $(BIN)/python manage.py migrate --no-input

demo: migrate
	DEBUG=true SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py demo

run: demo
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python bench/run.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy iptcare

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var test-artifacts
