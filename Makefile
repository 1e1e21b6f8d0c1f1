# Set-up and everyday commands. Everything runs from a fresh clone:
#   make serve   venv + install + index corpus/ if needed + serve on $(HOST):$(PORT)
#   make test    venv + install + lint + the whole test suite (browser tests included)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
CORPUS_DIR ?= corpus
INDEX_DIR ?= instance/index

.PHONY: install serve index reindex test lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

index: install
	$(PY) -m indexer reindex --corpus $(CORPUS_DIR) --index $(INDEX_DIR)

reindex: index

serve: index
	$(PY) search_app.py --host $(HOST) --port $(PORT) --index $(INDEX_DIR) --corpus $(CORPUS_DIR)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: install lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
