# Escalation Review: `make run` opens the app on the demo data, `make test` runs everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
# statsmodels fits tiny matrices; more BLAS threads only contend on a 2-core machine.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: run test test-postgres lint format bench bench-outliers bench-anomaly bench-risk bench-10m fuzz loadtest loadtest-browser demo screenshots clean chromium

# --no-compile: bytecode is written on first import instead, only for the modules used
# (most of plotly, pandas and scipy never are): about half the install time on a fresh machine.
# That needs Python to write it, even where the environment says not to: without it every test
# server would parse streamlit, plotly and polars from source again (a minute more of browser tests).
unexport PYTHONDONTWRITEBYTECODE
$(VENV)/.run-stamp: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile --upgrade pip
	$(PY) -m pip install --quiet --no-compile -r requirements.txt
	touch $@

$(VENV)/.dev-stamp: requirements.txt requirements-dev.txt $(VENV)/.run-stamp
	$(PY) -m pip install --quiet --no-compile -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-stamp
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing and you are not root: browser tests will be skipped (or fail under REQUIRE_BROWSER=1)"; fi; \
	fi

lint: $(VENV)/.dev-stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-stamp
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Unit, doctest and AppTest tests run in three workers on the two cores (they wait on SQLite,
# subprocesses and servers often enough that a third worker took them from 157 s to 119 s);
# the browser tests then run in two workers (each test drives its own Streamlit session, on
# its own server or on its worker's shared demo server; they wait for each rerun to finish
# and assert with expect(), which retries): 314 s one at a time, 198-260 s in two (BENCHMARKS.md).
# Both are CPU-bound (Chromium's rendering is most of a browser test's CPU), so what is left to
# win is balance: --dist worksteal lets an idle worker take queued tests from the other
# (browser tests 203-211 s -> 167 s with the deep-link test split per page).
test: $(VENV)/.dev-stamp chromium lint
	$(PY) -m pytest -q -n 3 --dist worksteal -m "not e2e and not postgres" --junitxml=.test-report-unit.xml $(PYTEST_ARGS)
	$(PY) -m pytest -q -n 2 --dist worksteal -m "e2e and not postgres" tests/e2e --junitxml=.test-report.xml $(PYTEST_ARGS)

# The tests marked `postgres` (the store tests again, migrations, the browser journeys on
# PostgreSQL and two app servers) against a throwaway cluster: scripts/pg_cluster.py installs
# Debian's postgresql when missing (as root), starts it in a temporary folder on a free port,
# sets REVIEW_TEST_POSTGRES_URL and removes it afterwards. Fails if any test was skipped.
test-postgres: $(VENV)/.dev-stamp chromium
	$(PY) scripts/pg_cluster.py -- $(PY) -m pytest -q -m postgres tests \
	  --junitxml=.test-report-postgres.xml $(PYTEST_ARGS)
	$(PY) scripts/check_test_report.py .test-report-postgres.xml --what "PostgreSQL tests"

bench: $(VENV)/.dev-stamp
	$(PY) scripts/bench_ingest.py
	$(PY) scripts/bench_upload.py
	$(PY) scripts/bench_metrics.py
	$(PY) scripts/bench_outliers.py
	$(PY) scripts/bench_anomaly.py
	$(PY) scripts/bench_risk.py

bench-risk: $(VENV)/.dev-stamp
	$(PY) scripts/bench_risk.py

bench-outliers: $(VENV)/.dev-stamp
	$(PY) scripts/bench_outliers.py

bench-anomaly: $(VENV)/.dev-stamp
	$(PY) scripts/bench_anomaly.py

# 10 million tickets (issue 18): generates its data in /tmp/big10m (about 1 GB, reused), imports
# it and runs three pages in three sessions; about 20 minutes and up to 12 GB of memory.
bench-10m: $(VENV)/.dev-stamp
	$(PY) scripts/bench_10m.py

fuzz: $(VENV)/.dev-stamp
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} FUZZ_RANDOM=1 $(PY) -m pytest -q tests/ingest/test_fuzz.py

# `make loadtest SERVERS=2 SESSIONS=20`: two app servers on one (throwaway) PostgreSQL and one
# snapshot folder, the sessions dealt out over both as a sticky proxy would.
SERVERS ?= 1
SESSIONS ?= 10
loadtest: $(VENV)/.dev-stamp
	$(PY) scripts/loadtest_ws.py --sessions $(SESSIONS) --seconds 180 --servers $(SERVERS)

loadtest-browser: $(VENV)/.dev-stamp chromium
	$(PY) scripts/loadtest.py --sessions 10 --seconds 180

screenshots: $(VENV)/.dev-stamp chromium
	$(PY) scripts/screenshots.py

demo: $(VENV)/.run-stamp
	$(PY) scripts/make_demo.py

clean:
	rm -rf $(VENV) .test-report*.xml
