#!/usr/bin/env bash
# Every benchmark and the table of the issue's targets (docs/PERFORMANCE.md, bench/README.md).
#   bash scripts/bench.sh --database-url postgresql+asyncpg://USER@HOST/DB   # a `tirek generate` data set
#   bash scripts/bench.sh                                                    # a throwaway 1% SQLite data set
#   bash scripts/bench.sh --quick                                            # shorter, no search benchmark
# Full reports go to var/bench/. Options: python -m bench --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m bench "$@"
