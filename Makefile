# The two commands a new user runs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_PACKAGES := libvoikko1 voikko-fi python3-venv xapian-tools
TEST_PACKAGES := chromium
HOST ?= 127.0.0.1
PORT ?= 5000
# Quiet: pip says nothing but errors, and make shows what it does in a line, not its commands.
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq

.PHONY: serve test setup test-setup index clean

## serve: install everything, index corpus/ and serve the search page on http://127.0.0.1:5000
serve: setup
	@$(BIN)/bulletins index
	@$(BIN)/bulletins serve --watch --host $(HOST) --port $(PORT)

## test: install everything and run the whole test suite
test: test-setup
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed

test-setup: setup $(VENV)/.test-installed

$(VENV)/.installed: pyproject.toml scripts/system-packages.sh
	@scripts/system-packages.sh $(RUNTIME_PACKAGES)
	@echo "Installing bulletin-search and its Python packages into $(VENV)/"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e .
	@# An editable install leaves the package uncompiled: compile it as pip compiles a regular install,
	@# or every one-off `bulletins search` compiles it again where bytecode is not written.
	@$(BIN)/python -m compileall -q search
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	@scripts/system-packages.sh $(TEST_PACKAGES)
	@echo "Installing the test tools (pytest, Playwright) into $(VENV)/"
	@$(PIP) install -e '.[test]'
	@touch $@

## index: update the index from corpus/ (incremental)
index: setup
	@$(BIN)/bulletins index

clean:
	rm -rf $(VENV) index/_* index/*.toc index/*.seg index/*.pos index/*.lock
