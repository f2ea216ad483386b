# Two commands on a fresh machine: `make run` (the app on SQLite with the demo data) and
# `make test` (every test, on SQLite and PostgreSQL). Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL the tests use (a fresh schema per test); CI fails when it is unreachable.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 8501

.PHONY: run test venv init demo clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: venv
	$(BIN)/python -m core.cli init
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: venv
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
