# aidwatch: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_SCALE ?= 0.01
DEMO_DB := data/registry.sqlite
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: install system-deps run-deps run test test-sqlite bench demo clean

# Idempotent: creates .venv with the `aidwatch` command; reinstalls only when pyproject.toml changed.
install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Debian packages the test suite drives: Chromium + its driver, PostgreSQL, Redis, CJK fonts.
system-deps:
	scripts/system-deps.sh

# Debian packages the served dashboard needs: the CJK font the briefing PDF embeds.
run-deps:
	scripts/system-deps.sh --run

$(DEMO_DB): | $(BIN)/.installed
	mkdir -p data
	$(BIN)/aidwatch demo-data --url sqlite:///$(DEMO_DB) --scale $(DEMO_SCALE) --seed 2025

demo: $(DEMO_DB)

run: install run-deps $(DEMO_DB)
	AIDWATCH_DEMO=1 $(BIN)/aidwatch users demo-accounts
	AIDWATCH_DEMO=1 $(BIN)/aidwatch serve --host $(HOST) --port $(PORT)

test: install system-deps
	scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# National-scale measurements; registries are generated once and kept under bench/cache.
bench: install system-deps
	mkdir -p bench/cache
	AIDWATCH_PG_DATADIR=$(CURDIR)/bench/cache/pg AIDWATCH_TEST_PG_PORT=54339 \
	  scripts/with-postgres.sh $(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data instance .pytest_cache
