# mlcrystal: one command per audience, on a fresh clone.
#   make lab    (students) install only the kit and the notebook stack, open JupyterLab on book/
#   make book   (builders) build the executed book into _build/html
#   make test   lint + unit tests and docstring examples + nbval on every notebook
SHELL := /bin/bash
# Any Python >= 3.11 found on the PATH (3.11 first: the versions in requirements.txt are tested on it);
# override with `make PYTHON=/path/to/python ...`.
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3.14 python3 python; do \
  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STUDENT_STAMP := $(VENV)/.installed-notebooks
NB ?= $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
# The tests run one process per core (pytest-xdist, and the kernels they start): each with one BLAS and
# one OpenMP thread, so that 2 workers do not start 8 spinning threads on 2 cores (nbval took 100 s with
# this against 138 s without; nbval's stored outputs come from the default threads, so the comparison
# also covers another thread count).
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
PYTEST := $(ONE_THREAD) $(BIN)/python -m pytest
# numpy's SIMD dispatch and OpenBLAS forced to generic kernels: a stand-in for a second machine.
GENERIC_CPU := NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4" OPENBLAS_CORETYPE=Prescott
# `make book` executes every notebook (force). .ci/run runs each notebook once for both jobs:
# `make nbval NBVAL_EXECUTED=DIR` keeps every notebook that passed, run with the website's figure
# settings and with its widget state (tools/nbval_site.py), and `make book BOOK_EXECUTE=cache
# BOOK_SEED=DIR` builds from them, in an emptied jupyter cache, executing only those missing.
BOOK_EXECUTE ?= force
BOOK_SEED ?=
NBVAL_EXECUTED ?=
# What the chapters' outputs depend on besides their own text: a change here re-executes every chapter.
BOOK_DEPENDS = $(shell find mlcrystal -type f \( -name '*.py' -o -name '*.csv' -o -name '*.csv.gz' -o -name '*.txt' \) \
  -not -path '*/__pycache__/*' | LC_ALL=C sort) requirements.txt _config.yml _toc.yml

.PHONY: lab book book-preflight data-check test lint unit nbval nbval-generic wheel-check colab-cells notebooks \
        site-check java clean help

help:
	@echo "make lab            for students: the kit and the notebook stack only (no build or lint tools, no Java), then JupyterLab on book/"
	@echo "make book           build the executed book into _build/html (the main job; needs npm for the site's JavaScript)"
	@echo "make test           make lint, make unit and make nbval, in that order"
	@echo "make lint           ruff on the whole repository, mypy on the whole package, Colab cells up to date"
	@echo "make colab-cells    write or refresh each chapter's Colab set-up cell (tools/colab_cell.py)"
	@echo "make unit           unit tests (tests/) and the docstring examples of mlcrystal/ and tools/"
	@echo "make nbval          re-execute every notebook (book/) and compare it with its stored outputs"
	@echo "make nbval-generic  the same with numpy and OpenBLAS on generic kernels (a second machine)"
	@echo "make wheel-check    build the wheel, install it in a fresh venv outside the checkout, load the data"
	@echo "make notebooks      re-execute notebooks in place, storing outputs and widget state (NB=book/05_....ipynb for one)"
	@echo "make site-check     open every page of _build/html in headless Chromium (axe-core, explorers, 360-1920 px, bytes, Lighthouse)"
	@echo "make java           install a Java runtime (Debian, as root) for chapter 1's optional OPSIN name checks"
	@echo "make data-check     are the upstream data reachable? (make book runs it first)"
	@echo ".venv/bin/mlcrystal doctor   what this machine has and lacks, and what each gap affects"

define NO_PYTHON
echo "no Python >= 3.11 found on the PATH: install one (python.org, Homebrew, apt, or py -3.11 on Windows) or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1
endef

# (Re)create the virtual environment when it is missing or older than the pins.
$(STAMP): requirements.txt pyproject.toml
	@[ -n "$(PYTHON)" ] || { $(NO_PYTHON); }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@command -v java >/dev/null 2>&1 || echo "note: no Java runtime; chapter 1's optional OPSIN name checks will say they were skipped ('make java' installs one)"
	touch $(STAMP) $(STUDENT_STAMP)

# The students' environment: only what the notebooks need (binder/requirements.txt, the same pins as
# requirements.txt: tests/test_binder.py), the kit itself, and JupyterLab. A later `make book` or
# `make test` adds the build and test tools to the same .venv.
$(STUDENT_STAMP): binder/requirements.txt requirements.txt pyproject.toml
	@[ -n "$(PYTHON)" ] || { $(NO_PYTHON); }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r binder/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STUDENT_STAMP)

