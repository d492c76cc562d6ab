"""How fast and how heavy are the portal's pages? On the demo data (``tirek seed --demo``, as
``scripts/demo.sh`` makes it) or on a given database.

    .venv/bin/python -m bench.portal_pages                      # a throwaway demo database (SQLite)
    .venv/bin/python -m bench.portal_pages --requests 300
    .venv/bin/python -m bench.portal_pages --database-url postgresql+asyncpg://.../tirek --login recipient

The app (``schema.app.create_app``, the database's own search, no Meilisearch) is called
in-process through httpx's ASGI transport, one request at a time, signed in through the portal's
own sign-in form (its session cookie), so each figure is the server's time for one page without
queueing or a network. Phases, one after the other, with ``--requests`` each:

(a) baseline: the accessibility statement (the visitor's session, the template, no operation);
(b) the home page (the balances, the last orders);
(b') the home page's GraphQL operation (web/operations/Home.graphql) sent to ``/graphql`` as the
     same account (a bearer token from ``login``);
(c) a search page (``/search?q=...`` with a category filter; each hit's "state pays / you pay");
(c') the search page's operation (SearchListings.graphql) with the variables the page sends.

Prints p50/p95/p99 in milliseconds, the ratios of (b) and (c) to (a) and to their operations
(b') and (c') measured in the same process (the page's own cost: session, template, HTML), and
the home page's weight: its HTML with the CSS and script it loads (the modules the script
imports too), raw and gzip-compressed (the aim: under 100 KB compressed).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from bench.search import PhaseResult

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "tirek-demo-2026"
WEIGHT_AIM = 100 * 1024
SEARCH_WORD = "коляска"
PHASES = (("baseline", "(a) accessibility statement (no operation)", "/accessibility"),
          ("home", "(b) home page", "/"),
          ("home-operation", "(b') its operation over /graphql", "Home"),
          ("search", "(c) search page", "/search?q=%D0%BA%D0%BE%D0%BB%D1%8F%D1%81%D0%BA%D0%B0&category=MOBILITY"),
          ("search-operation", "(c') its operation over /graphql", "SearchListings"))
# The variables each page sends with its operation (web/pages/home.py, web/pages/search.py).
OPERATION_VARIABLES: dict[str, dict[str, Any]] = {
    "Home": {},
    "SearchListings": {"query": SEARCH_WORD, "filter": {"categories": ["MOBILITY"]}, "sort": None, "after": None,
                       "forPersonId": None},
}
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code } } }"""


