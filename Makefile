# Two commands: `make run` sets everything up and serves the app; `make test` sets up and runs the suite.
# `make test-fast` runs everything but the slow tests (browser, races, PDF rasters) on SQLite only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
# Where `make run` listens: `make run PORT=5001` when 5000 is taken (AirPlay on macOS takes it),
# `make run HOST=0.0.0.0` to try it from a phone on the same network.
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast lint bench setup setup-dev db translations extract-messages clean vnu

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup-dev
	TEST_BACKENDS=sqlite $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Lint and format (ruff) and types (mypy on inventory/ and labels/), as pyproject.toml sets them.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup-dev
	@set -e; for bench in tests/perf/bench_*.py; do echo "== $$bench"; $(BIN)/python $$bench; done

setup: $(VENV)/.installed instance/config.py translations

setup-dev: setup $(VENV)/.installed-dev vnu

# The Nu HTML Checker for tests/e2e/test_page_checks.py: npm's vnu-jar, run with Java. Without
# npm it is not fetched and that test skips, saying why.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu:
	@if [ ! -f $(VNU_JAR) ] && command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION) \
	  || echo "vnu-jar not installed: the HTML validity test will be skipped"; fi

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# A random secret key, written once and never committed (instance/ is ignored by git).
instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@
	chmod 600 $@

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty

translations: $(COMPILED)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For developers: refresh the catalogues after changing UI strings, then translate the new entries.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
