# htx-swap: `make demo` runs the main job, `make test` runs everything. Both set up what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NODE_BIN := node_modules/.bin
SPEC := openapi/htx-linear-swap.yaml
# Keep the Node tools quiet and offline-friendly: no telemetry, no update checks.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export NO_UPDATE_NOTIFIER := 1

# A machine may set PYTHONDONTWRITEBYTECODE (this one does): then every process the tests start,
# hundreds of them, compiles each module it imports from source, and every pytest worker rewrites
# every test module again. Bytecode goes to a cache of ours under .venv instead, never beside the
# sources.
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup demo test lint lint-spec check-generated typecheck pytest regenerate bench publish-spec clean

help:
	@echo "make demo          a trailing order's life cycle against the local sandbox:"
	@echo "                   place, list, cancel by ID, cancel-all, history"
	@echo "make test          every check: spec lint, generated client, ruff, mypy, tests"
	@echo "make regenerate    rewrite generated/ from the spec"
	@echo "make bench         benchmarks (writes benchmarks/results.md); scripts/bench --help"
	@echo "                   for a part (--only), another baseline (--before REV), and"
	@echo "                   many processes on one account (--shared-limits: minutes)"
	@echo "make publish-spec  bundle the spec and its docs into dist/spec/"

# Python: .venv with the project (editable); redone when pyproject changes. The demo needs only
# the runtime and the sandbox extra, so a first `make demo` doesn't wait for the dev tools.
# Installed by uv (pinned, itself installed by pip): the dev extra's hundred-odd packages take it
# seconds where pip takes most of a minute.
UV := $(BIN)/uv
UV_VERSION := 0.13.9
$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) && [ "$$($(UV) --version)" = "uv $(UV_VERSION)" ] \
	  || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) pip install --quiet --python $(BIN)/python -e ".[sandbox]"
	touch $@

# The .pth file lets coverage follow the Python subprocesses the tests start (the command, a
# sandbox in its own process) when COVERAGE_ON_IMPORT is set, from their first import of our
# packages (tests/coverage_startup.py); otherwise it does nothing.
$(VENV)/.installed: $(VENV)/.runtime tests/coverage_startup.py
	$(UV) pip install --quiet --python $(BIN)/python -e ".[dev]"
	$(BIN)/python -c 'import pathlib, sys, sysconfig; pathlib.Path(sysconfig.get_path("purelib"), "htx_swap_coverage.pth").write_text("import os; os.environ.get(\"COVERAGE_ON_IMPORT\") and __import__(\"runpy\").run_path(%r)\n" % sys.argv[1])' "$(CURDIR)/tests/coverage_startup.py"
	touch $@

# Node: the pinned tools from the committed lock file.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian packages some tests need, installed only when missing (file targets with no
# prerequisites: a no-op once they exist). The docs test opens dist/spec/index.html in headless
# Chromium; the consumers run openapi-generator's jar (PyPI), which needs Java, and build its Go
# client with Debian's Go, offline: its one module (validator.v2) is Debian's too (GOPATH mode);
# the Rust consumer builds openapi-generator's Rust models with Debian's cargo and crates, offline;
# the shared rate-limit tests start a real Redis (tests/shared_limits).
CHROMIUM := /usr/bin/chromium
JAVA := /usr/bin/java
GO := /usr/bin/go
GO_VALIDATOR := /usr/share/gocode/src/gopkg.in/validator.v2
CARGO := /usr/bin/cargo
RUST_CRATES := /usr/share/doc/librust-serde-repr-dev
REDIS_SERVER := /usr/bin/redis-server
APT_GET := $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get
$(CHROMIUM):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends chromium
$(JAVA):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends default-jre-headless
$(GO):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends golang
$(GO_VALIDATOR):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends golang-gopkg-validator.v2-dev
$(CARGO):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends cargo rustc
$(RUST_CRATES):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends librust-serde-dev librust-serde-derive-dev \
	  librust-serde-json-dev librust-serde-repr-dev
$(REDIS_SERVER):
	$(APT_GET) update -qq
	$(APT_GET) install -y -qq --no-install-recommends redis-server

demo: $(VENV)/.runtime
	$(BIN)/python scripts/demo.py

lint-spec: setup
	$(BIN)/openapi-spec-validator $(SPEC)
	$(NODE_BIN)/spectral lint --fail-severity=hint $(SPEC)
	$(NODE_BIN)/redocly lint --max-problems 100 $(SPEC)

check-generated: $(VENV)/.installed
	scripts/regenerate --check

regenerate: $(VENV)/.installed
	scripts/regenerate

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy --strict

# coverage run, not pytest --cov: the htx_sandbox pytest plugin is imported before pytest-cov
# starts, which would count the sandbox's module-level lines as never run. Every process is
# measured like any subprocess (the .pth above) and the data combined at the end.
# Two lanes run at once. The parallel lane: PYTEST_WORKERS pytest-xdist workers (more than the
# cores: most of the suite waits on servers and subprocesses), files spread longest first
# (tests/conftest.py), --dist loadfile so a module fixture is built once (and what every worker
# would build, once per run: _once_per_run); at nice 15, with everything it starts. The `alone` lane: the few tests that hold clients to HTX's rate limits in
# real time against a strict sandbox, one after another at normal priority, so the CPU they need
# is theirs when they need it (marker `alone`, tests/conftest.py); its report follows the other.
# The alone lane has a process group of its own (setsid: sh would start it ignoring Ctrl-C), so
# that Ctrl-C on `make test` stops it and the servers it started too (the trap), not only the
# parallel lane.
PYTEST_WORKERS ?= 5
COVERED := env COVERAGE_ON_IMPORT=$(CURDIR)/pyproject.toml $(BIN)/python -m coverage run -m pytest
pytest: setup $(CHROMIUM) $(JAVA) $(GO) $(GO_VALIDATOR) $(CARGO) $(RUST_CRATES) $(REDIS_SERVER)
	$(BIN)/python -m coverage erase
	alone_log=$$(mktemp); \
	setsid $(COVERED) -m alone -p no:cacheprovider > "$$alone_log" 2>&1 & alone=$$!; \
	trap 'kill -INT -$$alone 2>/dev/null; sleep 2; kill -KILL -$$alone 2>/dev/null; \
	  rm -f "$$alone_log"; exit 130' INT TERM; \
	status=0; nice -n 15 $(COVERED) -n $(PYTEST_WORKERS) --dist loadfile -m "not alone" --durations=10 \
	  || status=$$?; \
	wait $$alone || status=$$?; \
	echo "--- the alone lane ---"; cat "$$alone_log"; rm -f "$$alone_log"; \
	exit $$status
	$(BIN)/python -m coverage combine --quiet
	$(BIN)/python -m coverage report
	@for package in wrapper sandbox; do \
	  $(BIN)/python -m coverage report --include="$$package/*" --format=total --fail-under=95 \
	    | sed -E "s|^([0-9.]+)$$|line coverage of $$package/: \1% (at least 95% required)|"; \
	done

test: lint-spec check-generated lint typecheck pytest

bench: $(VENV)/.installed
	scripts/bench

publish-spec: setup
	scripts/publish-spec

clean:
	rm -rf $(VENV) node_modules dist .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
