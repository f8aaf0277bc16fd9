# Styrkoll. Every target sets up .venv from pyproject.toml on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/akt-2012-brister

.PHONY: setup run test lint bench rules-doc clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job, until the service exists: check the example plan and print the report.
# Exit 1 means "findings" (the example has them on purpose); 2 or 3 would be a real failure.
run: $(STAMP)
	@$(VENV)/bin/styrkoll check $(EXAMPLE); code=$$?; [ $$code -le 1 ]

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check checks service tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench.py
	$(PY) bench/bench_import.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
