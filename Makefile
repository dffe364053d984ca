# Two commands do all the setup (see README.md):
#   make run    -> environment from uv.lock, the workflow on the embedded default data, the report
#   make test   -> environment from uv.lock, the test suite
# Both create or update .venv from the lock file first. Needs only python3 (>= 3.11) and PyPI.

PYTHON   ?= python3
CORES    ?= 2
UV_VERSION := 0.13.8
TOOLS    := .tools
UV       := $(TOOLS)/bin/uv
VENV     := .venv
SNAKE    := $(VENV)/bin/snakemake
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test env lint report validation clean-results help realdata

help:
	@echo "make run    - run the workflow on the embedded default data and build the report"
	@echo "make test   - run the test suite"
	@echo "make validation - Monte Carlo validation of the estimates, then the report with it"
	@echo "make lint   - ruff, snakefmt --check, snakemake --lint, conda env in step with uv.lock"
	@echo "make realdata - download the real sample files of the tests (tests/data/realdata.tsv)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The stamp is rebuilt whenever the lock file or pyproject changes. Bytecode is
# compiled at install time so that the many short rule jobs start fast even where
# PYTHONDONTWRITEBYTECODE is set (every job would otherwise recompile its imports).
$(VENV)/.synced: $(UV) uv.lock pyproject.toml Makefile
	$(UV) sync --locked --compile-bytecode --python $(PYTHON)
	@touch $@

env: $(VENV)/.synced

run: env
	$(SNAKE) --cores $(CORES) --profile profiles/default all
	$(SNAKE) --cores 1 --profile profiles/default --report results/report.html all
	@echo "Figures: results/figures/   Report: results/report.html"

# The Monte Carlo validation (docs/science.md section 10; a few minutes on 2 cores) and the
# report with its section. Not part of `run`: the default run stays short.
validation: env
	$(SNAKE) --cores $(CORES) --profile profiles/default validation
	$(SNAKE) --cores 1 --profile profiles/default --report results/report.html all validation
	@echo "Validation: results/validation/   Report: results/report.html"

test: env
	$(VENV)/bin/python -m pytest

# Real sample files for the tests, from their pinned origins into .cache/realdata
# (ESTRANSPORT_REALDATA_CACHE, ESTRANSPORT_REALDATA_URL override; see tests/realdata.py).
realdata: env
	$(VENV)/bin/python tools/fetch_realdata.py

# Fails on any finding: ruff (Python), snakefmt (rule files, checked not rewritten),
# Snakemake's own linter (it exits 1 on any remark), and the conda environment
# generated from uv.lock.
lint: env
	$(VENV)/bin/ruff check src scripts tests tools
	$(VENV)/bin/ruff format --check src scripts tests tools
	$(VENV)/bin/snakefmt --check --diff Snakefile workflow/rules
	$(SNAKE) --lint
	$(VENV)/bin/python tools/sync_conda_env.py --check

clean-results:  # keeps results/README.md, the map of products
	find results -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf logs benchmarks .snakemake
