#!/usr/bin/env bash
# Set up (venv, Meilisearch, the portal's assets, PostgreSQL 15, Chromium) and run pytest; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup
ensure_postgres
ensure_chromium
exec .venv/bin/python -m pytest -q -ra -p no:cacheprovider "$@"
