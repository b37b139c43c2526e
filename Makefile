# Everything a fresh machine needs is installed by these targets themselves.
# `make serve` runs the registry; `make test` runs the whole test suite.

PYTHON ?= python3
UV_VERSION ?= 0.13.8
PORT ?= 8080
HOST ?= 127.0.0.1
DATA_DIR ?= wheelkeep-data
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# twine 6.1 beside the main environment, for the --skip-existing test.
LEGACY_TWINE := $(TOOLS)/twine-legacy
# Debian packages the tests and benchmarks drive.
SYSTEM_PACKAGES ?=

.PHONY: serve test lint typecheck format lock bench clean system-packages

serve: $(STAMP)
	WHEELKEEP_DATA_DIR=$(DATA_DIR) $(BIN)/wheelkeep serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(LEGACY_TWINE) system-packages
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The benchmark drives Debian's nginx (static tree), wrk (load) and curl.
bench: SYSTEM_PACKAGES += nginx wrk curl
bench: $(STAMP) system-packages
	$(BIN)/python -m bench $(BENCH_ARGS)

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: $(UV)
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --universal \
		--python-version 3.11 -q -o requirements/dev.lock
	$(UV) pip compile requirements/twine-legacy.in --no-deps --generate-hashes \
		--universal --python-version 3.11 -q -o requirements/twine-legacy.lock

system-packages:
	@bash scripts/system-packages.sh $(SYSTEM_PACKAGES)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(STAMP): $(UV) requirements/dev.lock pyproject.toml
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

$(LEGACY_TWINE): $(UV) requirements/twine-legacy.lock
	rm -rf $(LEGACY_TWINE)
	$(UV) pip install --quiet --no-deps --require-hashes --python $(PYTHON) \
		--target $(LEGACY_TWINE) -r requirements/twine-legacy.lock

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
