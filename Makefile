# Styrkoll. Every target sets up .venv on first use, exactly as uv.lock pins it (hashes checked).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/akt-2012-brister
# uv runs on the interpreter it is given and never downloads one of its own.
export UV_PYTHON_DOWNLOADS := never

.PHONY: system-packages setup run check-example serve test test-latest lint lock bench corpus rules-doc clean fuzz load faults

setup: $(STAMP)

# Debian packages the build and the tests need, installed only where missing (needs root then):
# gcc and the Python headers (durable-rules), Chromium (page tests; never a downloaded browser),
# Pango (WeasyPrint's PDF), DejaVu fonts and poppler-utils (the first page of a PDF as a screenshot).
SYSTEM_PACKAGES := gcc python3-dev chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installerar Debian-paket: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# uv itself comes from requirements/uv.txt (pinned with hashes, the version uv.lock has); then
# `uv sync --locked` installs the lock and refuses a lock that no longer matches pyproject.toml.
# Bytecode is compiled at install, as pip does: uv does not by default, and where
# PYTHONDONTWRITEBYTECODE is set every `styrkoll check` then compiled ~100 modules (+0.6 s).
$(STAMP): pyproject.toml uv.lock requirements/uv.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --all-extras --compile-bytecode --python $(PY)
	$(PY) -m compileall -q checks service  # start-up: no module compiled on every run
	touch $(STAMP)

# Refresh the lock to the newest releases pyproject.toml allows, and pin uv's bootstrap to it.
lock: $(STAMP)
	$(UV) lock --upgrade --python $(PY)
	ver=$$(sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' uv.lock); \
	echo "uv==$$ver" | $(UV) pip compile --universal --generate-hashes --no-header --quiet \
	    - -o requirements/uv.txt
	@echo "uv.lock och requirements/uv.txt är förnyade: kör make test och checka in båda"

# The suite against the newest releases pyproject.toml allows, in a separate environment
# (.venv-latest), so that an upgrade is tried on purpose before `make lock` takes it.
test-latest: $(STAMP)
	rm -rf .venv-latest
	$(UV) venv --quiet --python $(PY) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade --reinstall-package styrkoll \
	    -e '.[service]' --group dev
	.venv-latest/bin/python -m pytest

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


# axe-core for the browser tests (tests/browser/), exactly as package-lock.json pins it; no
# install scripts run. node and npm come with the machine.
NODE_STAMP := node_modules/.installed-stamp
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest

# Every property of `make test`, long (docs/proof.md): the watchman against the engine on many
# generated fact sets (tests/test_watchman.py; FUZZ_EXAMPLES, default 20000); the engine and the
# importers (shuffled facts; any bytes, layouts, Word and PDF bodies; FUZZ_PROPERTY_EXAMPLES,
# default 2000); and schemathesis over the whole API with every check, a new seed each run, as
# enhet, controller, revisor and admin (tests/test_fuzz_api.py; FUZZ_API_EXAMPLES per operation,
# default 200), on SQLite and, where STYRKOLL_TEST_DATABASE_URL is set, PostgreSQL.
fuzz: $(STAMP)
	STYRKOLL_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(PY) -m pytest -q -p no:cacheprovider \
	    tests/test_watchman.py -k fuzz
	STYRKOLL_FUZZ=$${FUZZ_PROPERTY_EXAMPLES:-2000} $(PY) -m pytest -q -p no:cacheprovider \
	    tests/test_engine.py tests/test_import.py tests/test_import_controls.py \
	    tests/test_import_risks.py tests/test_limits.py -k "shuffled_fact_order or \
	    any_bytes_give or any_mix_of_layouts or any_word_body or any_damaged_pdf"
	STYRKOLL_FUZZ_API_EXAMPLES=$${FUZZ_API_EXAMPLES:-200} STYRKOLL_FUZZ_API_SEED=random \
	    STYRKOLL_FUZZ_API_USERS=enhet,controller,revisor,admin \
	    $(PY) -m pytest -q -s -p no:cacheprovider tests/test_fuzz_api.py -k schemathesis

# gunicorn on PostgreSQL (a database of its own on STYRKOLL_TEST_DATABASE_URL's server) under 50
# clients × 60 s of self-checks, uploads and reads from other processes, then self-checks at fixed
# rates; every acknowledged upload counted in the database: bench/results-load.md (bench/load.py;
# LOAD_CLIENTS, LOAD_SECONDS, LOAD_RATE, LOAD_RATES …). Rate limits off for the run.
load: $(STAMP)
	$(PY) bench/load.py

# The same under faults: a private PostgreSQL restarted, paused and its connections cut, gunicorn
# and queue workers killed, SQLite on a read-only and a full disk (a tmpfs: needs root):
# bench/results-faults.md (bench/faults.py; FAULT_CLIENTS, FAULT_SECONDS, FAULT_DOWN …).
faults: $(STAMP)
	$(PY) bench/faults.py

lint: $(STAMP)
	$(VENV)/bin/ruff check checks service tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_service.py  # 500 units × 5 documents: bench/results-service.md
	$(PY) bench/bench_recheck.py  # 10,000 documents re-checked by 1, 2, 4 workers: bench/results-recheck.md
	$(PY) bench/bench_reports.py  # 10,000 findings exported, the summary and the PDFs: bench/results-reports.md
	$(PY) bench/bench_pages.py  # every page on the demo data, the overview with 500 units: bench/results-pages.md
	$(PY) bench/bench_memory.py  # 1,000,000 checks in one worker (about an hour): bench/results-memory.md

# Every excerpt of ../shared/corpus imported and checked: bench/corpus.md.
corpus: $(STAMP)
	$(PY) bench/corpus.py

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
