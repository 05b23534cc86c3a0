# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?=
# Agents read English or Simplified Chinese; customers also get the portal and tracking pages in these.
LOCALES := zh_Hans es de fr it ja pt

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format migrations-check messages seed bench-seed clean

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Re-install when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	@echo "Installing dependencies into $(VENV) (first time: a few minutes)…"
	$(PY) -m pip install --quiet --editable .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	$(PY) -m pip install --quiet --editable '.[dev]'
	@touch $@

# A development secret, generated once and kept out of git; production sets SECRET_KEY.
var/dev-secret-key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.installed-run var/dev-secret-key
	@set -a; export SECRET_KEY="$${SECRET_KEY:-$$(cat var/dev-secret-key)}" DEBUG="$${DEBUG:-true}"; set +a; \
	$(PY) manage.py migrate --no-input -v 0 && \
	$(PY) manage.py install_schedule && \
	$(PY) manage.py nlp_train --if-missing && \
	$(PY) manage.py seed_demo $(if $(SCALE),--scale $(SCALE),) && \
	{ command -v msgfmt >/dev/null && $(PY) manage.py compilemessages -v 0 --ignore '.venv/*' || echo "msgfmt not found: using the compiled catalogues in locale/"; } && \
	$(PY) manage.py demo_logins --url "http://$(HOST):$(PORT)/" && \
	HOST=$(HOST) PORT=$(PORT) exec $(VENV)/bin/honcho start --no-prefix -f Procfile

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: $(VENV)/.installed-run
	SECRET_KEY=makemigrations-check-only DEBUG=true $(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed-run
	SECRET_KEY=messages-only DEBUG=true $(PY) manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --no-obsolete
	SECRET_KEY=messages-only DEBUG=true $(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var/db.sqlite3* var/celery var/cache
