#!/usr/bin/env bash
# Set up (venv, Meilisearch, PostgreSQL 15) and run pytest; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup
ensure_postgres
exec .venv/bin/python -m pytest -q -ra -p no:cacheprovider "$@"
