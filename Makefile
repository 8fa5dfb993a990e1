# mlcrystal: two commands on a fresh clone.
#   make book   build the executed book into _build/html
#   make test   lint + unit tests and docstring examples + nbval on every notebook
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?= $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
PYTEST := $(BIN)/python -m pytest
# numpy's SIMD dispatch and OpenBLAS forced to generic kernels: a stand-in for a second machine.
GENERIC_CPU := NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4" OPENBLAS_CORETYPE=Prescott

.PHONY: book test lint unit nbval nbval-generic wheel-check colab-cells notebooks site-check clean help

help:
	@echo "make book           build the executed book into _build/html (the main job)"
	@echo "make test           make lint, make unit and make nbval, in that order"
	@echo "make lint           ruff on the whole repository, mypy on the typed modules, Colab cells up to date"
	@echo "make colab-cells    write or refresh each chapter's Colab set-up cell (tools/colab_cell.py)"
	@echo "make unit           unit tests (tests/) and the docstring examples of mlcrystal/ and tools/"
	@echo "make nbval          re-execute every notebook (book/) and compare it with its stored outputs"
	@echo "make nbval-generic  the same with numpy and OpenBLAS on generic kernels (a second machine)"
	@echo "make wheel-check    build the wheel, install it in a fresh venv outside the checkout, load the data"
	@echo "make notebooks      re-execute notebooks in place, storing outputs and widget state (NB=book/05_....ipynb for one)"
	@echo "make site-check     open every page of _build/html in headless Chromium (axe-core, 390/1280 px, bytes)"

# (Re)create the virtual environment when it is missing or older than the pins.
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# OPSIN (py2opsin), which reads chemical names for the audit, runs on Java: install
	@# Debian's runtime when it is missing and we may; without it those checks say they were skipped.
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && { echo "java not found: installing default-jre-headless with apt-get (for OPSIN name checks)"; \
	       apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }; } \
	  || echo "note: no Java runtime; the audit's OPSIN name checks will be skipped (install a JRE to run them)"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: lint unit nbval

# all three run, so one report shows every problem; fails if any found one
lint: $(STAMP)
	@status=0; \
	  echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	  echo "$(BIN)/mypy"; $(BIN)/mypy || status=1; \
	  echo "$(BIN)/python tools/colab_cell.py --check"; $(BIN)/python tools/colab_cell.py --check || status=1; \
	  exit $$status

# write or refresh each chapter's Colab set-up cell from _config.yml's repository
colab-cells: $(STAMP)
	$(BIN)/python tools/colab_cell.py

unit: $(STAMP)
	$(PYTEST) tests mlcrystal tools book/_ext --doctest-modules

nbval: $(STAMP)
	$(PYTEST) --nbval --nbval-current-env book/

nbval-generic: $(STAMP)
	$(GENERIC_CPU) $(PYTEST) --nbval --nbval-current-env book/

# The package as a user installs it: a wheel in a fresh virtual environment
# outside the checkout (so nothing beside the package can be read), the pinned
# versions as constraints (pip's cache makes this quick), run from another folder.
wheel-check: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	rm -rf build  # setuptools' scratch folder; the wheel is in dist/
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  whl=$$(ls dist/mlcrystal-*.whl); \
	  echo "wheel-check: $$whl into a fresh venv in $$tmp"; \
	  $(BIN)/python -c "import sys, zipfile; top = {n.split('/')[0] for n in zipfile.ZipFile(sys.argv[1]).namelist()}; \
	    extra = sorted(t for t in top if t != 'mlcrystal' and not t.endswith('.dist-info')); \
	    sys.exit(f'the wheel holds more than the package: {extra}' if extra else 0)" "$$whl"; \
	  $(BIN)/python -m venv "$$tmp/venv"; \
	  "$$tmp/venv/bin/python" -m pip install --quiet "$$whl" -c requirements.txt; \
	  cd "$$tmp"; \
	  venv/bin/python -c "import mlcrystal, sys; sys.exit(0 if '$(CURDIR)' not in mlcrystal.__file__ else 'imported from the checkout')"; \
	  venv/bin/python -c "from mlcrystal import datasets as d, ensemble, replay_tables as r; \
	    print('rows:', len(d.load_youngs_modulus()), len(d.load_youngs_modulus(corrected=True)), \
	          len(d.load_initial_blocking_force()), len(d.load_stiffness_tensors()), \
	          len(r.load_replay('main')), len(ensemble.load_ensemble()))"; \
	  venv/bin/python -m mlcrystal --help >/dev/null; \
	  echo "wheel-check: OK"

notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True $(NB)

clean:
	rm -rf _build .pytest_cache dist

# --- the static site's own copies of browser libraries (no CDN) ---
# The site serves RequireJS and ipywidgets' embed manager (widgets on static
# pages) and MathJax (equations) itself, so it works offline and loads nothing
# from other hosts. npm fetches them from the registry; each tarball is checked
# against book/_static/npm.sha256; book/_static/npm/ is not committed.
NPM_ASSETS := @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8 mathjax@3.2.2 axe-core@4.11.0
ASSETS := book/_static/npm
ASSETS_STAMP := $(ASSETS)/.complete
.PHONY: site-assets

site-assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): book/_static/npm.sha256
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && { echo "npm not found: installing it with apt-get"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }; } || true
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm (Debian: apt-get install -y npm) to fetch the site's JavaScript"; exit 1; }
	rm -rf $(ASSETS) _build/npm-pack && mkdir -p $(ASSETS) _build/npm-pack
	cd _build/npm-pack && npm pack --silent $(NPM_ASSETS) >/dev/null
	cd _build/npm-pack && sha256sum --check --strict ../../book/_static/npm.sha256
	cd _build/npm-pack && for t in *.tgz; do mkdir -p "$${t%.tgz}" && tar -xzf "$$t" -C "$${t%.tgz}"; done
	mkdir -p $(ASSETS)/requirejs $(ASSETS)/html-manager $(ASSETS)/mathjax/es5/output
	cp _build/npm-pack/requirejs-2.3.8/package/{require.js,package.json} $(ASSETS)/requirejs/
	cp _build/npm-pack/jupyter-widgets-html-manager-1.0.15/package/dist/embed-amd.js \
	   _build/npm-pack/jupyter-widgets-html-manager-1.0.15/package/dist/*.{woff2,woff,ttf,eot,svg} \
	   _build/npm-pack/jupyter-widgets-html-manager-1.0.15/package/package.json $(ASSETS)/html-manager/
	cd _build/npm-pack/mathjax-3.2.2/package && cp LICENSE package.json ../../../../$(ASSETS)/mathjax/ && cp -r es5/tex-mml-chtml.js es5/input es5/ui es5/a11y es5/sre es5/adaptors ../../../../$(ASSETS)/mathjax/es5/ \
	   && cp -r es5/output/chtml es5/output/chtml.js ../../../../$(ASSETS)/mathjax/es5/output/
	@# axe-core is not loaded by any page: `make site-check` injects it to audit each page.
	mkdir -p $(ASSETS)/axe-core
	cp _build/npm-pack/axe-core-4.11.0/package/{axe.min.js,LICENSE,package.json} $(ASSETS)/axe-core/
	touch $@

book: site-assets

# --- open every page of the built site in headless Chromium ---
# At 1280 and 390 px; axe-core (from site-assets) audits each page; prints the bytes each page transfers.
# Uses Debian's chromium (or $MLCRYSTAL_CHROMIUM); installs it with apt-get
# when missing and running as root. Without a browser the check says so,
# runs only its static link checks, and exits 0.
site-check: $(STAMP) $(ASSETS_STAMP)
	@test -x "$${MLCRYSTAL_CHROMIUM:-/usr/bin/chromium}" || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && { echo "installing chromium with apt-get"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; } || true
	$(BIN)/python tools/sitecheck.py _build/html

# --- the student edition: the book without solutions (the self-checks stay) ---
# tools/student_edition.py copies the book to _build/student with each cell tagged
# `solution` replaced by an empty workspace; the site is built from that copy into
# _build/student/_build/html. Hand out the notebooks in _build/student/book.
.PHONY: student
student: $(STAMP) site-assets
	$(BIN)/python tools/student_edition.py _build/student
	$(BIN)/jupyter-book build _build/student --keep-going
