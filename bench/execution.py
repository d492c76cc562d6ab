"""What executing a page of search hits costs the API: the schema's direct execution (plain fields
read directly, sync resolvers called without converting absent arguments: ``schema/core/execution.py``)
against strawberry's own executor and resolvers.

    .venv/bin/python -m bench.execution [--listings 3000] [--blocks 30] [--block 40]

The app ``tirek serve`` builds is called in-process (httpx's ASGI transport) on a catalogue of its
own (``bench.big_catalogue``, a real Meilisearch, SQLite), after a warm-up. Each search's answer
from the catalogue (Meilisearch and SQL) is kept after its first call, so what is measured is the
HTTP layer, the GraphQL execution and the JSON: the part of a search that is neither Meilisearch
nor the database. Blocks of ``--block`` requests (the bench's query mix, anonymous and as the
recipient with coverage) alternate between the two executors, so a machine that gets busier
slows both alike; ``{ __typename }`` is measured the same way as the floor. Printed: the median
and the lowest CPU milliseconds per request over the blocks (the client's part included), and the
ratio of the two executors. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.search import INDEX_NAME, SEARCH_DOCUMENT, TRIVIAL_DOCUMENT, make_specs


async def run(args: argparse.Namespace) -> None:
    import httpx

    import schema.search.queries as search_queries
    from bench.big_catalogue import build_catalogue
    from schema.core.execution import strawberry_execution
    from marketplace.accounts.security import issue_token
    from marketplace.db import Database
    from marketplace.migrate import upgrade
    from marketplace.settings import Settings
    from search.client import make_client
    from search.indexer import reindex
    from search.server import MeilisearchProcess, find_or_install_binary
    from tirek.app import create_app
    from tirek.wiring import search_services

    tmp = Path(tempfile.mkdtemp(prefix="tirek-bench-execution-"))
    meili = await asyncio.to_thread(
        lambda: MeilisearchProcess(binary=find_or_install_binary(), data_dir=tmp / "meilisearch").start())
    try:
        url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
        await upgrade(url)
        db = Database(url)
        catalogue = await build_catalogue(db, listings=args.listings, providers=args.providers, seed=args.seed)
        await reindex(db, make_client(meili.url, meili.master_key, timeout=30), INDEX_NAME, progress=True)
        secret = secrets.token_hex(32)
        settings = Settings(database_url=url, secret_key=secret, meili_url=meili.url, meili_key=meili.master_key,
                            meili_index=INDEX_NAME, var_dir=str(tmp), public_answer_cache_bytes=0)
        app = create_app(settings=settings, db=db, services=search_services(settings, db))
        schema = app.state.schema
        executors = {"direct": contextlib.nullcontext, "strawberry's own": lambda: strawberry_execution(schema)}
        token, _ = issue_token(secret, catalogue.recipient_account_id, 1, 4 * 3600)
        specs = make_specs(max(500, args.block * 10), list(catalogue.region_ids.values()),
                           catalogue.classifier_codes, seed=args.seed + 1)

        # The catalogue's answer to each search, kept after its first call: Meilisearch and SQL out.
        search = search_queries.search_catalogue
        kept: dict[Any, Any] = {}

        async def kept_search(db: Any, listing_search: Any, viewer: Any, **kwargs: Any) -> Any:
            key = (viewer.account_id, repr(sorted(kwargs.items())))
            if key not in kept:
                kept[key] = await search(db, listing_search, viewer, **kwargs)
            return kept[key]

        search_queries.search_catalogue = kept_search
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def call(document: str, variables: dict[str, Any], bearer: str | None) -> None:
                headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
                response = await http.post("/graphql", json={"query": document, "variables": variables},
                                           headers=headers)
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(response.text[:500])

            for spec in specs:  # warm-up: every search of the mix once, both viewers
                await call(SEARCH_DOCUMENT, spec.graphql_variables(), None)
                await call(SEARCH_DOCUMENT, spec.graphql_variables(), token)
            cpu: dict[tuple[str, str], list[float]] = {}
            load_before = os.getloadavg()
            for block in range(args.blocks):
                chosen = specs[(block * args.block) % len(specs):][: args.block]
                for name, execution in executors.items():
                    with execution():
                        for who, bearer in (("anonymous", None), ("recipient", token)):
                            start = time.process_time()
                            for spec in chosen:
                                await call(SEARCH_DOCUMENT, spec.graphql_variables(), bearer)
                            cpu.setdefault((who, name), []).append(
                                (time.process_time() - start) / len(chosen) * 1e3)
                start = time.process_time()
                for _ in chosen:
                    await call(TRIVIAL_DOCUMENT, {}, None)
                cpu.setdefault(("anonymous", "{ __typename }"), []).append(
                    (time.process_time() - start) / len(chosen) * 1e3)
        search_queries.search_catalogue = search
        await db.dispose()
    finally:
        await asyncio.to_thread(meili.stop)
    print(f"## searchListings execution, {time.strftime('%Y-%m-%d %H:%M')}: {args.listings:,} listings, "
          f"{args.blocks} blocks of {args.block} requests per executor and viewer, alternating; "
          f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| viewer | executor | CPU ms per request, median of blocks | lowest block |")
    print("|---|---|---:|---:|")
    for (who, name), values in cpu.items():
        print(f"| {who} | {name} | {statistics.median(values):.2f} | {min(values):.2f} |")
    for who in ("anonymous", "recipient"):
        direct = statistics.median(cpu[(who, "direct")])
        core = statistics.median(cpu[(who, "strawberry's own")])
        print(f"{who}: direct / strawberry's = {direct / core:.2f}× ({core - direct:.2f} ms less per request)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.execution", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=3000)
    parser.add_argument("--providers", type=int, default=600)
    parser.add_argument("--blocks", type=int, default=30, help="blocks per executor and viewer")
    parser.add_argument("--block", type=int, default=40, help="requests per block")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    os.environ.setdefault("TIREK_SECRET_KEY", secrets.token_hex(32))
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
