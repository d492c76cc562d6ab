#!/usr/bin/env bash
# Set up (venv, Meilisearch, the portal's assets, PostgreSQL 15, Chromium) and run pytest; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup
ensure_postgres
ensure_chromium
# Two worker processes (the CI machine has two cores; most of a test's time is spent waiting on
# PostgreSQL, Meilisearch, a browser or a subprocess); TIREK_TEST_WORKERS=0 runs in this one process.
WORKERS="${TIREK_TEST_WORKERS:-2}"
PARALLEL=()
if [ "$WORKERS" != "0" ]; then PARALLEL=(-n "$WORKERS" --dist loadfile); fi
# Every test's time lands in var/test-report.xml (JUnit XML), for finding where the suite's time goes.
exec .venv/bin/python -m pytest -q -ra -p no:cacheprovider --durations=30 --junitxml=var/test-report.xml \
  "${PARALLEL[@]}" "$@"
