# mlcrystal: two commands on a fresh clone.
#   make book   build the executed book into _build/html
#   make test   unit tests + nbval on every notebook
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?= $(sort $(wildcard book/[0-9][0-9]_*.ipynb))

.PHONY: book test unit nbval notebooks site-check clean help

help:
	@echo "make book        build the executed book into _build/html (the main job)"
	@echo "make test        unit tests (tests/) and nbval on every notebook (book/)"
	@echo "make notebooks   re-execute notebooks in place, storing outputs and widget state (NB=book/05_....ipynb for one)"
	@echo "make site-check  open every page of _build/html in headless Chromium"

# (Re)create the virtual environment when it is missing or older than the pins.
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

unit: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env book/

test: $(STAMP)
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval --nbval-current-env book/

notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True $(NB)

clean:
	rm -rf _build .pytest_cache
