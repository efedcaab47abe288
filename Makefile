# aidwatch: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_SCALE ?= 0.01
DEMO_DB := data/registry.sqlite
HOST ?= 127.0.0.1
PORT ?= 8050

# The UI's gettext catalogs (docs/i18n.md): the .po files are the source, the .mo files are built.
LOCALE       := aidwatch/locale
CATALOGS     := $(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po)
I18N_SOURCES := aidwatch queries views exports notifications dashboard cli

.PHONY: install system-deps run-deps run test test-sqlite bench demo clean i18n

# Idempotent: creates .venv with the `aidwatch` command; reinstalls only when pyproject.toml changed,
# recompiles a catalog only when its .po changed.
install: $(BIN)/.installed $(CATALOGS:.po=.mo)

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -D messages -l $* -i $< -o $@

# Extract the keys the code uses into messages.pot, then add new ones to each .po (empty, to be written)
# and drop the ones no code uses; each entry shows the other language's text as a #. comment.
i18n: $(BIN)/.installed
	$(BIN)/pybabel extract -F pyproject.toml --no-location --sort-output --omit-header \
	  -o $(LOCALE)/messages.pot $(I18N_SOURCES)
	$(BIN)/pybabel update -D messages -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching \
	  --ignore-obsolete --ignore-pot-creation-date
	$(BIN)/python scripts/i18n_comments.py $(LOCALE)
	$(MAKE) --no-print-directory install

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
