#!/usr/bin/env bash
# Set up and serve the demo; extra arguments go to `tirek serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/tirek serve --demo "$@"
