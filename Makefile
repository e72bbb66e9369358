# The two commands of the README do all set-up: `make run` and `make test`.
PY312 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?= scenarios/ukraine_war_2022_2025.toml
REPS ?= 20
UNCERTAINTY ?= 200

.PHONY: run test test-fast lint format bench env clean app screenshot chromium fuzz

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PY312)" || { echo "error: Python 3.12 not found (pyenv or python3.12 on PATH)"; exit 2; }
	@test -x $(BIN)/python || $(PY312) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@$(BIN)/python -c 'from sim.engine.model import compile_kernels as c; print(f"kernels compiled and cached ({c():.0f} s)")'
	@touch $@

# Compare the scenario's first two variants (with / without DPRK supply) and print the
# path of the report last.
run: $(STAMP)
	@out=$$($(BIN)/munsim compare $(SCENARIO) --reps $(REPS) --uncertainty $(UNCERTAINTY)) && printf '%s\n' "$$out" && \
	  printf '%s/report.html\n' "$$(printf '%s\n' "$$out" | tail -n 1)"

# The page's browser tests drive Debian's chromium (never a downloaded browser).
CHROMIUM := $(firstword $(shell command -v chromium chromium-browser 2>/dev/null))
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

chromium:
ifeq ($(CHROMIUM),)
	@command -v apt-get >/dev/null || { echo "error: chromium is needed for the page's browser tests; install it with your package manager"; exit 2; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null
endif

test: $(STAMP) chromium
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/ruff format --check sim tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

# The inner loop: lint, types and every test not marked slow.
test-fast: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 -m "not slow"

# The input fuzzer at scale: mutated scenario and experiment files and --set values,
# FUZZ_EXAMPLES of each of its three tests (make test runs 100 of each).
FUZZ_EXAMPLES ?= 3400

fuzz: $(STAMP)
	MUNSIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s -n 0 -m fuzz -p no:cacheprovider tests/fuzz

# kill -9 of run, compare and check at FAULT_KILLS random moments (make test: 10), full
# disks, read-only folders and killed Dask workers (tests/hardening).
FAULT_KILLS ?= 60

.PHONY: faults
faults: $(STAMP)
	MUNSIM_KILLS=$(FAULT_KILLS) $(BIN)/python -m pytest -q -s -n 0 -p no:cacheprovider tests/hardening

# The students' page on http://127.0.0.1:8765/ (SCENARIO=... for another scenario).
app: $(STAMP)
	$(BIN)/munsim app $(SCENARIO)

# The README's picture of the page, taken by the browser tests' machinery.
screenshot: $(STAMP) chromium
	$(BIN)/python tests/app/browser.py docs/figures/page.png

format: $(STAMP)
	$(BIN)/ruff format sim tests benchmarks
	$(BIN)/ruff check --fix sim tests benchmarks

# A Morris screening of the 2022-2025 scenario, about a minute on two cores.
SWEEP_DEMO ?= scenarios/experiments/ukraine_morris.toml

.PHONY: sweep-demo
sweep-demo: $(STAMP)
	$(BIN)/munsim sweep $(SWEEP_DEMO)

# Every benchmark; figures and the machine they were measured on: benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_peers.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_ukraine_war.py
	$(BIN)/python benchmarks/bench_compare.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_page.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
