# Styrkoll. Every target sets up .venv from pyproject.toml on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/akt-2012-brister

.PHONY: setup run check-example serve test lint bench rules-doc clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job: migrate the embedded SQLite database (instance/styrkoll.db), load the demo
# organisation with a user per role and the example documents, and serve on 127.0.0.1:5000.
run: $(STAMP)
	$(VENV)/bin/styrkoll serve

# The checker alone on the example dossier. Exit 1 means "findings" (there on purpose).
check-example: $(STAMP)
	@$(VENV)/bin/styrkoll check $(EXAMPLE); code=$$?; [ $$code -le 1 ]

# Production-style: gunicorn with several workers. Needs SECRET_KEY (and DATABASE_URL for
# PostgreSQL); the schema is migrated first.
serve: $(STAMP)
	$(VENV)/bin/styrkoll db upgrade
	$(VENV)/bin/gunicorn --workers $${WORKERS:-3} --bind $${BIND:-127.0.0.1:8000} 'service.app:create_app()'


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
