# graphengine: `make demo` sets everything up and runs the demo; `make test` runs the whole test suite.
# Both work on a fresh machine: they install Java/Maven (Debian) when missing, the Python venv, and Neo4j.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
GE     := $(VENV)/bin/graphengine
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The test suite runs its own Neo4j instance on other ports, so it never touches the demo graph.
TEST_ENV := GRAPHENGINE_INSTANCE=test GRAPHENGINE_BOLT_PORT=7688 GRAPHENGINE_HTTP_PORT=7475 \
            GRAPHENGINE_HEAP_SIZE=1g GRAPHENGINE_PAGECACHE_SIZE=512m GRAPHENGINE_TRANSACTION_MEMORY_MAX=256m

LINT_DIRS := $(wildcard graphengine tests loaders benchmarks)

.PHONY: help demo test unit lint java chromium venv api-start api-stop stop neo4j-install neo4j-start neo4j-stop clean

help:
	@echo "make demo   set up everything, start Neo4j, apply the schema, load and analyse the demo"
	@echo "make test   set up everything and run unit + integration tests against a real Neo4j"

java:
	@command -v java >/dev/null && command -v mvn >/dev/null || { \
	  echo "installing Java 17 and Maven from Debian"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null; }

# Headless Chromium for the Neo4j Browser check and the report test (Debian's package).
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "installing Chromium from Debian (headless checks)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed

neo4j-install: java venv
	$(GE) neo4j install

neo4j-start: neo4j-install
	$(GE) neo4j start

neo4j-stop: venv
	$(GE) neo4j stop

DEMO_DIR       ?= demo-data
DEMO_CUSTOMERS ?= 10000

demo: neo4j-start
	$(GE) schema apply
	@[ -f $(DEMO_DIR)/truth.json ] || $(GE) demo generate --out $(DEMO_DIR) --customers $(DEMO_CUSTOMERS)
	$(GE) demo load $(DEMO_DIR)
	$(GE) analyze communities --graph social --algorithm leiden
	$(GE) analyze influencers --limit 10
	$(GE) analyze identity --method probabilistic
	$(GE) journeys sessionize
	$(GE) journeys patterns
	$(GE) recommender train --promote
	$(GE) value rfm
	$(GE) value clv
	$(GE) value churn
	$(GE) value basket
	$(GE) value referral
	$(GE) campaign build --channel email --items 3 --cap 2/7d --holdout 10% --out $(DEMO_DIR)/campaign-email.csv
	$(GE) report --out report.html
	$(GE) neo4j status
	@$(MAKE) --no-print-directory api-start
	@echo
	@echo "Neo4j Browser: http://127.0.0.1:7474/browser/  (bolt://127.0.0.1:7687, user neo4j, password graphengine-dev)"
	@echo "Report:        $(CURDIR)/report.html"
	@echo "API docs:      http://127.0.0.1:8000/docs   (log .graphengine/api.log; 'make stop' stops API and Neo4j)"
	@echo "Try:"
	@echo "  curl -s localhost:8000/health"
	@echo "  curl -s -H 'X-API-Key: $(DEMO_API_KEY)' 'localhost:8000/customers/C000001/recommendations?limit=5&explain=true'"
	@echo "  curl -s 'localhost:8000/products/P00001/similar?limit=5'"
	@echo "  curl -s -H 'X-API-Key: $(DEMO_API_KEY)' 'localhost:8000/influencers?limit=5'"
	@echo "  curl -s -H 'X-API-Key: $(DEMO_API_KEY)' localhost:8000/customers/C000001"
	@echo "  curl -s localhost:8000/segments; curl -s 'localhost:8000/products/P00001/rules?limit=5'"
	@echo "  curl -s -X POST localhost:8000/events -H 'X-API-Key: $(DEMO_API_KEY)' -H 'Content-Type: application/json' \\"
	@echo "       -d '{\"purchases\":[{\"orderId\":\"web-1\",\"customerId\":\"C000001\",\"productId\":\"P00042\",\"amount\":18.16,\"at\":\"2026-04-01T10:00:00Z\"}]}'"
	@echo "  curl -s -X DELETE localhost:8000/customers/C000042 -H 'X-API-Key: $(DEMO_API_KEY)'"

DEMO_API_KEY ?= demo-key
API_PID := .graphengine/api.pid

# The API in the background (restarted if it runs), waiting until /health answers.
api-start: venv
	@mkdir -p .graphengine
	@if [ -f $(API_PID) ] && kill -0 $$(cat $(API_PID)) 2>/dev/null; then kill $$(cat $(API_PID)); sleep 1; fi
	@GRAPHENGINE_API_KEYS='["$(DEMO_API_KEY)"]' nohup $(GE) serve > .graphengine/api.log 2>&1 & echo $$! > $(API_PID)
	@for i in $$(seq 60); do curl -sf localhost:8000/health >/dev/null && break; sleep 0.5; done; \
	  curl -sf localhost:8000/health >/dev/null && echo "API running on http://127.0.0.1:8000 (pid $$(cat $(API_PID)))" \
	  || { echo "the API did not start; see .graphengine/api.log"; exit 1; }

api-stop:
	@if [ -f $(API_PID) ] && kill -0 $$(cat $(API_PID)) 2>/dev/null; then kill $$(cat $(API_PID)) && echo "API stopped"; fi
	@rm -f $(API_PID)

stop: api-stop neo4j-stop

# The integration fixture starts the test instance when it is not running and stops it afterwards
# (only when it started it). pytest exit code 5 (nothing collected) counts as a failure.
test: java venv chromium lint
	$(TEST_ENV) $(GE) neo4j install
	$(TEST_ENV) $(PY) -m pytest tests -q -p no:cacheprovider --durations=30; rc=$$?; \
	  if [ $$rc = 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

unit: venv
	$(PY) -m pytest tests/unit -q

lint: venv
	$(VENV)/bin/ruff check -q $(LINT_DIRS)
	$(VENV)/bin/ruff format -q --check $(LINT_DIRS)
	$(VENV)/bin/mypy

clean:
	-$(GE) neo4j stop
	-$(TEST_ENV) $(GE) neo4j stop
	rm -rf $(VENV)
