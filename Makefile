# Set-up and everyday commands. Everything runs from a fresh clone:
#   make serve   venv + install + index corpus/ if needed + serve on $(HOST):$(PORT)
#   make serve-prod  the same, served by gunicorn (gunicorn.conf.py) on $(HOST):$(PROD_PORT)
#   make demo    2,000 generated articles in instance/demo/, served with a "sample data" banner
#   make update  crawl the sites in instance/sites.toml into corpus/, then reindex
#                (and publish to REPLICAS when given)
#   make test    venv + install + lint (ruff, mypy) + the whole test suite (browser tests included)
#   make publish REPLICAS="web2:/srv/search/index web3:/srv/search/index"
#                copy the live index to each read replica (README, "Several machines")

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
CORPUS_DIR ?= corpus
INDEX_DIR ?= instance/index
SITES ?= instance/sites.toml
# gunicorn's port: 8000, or PORT when given (make serve-prod PORT=9000).
PROD_PORT := $(if $(filter file,$(origin PORT)),8000,$(PORT))
DEMO_DIR := instance/demo
DEMO_COUNT := 2000
REPLICAS ?=

.PHONY: install serve serve-prod demo index reindex update publish test lint bench clean

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

# Fetch new and changed articles of the sites in $(SITES) into the corpus, then reindex,
# then (with REPLICAS="host:path ...") publish the index to the read replicas.
update: install
	$(PY) -m indexer crawl --corpus $(CORPUS_DIR) --config $(SITES)
	$(PY) -m indexer reindex --corpus $(CORPUS_DIR) --index $(INDEX_DIR) --wait
	$(if $(strip $(REPLICAS)),$(PY) -m indexer publish --index $(INDEX_DIR) $(REPLICAS))

publish: install
	$(if $(strip $(REPLICAS)),$(PY) -m indexer publish --index $(INDEX_DIR) $(REPLICAS),@echo "REPLICAS is empty: nothing to publish")

serve: index
	$(PY) search_app.py --host $(HOST) --port $(PORT) --index $(INDEX_DIR) --corpus $(CORPUS_DIR)

serve-prod: index
	FLASK_INDEX_DIR=$(abspath $(INDEX_DIR)) FLASK_CORPUS_DIR=$(abspath $(CORPUS_DIR)) \
	  HOST=$(HOST) PORT=$(PROD_PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py

# Generated once (seed 1); regenerated only when the generator changes.
$(DEMO_DIR)/corpus.stamp: bench/generate.py | $(VENV)/.installed
	rm -rf $(DEMO_DIR)/corpus
	$(PY) bench/generate.py --count $(DEMO_COUNT) --out $(DEMO_DIR)/corpus --seed 1
	touch $@

demo: install $(DEMO_DIR)/corpus.stamp
	$(PY) -m indexer reindex --corpus $(DEMO_DIR)/corpus --index $(DEMO_DIR)/index
	FLASK_DEMO=1 $(PY) search_app.py --host $(HOST) --port $(PORT) \
	  --index $(DEMO_DIR)/index --corpus $(DEMO_DIR)/corpus

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: install lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
