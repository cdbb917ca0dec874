# Gongkai: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

# Local runs use secrets kept in var/ (created once); production sets SECRET_KEY and AUDIT_KEY
# itself. The audit key signs the audit chain (docs/decisions/0013): keep it with the backups.
# The demo turns two-factor sign-in off so its reviewers need no authenticator app
# (docs/decisions/0010); production leaves TWO_FACTOR unset, which means required.
# SITE_URL is the address printed QR codes point to; a deployment sets its public one.
# Mail is printed to the console (the demo has no mail server).
RUN_ENV := SECRET_KEY_FILE=var/secret_key AUDIT_KEY_FILE=var/audit_key \
	ALLOWED_HOSTS=127.0.0.1,localhost TWO_FACTOR=off SITE_URL=http://127.0.0.1:8000 \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

.PHONY: run test check lint format types migrations-check bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The OCR models ship in rapidocr-onnxruntime (docs/decisions/0019), installed without the
# dependencies it declares: pyproject.toml lists what it imports, with the headless OpenCV in
# place of the desktop build it names, which needs the system's libGL. Its metadata caps Python
# below 3.13; its pure-Python code reads scans on 3.13 as well (checked), so the cap is ignored.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python \
		-c requirements.lock rapidocr-onnxruntime
	touch $@

install: $(VENV)/.installed

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

var/audit_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

run: install var/secret_key var/audit_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py demo_accounts
	$(RUN_ENV) $(BIN)/python manage.py serve --bind 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: install
	$(BIN)/mypy gongkai

migrations-check: install
	SECRET_KEY=check AUDIT_KEY=check-only-not-a-secret-0123456789abcdef SITE_URL=https://check.invalid \
		$(BIN)/python manage.py makemigrations --check --dry-run

check: lint types migrations-check test

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/static .mypy_cache .ruff_cache
