# relint: the two commands of the README are `make demo` and `make test`.
# Everything else here is what they are built from.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PORT ?= 8000

.DEFAULT_GOAL := help
CHROMIUM ?= /usr/bin/chromium

.PHONY: help demo demo-reports test install assets check-python check-npm check-port check-chromium migrate translations demo-data serve lint format ci messages

help:
	@echo "make demo   - install everything, load the demo data and serve it at http://127.0.0.1:$(PORT)"
	@echo "make test   - install everything and run the whole test suite"
	@echo "make lint   - ruff check and format check"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
		echo "relint needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
		echo "Install Python 3.11+ (Debian 12: apt install python3 python3-venv) or run: make PYTHON=/path/to/python3.11 ..."; \
		exit 1; }

check-npm:
	@command -v npm >/dev/null 2>&1 || { \
		echo "relint needs Node.js and npm for its front-end assets (bootstrap-italia, world-atlas)."; \
		echo "Install them (Debian 12: apt install nodejs npm) and run make again."; \
		exit 1; }

# The browser tests drive Debian's Chromium through Playwright (Playwright's
# own browser download cannot work on the city's closed networks). As root
# (CI, a fresh server) it is installed with apt; otherwise we say how.
check-chromium:
	@test -x $(CHROMIUM) || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM)."; \
			echo "Install it (Debian 12: sudo apt install chromium chromium-driver) or run: make test CHROMIUM=/path/to/chromium"; \
			exit 1; \
		fi; }

check-port:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(PORT)))' 2>/dev/null || { \
		echo "Port $(PORT) on 127.0.0.1 is already in use: stop what listens there, or run: make demo PORT=8001"; \
		exit 1; }

# The virtual environment is rebuilt when the pinned requirements change.
$(VENV)/.installed: requirements.lock pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-virtualenv -r requirements.lock
	$(PIP) install --quiet --require-virtualenv --no-deps -e .
	@touch $@

install: check-python $(VENV)/.installed

node_modules/.installed: package.json package-lock.json | check-npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: check-npm node_modules/.installed

# A local .env with a fresh secret key, for the demo only.
.env:
	@$(PYTHON) -c 'import secrets; print("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > .env
	@echo "Wrote .env for local use (DEBUG on, a random secret key). See .env.example for every setting."

translations: install .env
	$(MANAGE) compile_translations

migrate: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) setup_roles

demo-data: migrate
	$(MANAGE) load_demo --url http://127.0.0.1:$(PORT)/

# load_demo is idempotent: a second `make demo` keeps the data and prints the
# logins again.
# The demo's published annual reports (2024, both languages); skipped when
# already published.
demo-reports: demo-data assets
	$(MANAGE) build_report --year 2024 --lang it --archive --user coordinatore --publish --if-unpublished
	$(MANAGE) build_report --year 2024 --lang en --archive --user coordinatore --publish --if-unpublished

# The task worker (report builds) runs beside the web server and stops with it.
demo: check-python check-npm check-port install assets translations demo-data demo-reports
	@$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver --noreload 127.0.0.1:$(PORT)

test: check-python check-npm check-chromium install assets translations
	RELINT_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Extract the translatable strings into the .po files (then translate them).
messages: install
	$(MANAGE) makemessages --locale it --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
