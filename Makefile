# Wenming Cloud (文明实践云平台) — the commands of the README.
#
#   make demo    install everything, build the demo district, serve it on http://127.0.0.1:8000
#   make test    install everything (chromium too, as root), run the whole suite on SQLite and PostgreSQL
#   make lint    ruff
#   make bench   the order-lifecycle benchmark (bench/) on SQLite and PostgreSQL
#
# Override on the command line, e.g. `make demo PORT=8080` or `make install PYTHON=python3.12`.

VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_DBS ?= sqlite postgres
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

# The order-lifecycle benchmark starts (and stops) the servers it measures itself; it writes
# to a temporary SQLite file or a temporary PostgreSQL database. See docs/PERFORMANCE.md.
#   make bench BENCH_DBS=sqlite BENCH_ARGS="-k 300 -c 8"
bench: install
	@for db in $(BENCH_DBS); do \
	  echo "== bench on $$db"; \
	  $(BIN)/python bench/order_lifecycle.py --db $$db $(BENCH_ARGS) || exit 1; \
	done

clean:
	rm -rf node_modules src/wenming/static/vendor artifacts
