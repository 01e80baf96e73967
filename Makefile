# Two commands do everything on a fresh machine with Python 3.11 and pip: `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MIRROR := $(abspath ../shared/data/mirror)
ifneq ($(wildcard $(MIRROR)),)
export BOOK_DATA_MIRROR ?= $(MIRROR)
endif
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# This clone's src first: a virtualenv shared with another clone would otherwise import that clone's helpers
# (the editable install's .pth entry comes after PYTHONPATH). Kernels inherit it.
export PYTHONPATH := $(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: book book-clean test test-fast lab data sweep bench strip lock clean help

help:
	@echo "make book | book-clean | test | test-fast | lab | data | sweep | bench | strip | lock | clean"

# pip byte-compiles every installed file one after another (~40 s here, half of the install); compileall does it on
# every core, and skips the packages' own test suites (a quarter of the files; nothing here imports them).
# Compiled they must be: where PYTHONDONTWRITEBYTECODE is set nothing would cache them, and every kernel would
# compile its imports again.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	$(BIN)/python -m compileall -q -j 0 -x '/site-packages/.+/tests/' "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" > /dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" > /dev/null
	@touch $@

book: $(VENV)/.installed            ## build the book into _build/html (notebooks run in parallel; unchanged ones come from the cache)
	$(BIN)/python -m helpers build

book-clean: $(VENV)/.installed      ## the canonical build: every notebook executed afresh, results cache cleared
	$(BIN)/python -m helpers build --fresh

test: $(VENV)/.installed            ## unit + known-answer tests, quick smoke runs of swept notebooks, book build, site in a browser
	$(BIN)/python -m pytest -n 2 --dist loadfile   # the book build first on one worker, the rest on the other; both check its pages (tests/conftest.py)

test-fast: $(VENV)/.installed       ## everything but the book build and the browser (every notebook smoke-run with quick=True)
	$(BIN)/python -m pytest -n 2 -m "not book and not browser"

lab: $(VENV)/.installed             ## JupyterLab on this clone (its src, BOOK_ROOT, the data mirror); prints the URL
	$(BIN)/python -m helpers lab

data: $(VENV)/.installed            ## download every pinned file into .cache/data (the only step that uses the network)
	$(BIN)/python -m helpers data fetch

sweep: $(VENV)/.installed           ## an example sweep (see README)
	$(BIN)/python -m helpers sweep sweeps/funke_wende.toml --out sweeps/runs/funke_wende

bench: $(VENV)/.installed           ## speed benchmarks; results are written to benchmarks/results/
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

strip: $(VENV)/.installed           ## strip outputs from every notebook (do before committing)
	$(BIN)/python -m helpers.notebooks strip

lock:                               ## regenerate requirements.txt from requirements.in in a clean venv
	rm -rf /tmp/book-lock && $(PYTHON) -m venv /tmp/book-lock && /tmp/book-lock/bin/pip install -q -r requirements.in \
	  && { echo "# Pinned lock of requirements.in (Python 3.11). Regenerate: make lock"; /tmp/book-lock/bin/pip freeze; } > requirements.txt

clean:                              ## remove the build and the results cache (.cache/results, old .cache/parsed); keep data
	rm -rf _build .cache/parsed .cache/results
	rm -f .cache/*/*.pkl                # results pickled before the cache was authenticated
