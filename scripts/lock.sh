#!/usr/bin/env bash
# Regenerate requirements.lock from pyproject.toml (the project's dependencies, its test extras and
# its build requirements), every package pinned with its hashes. Run after editing pyproject.toml;
# scripts/setup.sh installs from the lock with --require-hashes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/var/lock-tools"
if [ ! -x "$TOOLS/bin/pip-compile" ]; then
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install -q "pip-tools==7.6.2"
fi
cd "$ROOT"
"$TOOLS/bin/pip-compile" -q --generate-hashes --allow-unsafe --extra test --all-build-deps --no-strip-extras \
    --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
    -o requirements.lock pyproject.toml "$@"
echo "requirements.lock written"
