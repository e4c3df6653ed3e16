# The two commands a newcomer needs: `make run` and `make test`. Each installs what it
# needs first (a virtual environment in .venv, Python packages, GOV.UK Frontend assets).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
ASSETS := static/build/app.css static/build/govuk-frontend.min.js
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 5000
# The partnership `make run` serves (a folder in partnerships/); each keeps its own demo
# database and files in instance/<partnership>/, so switching does not mix them.
PARTNERSHIP ?= $(or $(ONEPANEL_PARTNERSHIP),redbridge)
RUN_INSTANCE := $(or $(ONEPANEL_INSTANCE_PATH),$(CURDIR)/instance/$(PARTNERSHIP))
RUN_ENV := ONEPANEL_ENV=development ONEPANEL_PARTNERSHIP=$(PARTNERSHIP) ONEPANEL_INSTANCE_PATH=$(RUN_INSTANCE)

.PHONY: run test test-sqlite test-postgresql install assets lint bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.package-lock.json static/scss/app.scss
	npm run --silent build

install: $(STAMP) $(ASSETS)

assets: $(ASSETS)

## Serve PARTNERSHIP's demo on http://127.0.0.1:5000 (SQLite and files in ./instance/<partnership>).
run: install
	$(RUN_ENV) $(VENV)/bin/flask --app app db-upgrade
	$(RUN_ENV) $(VENV)/bin/flask --app app seed-demo
	@echo "Mail is not sent: each message is written to $(RUN_INSTANCE)/outbox/ as an .eml file."
	$(RUN_ENV) $(VENV)/bin/flask --app app run --host 127.0.0.1 --port $(PORT)

## Run the whole suite on SQLite, then the database tests again on PostgreSQL.
test: install
	$(PY) -m pytest --db=sqlite
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest --db=postgresql

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r app.py config.py forms ingest notify partnerships storage views workflow document_templates -lll

bench: install
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/build
