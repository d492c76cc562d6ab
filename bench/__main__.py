"""Every benchmark, one after the other, and the table of the issue's targets: ``python -m bench``.

    bash scripts/bench.sh --database-url postgresql+asyncpg://.../tirek   # data of `tirek generate --scale national`
    bash scripts/bench.sh                                                 # a throwaway 1% data set on SQLite
    bash scripts/bench.sh --database postgresql --scale 0.01             # ... on a private PostgreSQL 15
    bash scripts/bench.sh --quick                                         # fewer requests, no search benchmark

Runs, each in its own process, bounded in requests and in time (``--time-limit`` per phase):
the recipient's home page (1 client, then 8), the officer's claim queue (1 client, then 8),
placeOrder with 50 clients (one API process, then ``--workers`` processes), reindexing the
catalogue (``bench.reindex``), the portal's home and search pages beside the operations they
run (``bench.portal_pages``, on a demo database of its own), a search page's execution in-process
against strawberry's own (``bench.execution``), and the catalogue search
(``bench.search``, on its own data set of 50,000 listings). Each prints its own report (tables with the baselines); at the end, the
targets of issue 6 with the figures measured here. Without ``--database-url`` a data set is
generated once at ``--scale`` and shared by the benchmarks (and removed at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.search import PROJECT_ROOT

ROW = re.compile(r"^\| (?P<label>[^|]+?) \| (?P<cells>.*) \|$")


def table_rows(text: str) -> dict[str, list[str]]:
    """Markdown table rows of a report: label -> cells."""
    rows = {}
    for line in text.splitlines():
        m = ROW.match(line.strip())
        if m and not line.startswith("|---"):
            rows[m["label"]] = [c.strip() for c in m["cells"].split("|")]
    return rows


def find(rows: dict[str, list[str]], prefix: str) -> list[str] | None:
    return next((cells for label, cells in rows.items() if label.startswith(prefix)), None)


def run_bench(name: str, argv: list[str], log_dir: Path, timeout: float) -> str:
    print(f"\n===== python -m {name} {' '.join(argv)}", flush=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", name, *argv], cwd=PROJECT_ROOT, capture_output=True, check=False,
                              text=True, timeout=timeout)
        out = proc.stdout + (f"\n[exit status {proc.returncode}]\n{proc.stderr[-3000:]}" if proc.returncode else "")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        out += f"\n[stopped after {timeout:.0f}s]\n"
    # The reports without the SQL samples (long), which stay in the log.
    shown = [line for line in out.splitlines() if not line.startswith("      ")]
    print("\n".join(shown))
    print(f"[{name}: {time.perf_counter() - started:.0f}s]", flush=True)
    (log_dir / f"{name.split('.')[-1]}-{int(time.time())}.log").write_text(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database filled by `tirek generate` (else a throwaway one)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", default="0.01")
    parser.add_argument("--workers", type=int, default=2, help="API processes for the second placeOrder and search runs")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per phase, at most")
    parser.add_argument("--quick", action="store_true", help="fewer requests, and no search benchmark")
    parser.add_argument("--skip", default="", help="comma-separated: home,queue,place,reindex,pages,execution,search")
    parser.add_argument("--log-dir", default=str(PROJECT_ROOT / "var" / "bench"), help="full reports go here")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.quick:
        skip.add("search")
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    scale = 1 if not args.quick else 0.3
    limit = ["--time-limit", str(args.time_limit)]
    started = time.perf_counter()
    print(f"tirek benchmarks; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"full reports in {log_dir}")

    tmp = Path(tempfile.mkdtemp(prefix="tirek-bench-all-"))
    postgres = None
    try:
        url = args.database_url
        if not url:
            url, postgres = _generate(args, tmp)
        data = ["--database-url", url]
        out: dict[str, str] = {}
        n = lambda k: str(max(50, int(k * scale)))
        if "home" not in skip:
            out["home1"] = run_bench("bench.home_page", [*data, "--concurrency", "1", "--requests", n(1000),
                                                          "--warmup", "100", *limit], log_dir, 600)
            out["home8"] = run_bench("bench.home_page", [*data, "--concurrency", "8", "--requests", n(3000),
                                                          "--warmup", "100", *limit], log_dir, 600)
        if "queue" not in skip:
            out["queue1"] = run_bench("bench.claim_queue", [*data, "--concurrency", "1", "--requests", n(1000),
                                                             "--warmup", "50", *limit], log_dir, 600)
            out["queue8"] = run_bench("bench.claim_queue", [*data, "--concurrency", "8", "--requests", n(3000),
                                                             "--warmup", "100", *limit], log_dir, 600)
        if "place" not in skip:
            out["place1"] = run_bench("bench.place_order", [*data, "--concurrency", "50", "--requests", n(5000),
                                                             "--warmup", "200", *limit], log_dir, 600)
            if args.workers > 1:
                out["placeN"] = run_bench("bench.place_order", [*data, "--concurrency", "50", "--requests",
                                                                 n(5000), "--warmup", "200", "--workers",
                                                                 str(args.workers), *limit], log_dir, 600)
        if "reindex" not in skip:
            out["reindex"] = run_bench("bench.reindex", data, log_dir, 1200)
        if "pages" not in skip:  # on a demo database of its own (it signs in as the demo recipient)
            out["pages"] = run_bench("bench.portal_pages", ["--requests", n(300)], log_dir, 900)
        if "execution" not in skip:  # in-process, a catalogue of its own: the direct execution against strawberry's
            out["execution"] = run_bench("bench.execution", ["--blocks", n(30)], log_dir, 900)
        if "search" not in skip:
            search_db = ["--database", "postgresql"] if url.startswith("postgresql") else []
            out["search"] = run_bench("bench.search", [*search_db, "--time-limit", str(args.time_limit)],
                                      log_dir, 1800)
            if args.workers > 1:  # the API on several processes: searches/s against Meilisearch's own
                out["searchN"] = run_bench("bench.search", [*search_db, "--time-limit", str(args.time_limit),
                                                            "--workers", str(args.workers)], log_dir, 1800)
        summary(out, args)
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f}s; load average now {os.getloadavg()[0]:.1f}")
    return 0


def _generate(args: argparse.Namespace, tmp: Path) -> tuple[str, object]:
    from bench.harness import DURABLE_POSTGRES
    from marketplace.demo import national
    from marketplace.migrate import upgrade_sync

    postgres = None
    if args.database == "postgresql":
        from tests.support.postgres import PostgresServer

        postgres = PostgresServer(settings=DURABLE_POSTGRES).start()
        url = postgres.create_database("tirek_bench")
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    upgrade_sync(url)
    t0 = time.perf_counter()
    asyncio.run(national.generate(url, national.parse_scale(args.scale), progress=False))
    print(f"generated scale {args.scale} on {url.split('+')[0]} in {time.perf_counter() - t0:.1f}s")
    return url, postgres


def summary(out: dict[str, str], args: argparse.Namespace) -> None:
    def cells(key: str, prefix: str) -> list[str] | None:
        return find(table_rows(out.get(key, "")), prefix)

    def col(row: list[str] | None, i: int) -> str:
        return row[i] if row and len(row) > i else "n/a"

    def placed(key: str) -> str:
        m = re.search(r"orders placed: ([\d,]+) in ([\d.]+)s = ([\d,.]+) orders/s", out.get(key, ""))
        return m.group(3) if m else "n/a"

    def held(key: str) -> str:
        text = out.get(key, "")
        return "all hold" if "**all hold**" in text else ("VIOLATION" if "VIOLATION" in text else "n/a")

    def rss(*keys: str) -> str:
        values = [int(v.replace(",", "")) for k in keys
                  for v in re.findall(r"Peak RSS of the API process[^:]*: ([\d,]+) MiB", out.get(k, ""))]
        return f"{max(values)} MiB" if values else "n/a"

    home1, home8 = cells("home1", "(c)"), cells("home8", "(c)")
    queue1 = cells("queue1", "(c)")
    search = find(table_rows(out.get("search", "")), "(b)") or find(table_rows(out.get("search", "")), "(a)")
    reindex = cells("reindex", "(c)") or cells("reindex", "(b)")
    print("\n## Issue 6 targets, as measured by this run\n")
    print("| target | measured | columns |")
    print("|---|---|---|")
    print(f"| searchListings p95 < 50 ms | {col(search, 3) if search else 'not run'} ms p95 (bench.search, signed in) | p50/p95/p99 |")
    print(f"| home page p95 < 30 ms | 1 client: {col(home1, 3)} ms p95 ({col(home1, 2)} p50); 8 clients: "
          f"{col(home8, 3)} ms p95, {col(home8, 5)} req/s | ms |")
    print(f"| ≥ 200 orders/s, 50 clients | 1 process: {placed('place1')} orders/s; {args.workers} workers: "
          f"{placed('placeN')} orders/s; balances: {held('place1')} / {held('placeN')} | orders/s |")
    print(f"| memory < 500 MB per process | peak {rss(*out)} | VmHWM |")
    print(f"| claim queue (no target) | {col(queue1, 2)} ms p50, {col(queue1, 3)} ms p95, 1 client | ms |")
    print(f"| reindex the catalogue (no target) | {col(reindex, 1)} s for {col(reindex, 0)} documents | s |")


if __name__ == "__main__":
    sys.exit(main())