def demo_database(directory: Path) -> str:
    """A migrated SQLite database with the demo data, made as scripts/demo.sh makes it."""
    path = directory / "demo.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    env = {**os.environ, "TIREK_DEMO": "1", "TIREK_DATABASE_URL": url, "TIREK_VAR_DIR": str(directory)}
    tirek = Path(sys.executable).parent / "tirek"
    for command in (["migrate"], ["seed", "--demo"]):
        subprocess.run([str(tirek), *command], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return url


async def sign_in(http: Any, login: str, password: str) -> None:
    form = await http.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    answer = await http.post("/sign-in", data={"csrf_token": token.group(1), "username": login,
                                               "password": password, "next": "/"})
    if answer.status_code != 303 or answer.headers.get("location") != "/":
        raise RuntimeError(f"sign-in as {login} failed: {answer.status_code} {answer.headers.get('location')}")


async def api_token(http: Any, login: str, password: str) -> str:
    answer = (await http.post("/graphql", json={"query": LOGIN, "variables": {"u": login, "p": password}})).json()
    payload = answer["data"]["login"]
    if payload["errors"]:
        raise RuntimeError(f"login as {login} failed: {payload['errors']}")
    return str(payload["token"])


async def measure(http: Any, kind: str, label: str, path: str, requests: int, warmup: int,
                  operation: tuple[str, str, str] | None = None) -> PhaseResult:
    """``requests`` GETs of ``path`` one after the other (after ``warmup`` unmeasured ones); with
    ``operation`` (name, document, token), POSTs of that operation to /graphql instead."""
    result = PhaseResult(name=kind, label=label)
    phase_started = time.perf_counter()
    for n in range(warmup + requests):
        started = time.perf_counter()
        if operation is None:
            answer = await http.get(path)
        else:
            name, document, token = operation
            answer = await http.post("/graphql", json={"query": document, "operationName": name,
                                                       "variables": OPERATION_VARIABLES[name]},
                                     headers={"authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - started
        if answer.status_code != 200 or (operation is not None and answer.json().get("errors")):
            result.errors += 1
            result.first_error = result.first_error or f"{answer.status_code} on {path}: {answer.text[:200]}"
            continue
        if n >= warmup:
            result.latencies.append(elapsed)
    result.elapsed = time.perf_counter() - phase_started
    return result


MODULE_IMPORT = re.compile(r"""import\s+(?:[^'"]*?\s+from\s+)?["'](\.{1,2}/[^"']+)["']""")


async def page_weight(http: Any, path: str) -> list[tuple[str, int, int]]:
    """(address, raw bytes, gzip bytes) of the page and of the CSS and script it loads."""
    page = await http.get(path)
    html = page.content
    found = [(path, len(html), len(gzip.compress(html, 9)))]
    text = page.text
    queue = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) + re.findall(r'<script[^>]* src="([^"]+)"', text)
    seen: set[str] = set()
    while queue:
        address = queue.pop(0)
        plain = address.split("?")[0]
        if plain in seen:
            continue
        seen.add(plain)
        body = (await http.get(address)).content
        found.append((plain, len(body), len(gzip.compress(body, 9))))
        if plain.endswith(".js"):
            for module in MODULE_IMPORT.findall(body.decode("utf-8", "replace")):
                queue.append(urljoin(plain, module))
    return found


def line(label: str, result: PhaseResult, baseline: PhaseResult | None) -> str:
    p50, p95, p99 = (result.percentile(q) for q in (50, 95, 99))
    ratio = f"   {p50 / baseline.percentile(50):5.1f}× (a) at p50" if baseline is not None and baseline.completed else ""
    errors = f"   {result.errors} errors (first: {result.first_error})" if result.errors else ""
    return f"  {label:<44} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   p99 {p99:7.2f} ms{ratio}{errors}"


async def run(args: argparse.Namespace) -> int:
    import httpx

    from marketplace.db import Database
    from marketplace.settings import Settings
    from schema.services import Services
    from search.resilient import make_listing_search
    from tirek.app import create_app
    from web.operations import load_operations

    workdir = Path(tempfile.mkdtemp(prefix="tirek-portal-bench-"))
    try:
        started = time.perf_counter()
        url = args.database_url or demo_database(workdir)
        print(f"tirek portal pages: {args.requests} requests per page, one at a time, in-process "
              f"({'given database' if args.database_url else 'demo data, made in'} "
              f"{time.perf_counter() - started:.1f}s)")
        settings = Settings(database_url=url, secret_key=secrets.token_hex(32), var_dir=workdir, demo=True)
        db = Database(url)
        app = create_app(settings=settings, db=db,
                         services=Services(listing_search=make_listing_search(db, None, settings.meili_index)))
        transport = httpx.ASGITransport(app=app)
        operations = load_operations()
        try:
            async with httpx.AsyncClient(transport=transport, base_url="https://portal.bench",
                                         headers={"accept-language": "ru"}, timeout=60) as http:
                await sign_in(http, args.login, args.password)
                token = await api_token(http, args.login, args.password)
                results = {}
                for kind, label, path in PHASES:
                    operation = (path, operations[path], token) if kind.endswith("-operation") else None
                    results[kind] = await measure(http, kind, label, path, args.requests, args.warmup, operation)
                weight = await page_weight(http, "/")
                hits = (await http.get(PHASES[3][2])).text.count('class="tirek-card"')
        finally:
            await db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print("\nServer time per page (signed in as %s):" % args.login)
    for kind, label, path in PHASES:
        print(line(label, results[kind], results["baseline"] if kind != "baseline" else None))
        print(f"  {'':<44} {path}" + (f" ({hits} offers shown)" if kind == "search" else ""))
    print("\nEach page against the operation it runs (the page's own cost: session, template, HTML):")
    for page, operation in (("home", "home-operation"), ("search", "search-operation")):
        r, o = results[page], results[operation]
        if r.completed and o.completed:
            print(f"  {page:<8} p50 {r.percentile(50) / o.percentile(50):4.2f}×   p95 "
                  f"{r.percentile(95) / o.percentile(95):4.2f}× its operation (the aim: p95 at most 1.5×)")
    print("\nHome page weight (HTML + CSS + JS):")
    for address, raw, packed in weight:
        print(f"  {address:<44} {raw / 1024:8.1f} KB   gzip {packed / 1024:7.1f} KB")
    raw_total, packed_total = sum(w[1] for w in weight), sum(w[2] for w in weight)
    verdict = "under" if packed_total < WEIGHT_AIM else "OVER"
    print(f"  {'in all':<44} {raw_total / 1024:8.1f} KB   gzip {packed_total / 1024:7.1f} KB "
          f"({verdict} the 100 KB aim)")
    return 0 if all(r.errors == 0 for r in results.values()) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.portal_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database with the demo logins (else a throwaway demo database)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests before each page")
    parser.add_argument("--login", default="recipient", help="the account to sign in as")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
