# Every workflow a user or CI runs. The first target that needs the environment creates it.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
SPEC    = openapi/broker.yaml
MODELS  = src/paperbroker/contract/models.py
FRONTEND  = tools/frontend
NPM_STAMP = $(FRONTEND)/node_modules/.installed-stamp
PAGE      = src/paperbroker/web/dist/index.html
PAGE_SOURCES = $(wildcard $(FRONTEND)/web/*.html $(FRONTEND)/web/*.css $(FRONTEND)/web/src/*.ts $(FRONTEND)/src/*.ts) \
               $(FRONTEND)/vite.config.ts $(SPEC)
CHROMIUM  = /usr/bin/chromium

.PHONY: setup serve stub test lint unit fuzz generate clean bench codegen mock frontend page web

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP) $(PAGE)
	$(BIN)/paperbroker serve

stub: $(STAMP)
	$(BIN)/paperbroker stub

generate: $(STAMP)
	$(BIN)/python -m paperbroker.contract.generate --write

lint: $(STAMP) lint-contract
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy
	$(BIN)/openapi-spec-validator $(SPEC)
	$(BIN)/python -m paperbroker.contract.generate

unit: $(STAMP) $(PAGE)
	$(BIN)/pytest

# Schemathesis against a live uvicorn process of the service (config: schemathesis.toml).
fuzz: $(STAMP)
	$(BIN)/paperbroker fuzz

test: lint unit fuzz frontend web

# The pinned TypeScript toolchain (tools/frontend/package-lock.json), installed once.
$(NPM_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# TypeScript types and client from the spec, into tools/frontend/generated (`paperbroker codegen --out DIR`).
codegen: $(STAMP) $(NPM_STAMP)
	$(BIN)/paperbroker codegen

# The stateful mock on 127.0.0.1:8000: the engine in memory (`paperbroker mock --examples` for examples only).
mock: $(STAMP) $(PAGE)
	$(BIN)/paperbroker mock

# Type-check the adapter, run the frontend suite against the mock, the service and the stub, and the drift test.
frontend: codegen
	PAPERBROKER_FRONTEND_TESTS=1 $(BIN)/pytest tests/frontend

# The web terminal (tools/frontend/web), built by Vite into the package: served at / and shipped in the wheel.
$(PAGE): $(NPM_STAMP) $(PAGE_SOURCES) | $(STAMP)
	$(BIN)/paperbroker codegen
	cd $(FRONTEND) && node_modules/.bin/tsc --noEmit -p tsconfig.json && node_modules/.bin/vite build --logLevel warn

page: $(PAGE)

# Debian's Chromium, installed once, for the browser test (Playwright drives it; no browser download).
$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

# The web terminal in a real browser against `paperbroker serve --no-market`; screenshots in build/ui/.
web: $(PAGE) $(CHROMIUM)
	PAPERBROKER_WEB_TESTS=1 $(BIN)/pytest tests/web

# Spectral (spectral:oas + OWASP) and Redocly (recommended) on the contract, from the pinned toolchain in
# tools/contract-lint (installed once, no install scripts); fails on any error.
CONTRACT_LINT  = tools/contract-lint
LINT_NPM_STAMP = $(CONTRACT_LINT)/node_modules/.installed-stamp

$(LINT_NPM_STAMP): $(CONTRACT_LINT)/package.json $(CONTRACT_LINT)/package-lock.json
	cd $(CONTRACT_LINT) && npm ci --no-audit --no-fund --ignore-scripts
	touch $(LINT_NPM_STAMP)

lint-contract: $(LINT_NPM_STAMP)
	$(CONTRACT_LINT)/node_modules/.bin/spectral lint --fail-severity error -r $(CONTRACT_LINT)/.spectral.yaml $(SPEC)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(CONTRACT_LINT)/node_modules/.bin/redocly lint --config $(CONTRACT_LINT)/redocly.yaml $(SPEC)

.PHONY: lint-contract

# Not part of `make test`: a few minutes of load (wrk) against the service, a FastAPI peer and a ceiling.
bench: $(STAMP)
	$(BIN)/python -m tools.bench.run

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache src/paperbroker/web/dist
