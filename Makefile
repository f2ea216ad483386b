# Two commands on a fresh machine: `make run` (the app on SQLite with the demo data) and
# `make test` (every test, on SQLite and PostgreSQL). Both set up .venv first.
# `make bench` measures the synthetic tiers on both databases (TIERS="district province" to choose).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL the tests use (a fresh schema per test); CI fails when it is unreachable.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 8501
TIERS ?= district province national
DATABASES ?= sqlite postgresql

.PHONY: run test bench venv init demo clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: venv
	$(BIN)/python -m core.cli init
	$(BIN)/streamlit run serve.py --server.port $(PORT)

test: venv
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest

bench: venv
	$(BIN)/python -m benchmarks.bench --tiers $(TIERS) --databases $(DATABASES)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
