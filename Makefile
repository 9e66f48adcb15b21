# bka: `make run` serves the app with demo data; `make test` runs the linter and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOG_DIR := bka/translations
POT := $(CATALOG_DIR)/messages.pot

.PHONY: run test lint bench translations extract-messages install wheel-check clean

$(BIN)/bka: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("bka needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/bka

translations: install
	$(BIN)/pybabel compile --statistics -d $(CATALOG_DIR)

run: translations
	$(BIN)/bka db upgrade
	$(BIN)/bka demo --if-empty
	@echo "bka is served on http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	$(BIN)/bka run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# -n auto: one pytest-xdist worker per core; `pytest -n0` runs in one process.
test: translations lint
	$(BIN)/pytest -n auto

bench: translations
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/overview.py
	$(BIN)/python benchmarks/step_pages.py

# Build the wheel, install it into a fresh venv and run it from another folder (docs/deployment.md).
wheel-check:
	PYTHON=$(PYTHON) bash scripts/check-wheel.sh

# Refresh messages.pot and the Swedish catalog after changing user-visible strings.
extract-messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext \
		--project bka -o $(POT) bka reports
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(POT) -d $(CATALOG_DIR)

clean:
	rm -rf $(VENV) instance build dist .pytest_cache .ruff_cache .hypothesis
