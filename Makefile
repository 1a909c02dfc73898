# Wenming Cloud (文明实践云平台) — the commands of the README.
#
#   make demo    install everything, build the demo district, serve it on http://127.0.0.1:8000
#   make test    install everything (chromium too, as root), run the whole suite on SQLite and PostgreSQL
#   make lint    ruff
#   make bench   the order-lifecycle benchmark (bench/), BENCH_ARGS passed through
#
# Override on the command line, e.g. `make demo PORT=8080` or `make install PYTHON=python3.12`.

VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_ARGS ?=

BIN := $(VENV)/bin
STAMP := $(VENV)/.wenming-installed
export VENV PYTHON
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install system-packages assets demo serve test lint bench clean

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

## install: system packages when missing (as root), the virtualenv with the package and its
## test extras, and the front-end assets from npm
install: system-packages $(STAMP) assets

system-packages:
	@scripts/install_system_packages.sh base

# Reinstall only when pyproject.toml changes (the package itself is installed editable).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	@touch $(STAMP)

assets:
	@scripts/build_assets.sh

demo: install
	$(BIN)/wenming migrate
	$(BIN)/wenming demo
	$(BIN)/wenming serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/wenming serve --host $(HOST) --port $(PORT)

test: install
	@scripts/install_system_packages.sh browser
	scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

# The benchmark starts what it measures itself; see bench/ and docs/PERFORMANCE.md.
bench: install
	@if [ -f bench/__main__.py ]; then set -x; $(BIN)/python -m bench $(BENCH_ARGS); \
	elif [ -f bench/run.py ]; then set -x; $(BIN)/python bench/run.py $(BENCH_ARGS); \
	else echo "make bench: no bench/__main__.py or bench/run.py yet" >&2; exit 1; fi

clean:
	rm -rf node_modules src/wenming/static/vendor artifacts
