# Topping Console: `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
RUN_ENV := DEBUG=$${DEBUG:-true} CONSOLE_ALLOW_SIGNUP=$${CONSOLE_ALLOW_SIGNUP:-true}
# Production-like variables for `check --deploy`: throwaway keys, DEBUG off, HTTPS on.
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=console.example.com \
	DATABASE_URL=sqlite:///$(CURDIR)/.local/deploy-check.sqlite3 \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	FIELD_ENCRYPTION_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings
# Checked by mypy, strictly: the engine and every services module.
TYPED := deluge connections/services console/services.py workflows/services.py \
	sandbox/services.py releases/services.py connections/catalog/description.py sandbox/emulation \
	sandbox/hostapi.py workflows/books.py workflows/appclient.py sync/engine.py sync/services.py

.PHONY: install run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_services
	$(RUN_ENV) $(PY) manage.py create_demo
	$(RUN_ENV) $(PY) manage.py runconsole 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(TEST_ENV) $(VENV)/bin/mypy $(TYPED)
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

typecheck: install
	$(TEST_ENV) $(VENV)/bin/mypy $(TYPED)

pytest: install
	$(VENV)/bin/pytest -q -n 2

test: lint pytest

clean:
	rm -rf $(VENV) .local db.sqlite3 db.sqlite3-* staticfiles
