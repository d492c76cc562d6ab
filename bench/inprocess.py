"""Where one request's time goes: the app called in-process, one request at a time.

    .venv/bin/python -m bench.inprocess --database-url postgresql+asyncpg://.../tirek --requests 300
    .venv/bin/python -m bench.inprocess --database-url ... --profile home   # cProfile of the home pages

The application ``tirek serve`` runs (``tirek.app.create_app``, no Meilisearch) is
called through httpx's ASGI transport, one request at a time, so each figure is the
cost of one request without queueing: wall and CPU milliseconds (the client's own CPU
included), SQL statements, BEGINs and pool checkouts per request. Kinds: ``{ __typename }``
signed in, the recipient's home page, an officer's claim queue page, ``placeOrder`` (one
unit from a roomy IRP line; it writes orders into the data set, as the placeOrder bench does).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
from typing import Any

KINDS = ("trivial", "home", "queue", "place")


async def run(args: argparse.Namespace) -> None:
    import httpx

    from bench._server import RequestStats, _current, instrument_engine
    from bench.claim_queue import QUEUE_DOCUMENT, officers
    from bench.harness import token_for
    from bench.home_page import HOME_DOCUMENT, sample_recipients
    from bench.place_order import PLACE_DOCUMENT, pick_lines
    from marketplace.db import Database
    from marketplace.settings import Settings
    from tirek.app import create_app
    from schema.core.ids import to_global_id
    from schema.services import Services
    from search.resilient import make_listing_search

    url = args.database_url
    secret = secrets.token_hex(32)
    settings = Settings(database_url=url, secret_key=secret, var_dir=f"/tmp/tirek-inprocess-{os.getpid()}")
    db = Database(url)
    instrument_engine(db.engine)
    services = Services(listing_search=make_listing_search(db, None, settings.meili_index))
    app = create_app(settings=settings, db=db, services=services)
    recipients = await sample_recipients(url, 200, args.seed)
    staff = await officers(url)
    kinds = [k for k in args.kinds.split(",") if k]
    lines = await pick_lines(url, 20, args.seed, 0) if "place" in kinds else []
    run_tag = f"inproc-{int(time.time())}"

    def request_for(kind: str, n: int) -> tuple[str, dict[str, Any], str]:
        if kind == "trivial":
            return "{ __typename }", {}, token_for(secret, recipients[n % len(recipients)][0])
        if kind == "home":
            return HOME_DOCUMENT, {}, token_for(secret, recipients[n % len(recipients)][0])
        if kind == "queue":
            officer = staff[n % len(staff)]
            return QUEUE_DOCUMENT, {"status": "SUBMITTED", "overdue": False, "after": None}, token_for(secret, officer[0])
        line = lines[n % len(lines)]
        return PLACE_DOCUMENT, {"listing": to_global_id("Listing", line["listing"]),
                                "entitlement": to_global_id("Entitlement", line["entitlement"]),
                                "quantity": "1", "key": f"{run_tag}-{n}"}, token_for(secret, line["account"])

    transport = httpx.ASGITransport(app=app)
    report = []
    async with httpx.AsyncClient(transport=transport, base_url="http://tirek.bench") as http:
        for kind in kinds:
            wall = cpu = 0.0
            stats = RequestStats()
            profiler = cProfile.Profile() if args.profile == kind else None
            for n in range(args.warmup + args.requests):
                document, variables, token = request_for(kind, n)
                measured = n >= args.warmup
                token_ = _current.set(stats if measured else RequestStats())
                w0, c0 = time.perf_counter(), time.process_time()
                if profiler and measured:
                    profiler.enable()
                response = await http.post("/graphql", content=json.dumps({"query": document, "variables": variables}),
                                           headers={"authorization": f"Bearer {token}",
                                                    "content-type": "application/json"})
                if profiler and measured:
                    profiler.disable()
                if measured:
                    wall += time.perf_counter() - w0
                    cpu += time.process_time() - c0
                _current.reset(token_)
                payload = response.json()
                if payload.get("errors") or (kind == "place" and payload["data"]["placeOrder"]["errors"]):
                    raise SystemExit(f"{kind}: {json.dumps(payload)[:400]}")
            k = args.requests
            report.append((kind, wall * 1000 / k, cpu * 1000 / k, stats.statements / k, stats.begins / k,
                           stats.checkouts / k, stats.sql_seconds * 1000 / k))
            if kind in args.show_sql.split(","):
                print(f"SQL of the last {kind} request:")
                last = stats.sql[-int(stats.statements / k + stats.begins / k + 0.5):]
                for s in last:
                    print("   ", s)
            if profiler:
                out = pstats.Stats(profiler)
                out.sort_stats("cumulative").print_stats(45)
                out.sort_stats("tottime").print_stats(30)
    await db.dispose()
    load = os.getloadavg()
    print(f"\nin-process, one request at a time, {args.requests} requests each after {args.warmup} warm-up; "
          f"{url.split('://')[0]}; load average {load[0]:.1f}")
    print("| request | wall ms | CPU ms | SQL statements | BEGINs | pool checkouts | SQL ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, w, c, s, b, co, sq in report:
        print(f"| {kind} | {w:.1f} | {c:.1f} | {s:.1f} | {b:.1f} | {co:.1f} | {sq:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--profile", default="", help="a kind to profile with cProfile")
    parser.add_argument("--show-sql", default="", help="kinds whose last request's SQL to print")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
