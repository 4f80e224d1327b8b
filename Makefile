# Every workflow a user or CI runs. The first target that needs the environment creates it.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
SPEC    = openapi/broker.yaml
MODELS  = src/paperbroker/contract/models.py

.PHONY: setup serve stub test lint unit generate clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)
	$(BIN)/paperbroker serve

stub: $(STAMP)
	$(BIN)/paperbroker stub

generate: $(STAMP)
	$(BIN)/python -m paperbroker.contract.generate --write

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy
	$(BIN)/openapi-spec-validator $(SPEC)
	$(BIN)/python -m paperbroker.contract.generate

unit: $(STAMP)
	$(BIN)/pytest

test: lint unit

# Not part of `make test`: a few minutes of load (wrk) against the service, a FastAPI peer and a ceiling.
bench: $(STAMP)
	$(BIN)/python -m tools.bench.run

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
