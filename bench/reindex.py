"""How long does reindexing the national catalogue take? ``search.indexer.reindex`` into a fresh Meilisearch.

    .venv/bin/python -m bench.reindex --database-url postgresql+asyncpg://.../tirek   # data of `tirek generate`
    .venv/bin/python -m bench.reindex --database postgresql --scale 0.01              # a throwaway data set

Starts its own Meilisearch (``search.server.MeilisearchProcess``, a temporary data
directory removed at the end) and runs, one after the other:

(a) baseline: the documents built from the database (``indexable_ids_after`` and
    ``build_documents`` in batches of 1,000, as the reindex reads them), nothing sent;
(b) ``search.indexer.reindex`` into an empty Meilisearch (a new index, swapped in);
(c) the same again with the live index present (what ``tirek reindex`` does on a running
    portal: build beside it, swap, drop the old one).

Prints documents per second, the ratio to the baseline, SQL statements per 1,000 documents, and
the peak RSS of Meilisearch and of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Any

from bench.harness import Resources, command_line, main_wrapper, prepare_database
from bench.search import proc_status_kb

INDEX_NAME = "listings"


async def run(args: argparse.Namespace, res: Resources) -> None:
    from sqlalchemy import event

    from marketplace.db import Database
    from search.client import make_client
    from search.documents import build_documents, indexable_ids_after
    from search.indexer import reindex
    from search.server import MeilisearchProcess, find_or_install_binary

    print("tirek reindex benchmark")
    url = await prepare_database(args, res)
    res.meili = await asyncio.to_thread(
        lambda: MeilisearchProcess(binary=find_or_install_binary(), data_dir=res.tmp / "meilisearch").start()
    )
    client = make_client(res.meili.url, res.meili.master_key, timeout=120)
    db = Database(url)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    rows: list[tuple[str, int, float, int]] = []
    try:
        statements[0] = 0
        t0 = time.perf_counter()
        built, last_id = 0, 0
        while True:
            async with db.session() as session:
                ids = await indexable_ids_after(session, last_id, 1000)
                if not ids:
                    break
                built += len(await build_documents(session, ids))
            last_id = ids[-1]
        rows.append(("(a) documents built from the database, nothing sent", built, time.perf_counter() - t0,
                     statements[0]))
        for label in ("(b) `search.indexer.reindex` into an empty Meilisearch",
                      "(c) `search.indexer.reindex` again, beside the live index (swap)"):
            statements[0] = 0
            t0 = time.perf_counter()
            report = await reindex(db, client, INDEX_NAME, progress=False)
            rows.append((label, report.documents, time.perf_counter() - t0, statements[0]))
            print(f"  {label}: {report.documents:,} documents in {rows[-1][2]:.1f}s", flush=True)
    finally:
        await db.dispose()
    meili_rss = proc_status_kb(res.meili.pid if hasattr(res.meili, "pid") else None, "VmHWM")
    own_rss = proc_status_kb(os.getpid(), "VmHWM")
    counts = getattr(args, "data_counts", {})
    print()
    print("## Reindexing benchmark")
    print()
    print(f"- machine: {args.machine}; Meilisearch, database and indexer on this machine, over loopback")
    print(f"- database: {url.split('://')[0]}; data: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print()
    print("| measurement | documents | seconds | documents/s | × baseline time | SQL statements per 1,000 documents |")
    print("|---|---:|---:|---:|---:|---:|")
    base = rows[0][2]
    for label, docs, seconds, sql in rows:
        ratio = "—" if seconds == base else f"{seconds / base:.1f}×"
        print(f"| {label} | {docs:,} | {seconds:,.1f} | {docs / seconds if seconds else 0:,.0f} | {ratio} | "
              f"{sql * 1000 / max(1, docs):.1f} |")
    print()
    print(f"Peak RSS: Meilisearch {'n/a' if meili_rss is None else f'{meili_rss / 1024:,.0f} MiB'}, the indexer "
          f"process {'n/a' if own_rss is None else f'{own_rss / 1024:,.0f} MiB'}; load average after the run "
          f"{os.getloadavg()[0]:.1f}.")


def main(argv: list[str] | None = None) -> int:
    return main_wrapper(run, command_line("reindex", __doc__, requests=0, concurrency=1).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
