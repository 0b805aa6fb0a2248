# One command per task; `make test` is exactly what CI runs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: all setup demo sample ingest summary ui test lint clean

all: demo

$(BIN)/smartcity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	@touch $@

setup: $(BIN)/smartcity

## demo: set up, generate the sample corpus if raw/ has none, ingest it, print the summary
demo: setup
	@if [ -z "$$(find raw -mindepth 2 -type f 2>/dev/null | head -1)" ]; then \
		$(BIN)/smartcity sample --out raw; fi
	$(BIN)/smartcity ingest

sample: setup
	$(BIN)/smartcity sample --out raw

ingest: setup
	$(BIN)/smartcity ingest

summary: setup
	$(BIN)/smartcity summary

## ui: the Dagster UI on http://127.0.0.1:3000 (runs of `smartcity ingest` show there too)
ui: setup
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

lint: setup
	$(BIN)/ruff check pipelines tests
	$(BIN)/mypy pipelines

## test: set up, lint, type-check, validate the Dagster definitions, run the test suite
test: lint
	env -u DAGSTER_HOME -u RAW_DIR -u WAREHOUSE_URL $(BIN)/dagster definitions validate -w workspace.yaml
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .dagster warehouse/*.db* .pytest_cache .ruff_cache .mypy_cache
