# graphengine: `make demo` sets everything up and runs the demo; `make test` runs the whole test suite.
# Both work on a fresh machine: they install Java/Maven (Debian) when missing, the Python venv, and Neo4j.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
GE     := $(VENV)/bin/graphengine
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The test suite runs its own Neo4j instance on other ports, so it never touches the demo graph.
TEST_ENV := GRAPHENGINE_INSTANCE=test GRAPHENGINE_BOLT_PORT=7688 GRAPHENGINE_HTTP_PORT=7475 \
            GRAPHENGINE_HEAP_SIZE=1g GRAPHENGINE_PAGECACHE_SIZE=512m

LINT_DIRS := $(wildcard graphengine tests loaders benchmarks)

.PHONY: help demo test unit lint java chromium venv neo4j-install neo4j-start neo4j-stop clean

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
	$(GE) analyze identity
	$(GE) journeys sessionize
	$(GE) journeys patterns
	$(GE) report --out report.html
	$(GE) neo4j status
	@echo
	@echo "Neo4j Browser: http://127.0.0.1:7474/browser/  (bolt://127.0.0.1:7687, user neo4j, password graphengine-dev)"

# The integration fixture starts the test instance when it is not running and stops it afterwards
# (only when it started it). pytest exit code 5 (nothing collected) counts as a failure.
test: java venv chromium lint
	$(TEST_ENV) $(GE) neo4j install
	$(TEST_ENV) $(PY) -m pytest tests -q -p no:cacheprovider; rc=$$?; \
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