lab: $(STUDENT_STAMP)
	@$(BIN)/python -m mlcrystal doctor --data-only || echo "note: the chapters that read these files will stop with the message above; set MLCRYSTAL_DATA_DIR (in this shell, before JupyterLab starts) or put the files in data/"
	$(BIN)/jupyter lab book/

# Java for OPSIN, only on request: no chapter needs it (the audit's name checks say when they were skipped).
java:
	@command -v java >/dev/null 2>&1 && { echo "java found: $$(command -v java)"; exit 0; }; \
	  [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || { echo "install a Java runtime (Debian/Ubuntu: sudo apt-get install default-jre-headless; macOS: brew install openjdk)"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null

# Before any long install: can this machine fetch the site's JavaScript? (npm, or root with apt-get)
book-preflight:
	@[ -n "$(PYTHON)" ] || { $(NO_PYTHON); }
	@test -f $(ASSETS_STAMP) || command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; } \
	  || { echo "make book needs npm to fetch the website's JavaScript: install Node.js with npm (Debian/Ubuntu: sudo apt-get install npm; macOS: brew install node), or run 'make lab' to use the notebooks without building the site"; exit 1; }
	@# a data folder named but incomplete: say so now, not after the install (data-check says more after it)
	@if [ -n "$${MLCRYSTAL_DATA_DIR:-}" ]; then for f in $$(awk '!/^#/ && NF {print $$1}' mlcrystal/data/registry.txt); do \
	  test -f "$$MLCRYSTAL_DATA_DIR/$$f" || { echo "MLCRYSTAL_DATA_DIR=$$MLCRYSTAL_DATA_DIR has no $$f: put the study's files there (data/README.md lists them) or unset it to download them"; exit 1; }; done; fi

# The upstream data: reachable (MLCRYSTAL_DATA_DIR, data/, pooch's cache or a download), or the reason why not.
data-check:
	@test -x $(BIN)/python || { echo "no $(VENV) yet: run make lab (students) or make book first"; exit 1; }
	@$(BIN)/python -m mlcrystal doctor --data-only

# A build with a failed notebook leaves nothing a later build calls up to date (Sphinx's doctrees
# are removed), and a change to the package (BOOK_DEPENDS) re-executes every chapter; editing one
# chapter's text re-executes only that chapter.
book: book-preflight $(STAMP) data-check
	@set -o pipefail; mkdir -p _build; \
	  hash=$$(cat $(BOOK_DEPENDS) | sha256sum | cut -c1-16); \
	  if [ "$$(cat _build/.book-depends 2>/dev/null)" != "$$hash" ] && [ -d _build/.doctrees ]; then \
	    echo "book: the package or the pins changed since the last build: every chapter is executed again"; \
	    rm -rf _build/.doctrees _build/html _build/jupyter_execute; fi; \
	  rm -rf _build/html/reports _build/.book-depends; \
	  if [ "$(BOOK_EXECUTE)" = cache ]; then rm -rf _build/.jupyter_cache; \
	    if [ -n "$(BOOK_SEED)" ]; then $(BIN)/python tools/nbval_site.py seed "$(BOOK_SEED)" _build/.jupyter_cache || exit 1; fi; fi; \
	  config=_config.yml; if [ "$(BOOK_EXECUTE)" != force ]; then config=.book-config.$(BOOK_EXECUTE).yml; \
	    sed 's/^  execute_notebooks: force$$/  execute_notebooks: $(BOOK_EXECUTE)/' _config.yml > $$config; fi; \
	  status=0; $(BIN)/jupyter-book build . --config $$config --warningiserror --nitpick --keep-going || status=$$?; \
	  [ "$$config" = _config.yml ] || rm -f "$$config"; \
	  if [ $$status -ne 0 ] || compgen -G "_build/html/reports/*.err.log" >/dev/null; then \
	    for log in _build/html/reports/*.err.log; do [ -f "$$log" ] && { echo "book: $$log:"; tail -n 3 "$$log"; }; done; \
	    rm -rf _build/.doctrees; echo "book: FAILED; nothing of this build counts as up to date: the next make book executes every chapter again"; exit 1; fi; \
	  if [ "$(BOOK_EXECUTE)" = force ]; then echo $$hash > _build/.book-depends; fi

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

# worksteal: an idle worker takes tests queued on the other, so the slow chapter runs do not leave one core idle at the end
unit: $(STAMP)
	$(PYTEST) -n auto --dist worksteal tests mlcrystal tools book/_ext --doctest-modules

# every notebook runs in one kernel on one worker (--dist loadfile); the notebooks are spread over the cores
nbval: $(STAMP)
	$(if $(NBVAL_EXECUTED),rm -rf $(NBVAL_EXECUTED))
	$(PYTEST) --nbval --nbval-current-env -n auto --dist loadfile -p tools.nbval_site \
	  $(if $(NBVAL_EXECUTED),--nbval-executed $(NBVAL_EXECUTED)) book/

nbval-generic: $(STAMP)
	$(GENERIC_CPU) $(PYTEST) --nbval --nbval-current-env book/

# The package as a user installs it: a wheel in a fresh virtual environment
# outside the checkout (so nothing beside the package can be read, PYTHONPATH unset), the pinned
# versions as constraints (pip's cache makes this quick), run from another folder.
wheel-check: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	rm -rf build  # setuptools' scratch folder; the wheel is in dist/
	@set -euo pipefail; unset PYTHONPATH; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  whl=$$(ls dist/mlcrystal-*.whl); \
	  echo "wheel-check: $$whl into a fresh venv in $$tmp"; \
	  $(BIN)/python -c "import sys, zipfile; top = {n.split('/')[0] for n in zipfile.ZipFile(sys.argv[1]).namelist()}; \
	    extra = sorted(t for t in top if t != 'mlcrystal' and not t.endswith('.dist-info')); \
	    sys.exit(f'the wheel holds more than the package: {extra}' if extra else 0)" "$$whl"; \
	  $(BIN)/python -m venv "$$tmp/venv"; \
	  "$$tmp/venv/bin/python" -m pip install --quiet "$$whl" -c requirements.txt; \
	  cd "$$tmp"; \
	  venv/bin/python -c "import mlcrystal, sys; sys.exit(0 if '$(CURDIR)' not in mlcrystal.__file__ else 'imported from the checkout')"; \
	  venv/bin/python -c "from mlcrystal import datasets as d; from mlcrystal.force import ensemble, replay_tables as r; \
	    print('rows:', len(d.load_youngs_modulus()), len(d.load_youngs_modulus(corrected=True)), \
	          len(d.load_initial_blocking_force()), len(d.load_stiffness_tensors()), \
	          len(r.load_replay('main')), len(ensemble.load_ensemble()))"; \
	  venv/bin/python -m mlcrystal --help >/dev/null; \
	  venv/bin/python -c "import importlib.resources as r, mlcrystal, mlcrystal.rules, mlcrystal.crystal, mlcrystal.force.strategies; \
	    assert r.files('mlcrystal').joinpath('py.typed').is_file(), 'py.typed is not in the wheel'; print('subpackages and py.typed: OK')"; \
	  venv/bin/mlcrystal --help | grep -q "console script is called mlcrystal"; \
	  venv/bin/mlcrystal doctor --data-only; \
	  echo "wheel-check: OK"

notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True $(NB)

clean:
	@# the stamp too: the next site-assets unpacks MathJax into _build/npm-pack again (the build typesets with it)
	rm -rf _build .pytest_cache dist $(ASSETS_STAMP)

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
site-assets: book-preflight

# --- Lighthouse, for `make site-check` (mobile performance of every page, reported only) ---
# npm ci installs the exact tree of tools/lighthouse/package-lock.json and checks every
# package's tarball against its integrity hash there (as npm.sha256 does for the site's assets);
# nothing is installed outside _build/lighthouse.
LIGHTHOUSE_DIR := _build/lighthouse
LIGHTHOUSE_STAMP := $(LIGHTHOUSE_DIR)/.complete
.PHONY: lighthouse

lighthouse: $(LIGHTHOUSE_STAMP)

$(LIGHTHOUSE_STAMP): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm (Debian: apt-get install -y npm) for Lighthouse"; exit 1; }
	rm -rf $(LIGHTHOUSE_DIR) && mkdir -p $(LIGHTHOUSE_DIR)
	cp tools/lighthouse/package.json tools/lighthouse/package-lock.json $(LIGHTHOUSE_DIR)/
	cd $(LIGHTHOUSE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# --- open every page of the built site in headless Chromium ---
# At 1280, 390 and 360 px; axe-core (from site-assets) audits each page; prints the bytes each page
# transfers; drives the explorers against Python; then Lighthouse (mobile) reports each page's
# performance, LCP and CLS without failing on them.
# Uses Debian's chromium (or $MLCRYSTAL_CHROMIUM); installs it with apt-get
# when missing and running as root. Without a browser the check says so,
# runs only its static link checks, and exits 0.
site-check: $(STAMP) $(ASSETS_STAMP) $(LIGHTHOUSE_STAMP)
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
