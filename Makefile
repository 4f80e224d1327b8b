# Every workflow a user or CI runs. The first target that needs the environment creates it.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
SPEC    = openapi/broker.yaml
MODELS  = src/paperbroker/contract/models.py
FRONTEND  = tools/frontend
NPM_STAMP = $(FRONTEND)/node_modules/.installed-stamp

.PHONY: setup serve stub test lint unit fuzz generate clean bench codegen mock frontend

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

# Schemathesis against a live uvicorn process of the service (config: schemathesis.toml).
fuzz: $(STAMP)
	$(BIN)/paperbroker fuzz

test: lint unit fuzz frontend

# The pinned TypeScript toolchain (tools/frontend/package-lock.json), installed once.
$(NPM_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# TypeScript types and client from the spec, into tools/frontend/generated (`paperbroker codegen --out DIR`).
codegen: $(STAMP) $(NPM_STAMP)
	$(BIN)/paperbroker codegen

# The stateful mock on 127.0.0.1:8000: the engine in memory (`paperbroker mock --examples` for examples only).
mock: $(STAMP)
	$(BIN)/paperbroker mock

# Type-check the adapter, run the frontend suite against the mock, the service and the stub, and the drift test.
frontend: codegen
	PAPERBROKER_FRONTEND_TESTS=1 $(BIN)/pytest tests/frontend

# Not part of `make test`: a few minutes of load (wrk) against the service, a FastAPI peer and a ceiling.
bench: $(STAMP)
	$(BIN)/python -m tools.bench.run

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
