"""A national-scale synthetic data set: ``tirek generate --scale national`` (or a fraction).

At scale 1 ("national") it writes what the portal would hold for all of
Kazakhstan: 732,100 persons with disabilities with the seeds' age mix (418,600
of working age, 201,100 retired, 112,300 children) spread over the 20 regions
by ``data.REGIONS`` shares, a legal representative (a parent) for every child,
one MSE record each, about 2 million IRP lines (this year's and, for many,
last year's), 32,000 providers in the seeds' mix (29,392 personal-assistant
providers, 792 technical-aid suppliers, 756 sign-language services, 895
special-social-service centres, 125 sanatoria, 40 invataxi operators), 50,000
listings, about 1 million orders (mostly confirmed history, some open), the
service logs of the hourly services and the providers' compensation claims.
A fraction (``--scale 0.01``) scales every count.

Rules the data keeps (the CHECK constraints would refuse it otherwise, and
the tests check the rest):

* IINs and BINs are valid (``identifiers.make_iin``/``make_bin``), unique by
  construction: an IIN's serial is 10 x the rank of the person among those
  born the same day with the same sex (a check digit always exists for the
  serial 10k or 10k + 1), a BIN's serial is 10 x the provider's rank in its
  registration month;
* an entitlement's ``reserved`` is the sum of its open orders (PLACED,
  ACCEPTED, DELIVERED), its ``consumed`` the sum of its CONFIRMED ones, and
  never more than its quantity (quota items never more than released by the
  order's date); an order's state share is min(price, cap) x quantity;
* an order is on a listing of the entitlement's item, offered in the
  person's region by a verified provider serving it; its timeline (placed,
  accepted, delivered, confirmed) is before the generation's reference time;
* an hourly service's logs fit the booking, one per day, at most 8 hours;
  a service-hours claim covers exactly the confirmed logs bound to it;
* a claim's due date is 17 working days after submission (Almaty calendar);
  decided by an officer of the person's region; paid ones carry a unique
  payment reference.

What it does not write: audit events and idempotency keys of the generated
history (the services write those for every new change), notifications,
applications, trips, reviews and receipts (so no self-purchase claims), and
search outbox rows: run ``tirek reindex`` afterwards.

Every generated account signs in with ``seed.DEMO_PASSWORD``: recipients as
``recipient-<person id>`` (a child's representative holds the account that
acts for the child), providers as ``provider-<n>``, officers as
``officer-<region code, lower case, '-' for '_'>`` (``officer-almaty-city``),
and ``admin``. This is benchmark
data: never run it against a production database (it refuses a database that
holds anything else).

Phases (``PHASES``): reference (regions, classifier, staff accounts),
providers (with their regions and accounts), listings (with their regions),
persons (with representatives and accounts), records, history (IRP lines,
orders, claims and service logs of a chunk of persons, written together
because the balances must agree with the orders and the claims with the
logs), finish (foreign-key check, id sequences, planner statistics).

Fast loading: PostgreSQL gets ``COPY`` (asyncpg ``copy_records_to_table``),
SQLite ``executemany`` on its own connection with ``synchronous=OFF``, both
with explicit ids, one transaction per chunk, the next chunk generated in a
thread while the database takes the current one. On PostgreSQL with superuser
rights the load skips the foreign-key triggers (``session_replication_role =
replica``) and the finish phase checks every foreign key in one anti-join each.

Deterministic: every value comes from random generators seeded with the scale,
the kind of row and a block of 100 indices, and dates count back from a
reference time (the start of the day of the first run), so the same scale on
the same day gives the same data whatever the chunk size or the database, and
a restart regenerates a chunk exactly. Resumable: each phase continues after
the last chunk that committed (found from the ids and person ids already
present), so an interrupted run completes on the next. The reference time is
kept in the ``admin`` account's ``created_at`` and reused on resume.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from marketplace.accounts.security import hash_password
from marketplace.db import Base
from marketplace.demo import data
from marketplace.demo.seed import DEMO_PASSWORD
from marketplace.demo.synthetic.history import norm_row
from marketplace.demo.synthetic.population import BLOCK, GenerationError, Plan, to_cents
from marketplace.demo.synthetic.rows import ACCOUNT_COLS, CLAIM_COLS, ENTITLEMENT_COLS, LOG_COLS, ORDER_COLS
from marketplace.demo.synthetic.rows import RowGenerator
from marketplace.demo.synthetic.sinks import Batch, Sink, columns_of, open_sink
from marketplace.models import ClassifierItem, Region

PHASES = ("reference", "providers", "listings", "persons", "records", "history", "finish")
ADMIN = "admin"
_MARK = "generated national data set, scale "


def parse_scale(text: str | float) -> float:
    """``national`` (1.0) or a fraction in (0, 1], e.g. ``0.01``."""
    if isinstance(text, str) and text.strip().lower() == "national":
        return 1.0
    try:
        value = float(text)
    except ValueError as exc:
        raise ValueError("--scale is 'national' or a fraction such as 0.01") from exc
    if not 0 < value <= 1:
        raise ValueError("--scale must be a fraction in (0, 1], or 'national'")
    return value


@dataclass
class PhaseReport:
    name: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    chunks_done: int = 0
    chunks_skipped: int = 0
    note: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


@dataclass
class GenerationReport:
    scale: float
    dialect: str
    phases: list[PhaseReport] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows_written(self) -> int:
        return sum(p.total_rows for p in self.phases)


class _Stop(Exception):
    pass


async def generate(
    url: str,
    scale: float | str = 1.0,
    *,
    chunk_size: int = 20_000,
    stop_after: str | None = None,
    chunk_limit: int | None = None,
    progress: bool = True,
    echo: Callable[[str], None] | None = print,
    anchor: dt.datetime | None = None,
) -> GenerationReport:
    """Generate (or complete) the data set at ``scale`` in the (migrated) database at ``url``.

    ``stop_after`` ends the run after that phase, ``chunk_limit`` after that many
    chunks written (both simulate an interruption); the next call continues.
    ``anchor`` is the reference time of a new data set (default: the start of today, UTC).
    """
    scale = parse_scale(scale) if isinstance(scale, str) else float(scale)
    parse_scale(scale)
    if stop_after is not None and stop_after not in PHASES:
        raise ValueError(f"stop_after is one of {', '.join(PHASES)}")
    chunk_size = max(BLOCK, chunk_size // BLOCK * BLOCK)
    say = echo or (lambda _m: None)
    started = time.perf_counter()
    sink = await open_sink(url)
    report = GenerationReport(scale=scale, dialect=sink.dialect)
    budget = [chunk_limit]
    try:
        anchor = await _check_database(sink, scale, anchor)
        plan = Plan(scale=scale, anchor=anchor)
        gen = RowGenerator(plan, sink, hash_password(DEMO_PASSWORD))
        say(f"Generating scale {plan.scale_key} into {sink.dialect}: {plan.persons:,} persons with disabilities, "
            f"{plan.providers:,} providers, {plan.listings:,} listings; reference time {anchor:%Y-%m-%d %H:%M} UTC")
        for name in PHASES:
            phase = PhaseReport(name)
            t0 = time.perf_counter()
            try:
                await _PHASES[name](gen, phase, chunk_size, budget, progress)
            finally:
                phase.seconds = time.perf_counter() - t0
                report.phases.append(phase)
                if phase.note:
                    say(f"  {name}: {phase.note} in {phase.seconds:.1f}s")
                elif phase.total_rows:
                    per = ", ".join(f"{t} {n:,}" for t, n in phase.rows.items() if n)
                    say(f"  {name}: {phase.total_rows:,} rows in {phase.seconds:.1f}s"
                        f" = {phase.rate:,.0f} rows/s" + (f" ({per})" if per else "")
                        + (f"; {phase.chunks_skipped} chunks already there" if phase.chunks_skipped else ""))
                elif phase.chunks_skipped:
                    say(f"  {name}: already complete ({phase.chunks_skipped} chunks)")
            if name == stop_after:
                report.stopped_early = name != PHASES[-1]
                break
    except _Stop:
        report.stopped_early = True
    finally:
        await sink.close()
    report.seconds = time.perf_counter() - started
    if report.stopped_early:
        say(f"Stopped early after {report.seconds:.1f}s ({report.rows_written:,} rows); run again to complete.")
    else:
        say(f"Done in {report.seconds:.1f}s: {report.rows_written:,} rows written "
            f"({report.rows_written / report.seconds if report.seconds else 0:,.0f} rows/s overall). "
            "Run `tirek reindex` to build the search index.")
    return report


async def _check_database(sink: Sink, scale: float, anchor: dt.datetime | None) -> dt.datetime:
    """The reference time of the data set here (a new one: ``anchor`` or today 00:00 UTC); refuse foreign data."""
    row = await sink.query(f"SELECT display_name, created_at FROM accounts WHERE username = '{ADMIN}'")
    if row:
        name, created = row[0]
        if not str(name).startswith(_MARK):
            raise GenerationError("this database holds other data (an 'admin' account the generator did not make); "
                                  "generate into a new, migrated database")
        theirs = str(name)[len(_MARK):]
        if theirs != repr(float(scale)):
            raise GenerationError(f"this database holds the generated data set at scale {theirs}; "
                                  f"generate scale {scale!r} into another database")
        if isinstance(created, str):
            created = dt.datetime.fromisoformat(created).replace(tzinfo=dt.UTC)
        return created.astimezone(dt.UTC)
    for table in ("persons", "providers", "listings", "orders", "accounts"):
        if await sink.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS t"):
            raise GenerationError(f"this database already holds {table}; generate into a new, migrated database")
    if anchor is None:  # the start of today (UTC): the same scale on the same day is the same data
        return dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), dt.UTC)
    return anchor.astimezone(dt.UTC).replace(microsecond=0)


def _bar(total: int, desc: str, progress: bool, unit: str = "chunk") -> Any:
    return tqdm(total=total, desc=desc, unit=unit, disable=not progress, leave=False)


async def _write(gen: RowGenerator, phase: PhaseReport, batches: Sequence[Batch], budget: list[int | None]) -> None:
    await gen.sink.write(batches)
    for b in batches:
        phase.rows[b.table] = phase.rows.get(b.table, 0) + len(b.rows)
    phase.chunks_done += 1
    if budget[0] is not None:
        budget[0] -= 1
        if budget[0] <= 0:
            raise _Stop()


async def _load_reference(gen: RowGenerator) -> None:
    """Region ids (in data.REGIONS order) and classifier items, as they are in the database."""
    plan, sink = gen.plan, gen.sink
    by_code = {code: rid for rid, code in await sink.query("SELECT id, code FROM regions")}
    plan.region_ids = [by_code[r.code] for r in data.REGIONS]
    rows = await sink.query("SELECT id, code, kind, unit, category, price_cap FROM classifier_items ORDER BY id")
    plan.items = []
    for iid, code, kind, unit, category, cap in rows:
        cents = (int(cap) if sink.dialect == "sqlite" else to_cents(cap)) if cap is not None else None
        plan.items.append({"id": iid, "code": code, "kind": kind, "unit": unit, "category": category, "cap": cents})
    plan.item_by_code = {i["code"]: i for i in plan.items}
    plan.build_population()


async def _phase_reference(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                           progress: bool) -> None:
    plan, sink = gen.plan, gen.sink
    have = {code for (code,) in await sink.query("SELECT code FROM regions")}
    regions = Batch("regions", columns_of(Region, left_to_defaults=("id",)),
                    [(r.code, r.name_kk, r.name_ru, r.name_en) for r in data.REGIONS if r.code not in have])
    have = {code for (code,) in await sink.query("SELECT code FROM classifier_items")}
    items = Batch("classifier_items", columns_of(ClassifierItem, left_to_defaults=(
                      "id", "price_cap_from", "next_price_cap", "next_price_cap_from", "companion_variant_of_id")),
                  [(c.code, c.name_kk, c.name_ru, c.name_en, c.kind, c.unit, c.category, to_cents(c.price_cap),
                    c.service_life_months, *norm_row(c), True) for c in data.CLASSIFIER if c.code not in have])
    if regions.rows or items.rows:
        await sink.write([regions, items])
        for c in data.CLASSIFIER:
            if c.companion_variant_of and c.code not in have:
                await sink.execute(
                    "UPDATE classifier_items SET companion_variant_of_id = (SELECT id FROM classifier_items "
                    f"WHERE code = '{c.companion_variant_of}') WHERE code = '{c.code}'")
        phase.rows.update({"regions": len(regions.rows), "classifier_items": len(items.rows)})
    await _load_reference(gen)
    if await sink.scalar(f"SELECT count(*) FROM accounts WHERE username = '{ADMIN}'"):
        phase.chunks_skipped += 1
        return
    created = plan.now_ts
    staff = Batch("accounts", ACCOUNT_COLS)
    base = plan.staff_account_base
    staff.rows.append((base + 1, ADMIN, gen.password_hash, "ADMIN", f"{_MARK}{plan.scale_key}", None, None, None,
                       "EN", True, 1, created))
    for n, r in enumerate(data.REGIONS):
        staff.rows.append((plan.officer_account_id(n), f"officer-{r.code.lower().replace('_', '-')}",
                           gen.password_hash, "LOCAL_BODY", f"Управление занятости и социальных программ: {r.name_ru}",
                           None, None, plan.region_ids[n], "RU", True, 1, created))
    await _write(gen, phase, [staff], budget)


async def _resume_point(sink: Sink, table: str, column: str, upper: int, chunks: list[tuple[int, int]]) -> int:
    """Index of the first chunk still to write: every chunk up to the one holding max(column) committed."""
    top = await sink.scalar(f"SELECT max({column}) FROM {table} WHERE {column} <= {upper}")
    if not top:
        return 0
    for n, (lo, hi) in enumerate(chunks):
        if lo < top <= hi:  # 1-based ids of 0-based indices lo..hi-1
            return n + 1
    return len(chunks)


async def _run_chunks(gen: RowGenerator, phase: PhaseReport, desc: str, total: int, chunk: int, table: str,
                      column: str, make: Callable[[int, int], list[Batch]], budget: list[int | None], progress: bool,
                      before: Callable[[], Any] | None = None) -> None:
    """Write the chunks not yet committed. The next chunk is generated in a thread while the
    database takes the current one (PostgreSQL works in its own process meanwhile)."""
    chunks = Plan.chunks(total, chunk)
    first = await _resume_point(gen.sink, table, column, total, chunks)
    phase.chunks_skipped = first
    todo = chunks[first:]
    if not todo:
        return
    if before is not None:
        await before()
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    with _bar(len(chunks), desc, progress) as bar, ThreadPoolExecutor(1, thread_name_prefix="generate") as pool:
        bar.update(first)
        pending = loop.run_in_executor(pool, make, *todo[0])
        for n in range(len(todo)):
            batches = await pending
            if n + 1 < len(todo):
                pending = loop.run_in_executor(pool, make, *todo[n + 1])
            await _write(gen, phase, batches, budget)
            bar.update(1)
            bar.set_postfix(rows_per_s=f"{phase.total_rows / max(1e-9, time.perf_counter() - started):,.0f}")


async def _phase_providers(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                           progress: bool) -> None:
    await _run_chunks(gen, phase, "providers", gen.plan.providers, chunk, "providers", "id", gen.provider_rows,
                      budget, progress)
    await _fix_sequences(gen.sink, ("providers",))


async def _phase_listings(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                          progress: bool) -> None:
    plan, sink = gen.plan, gen.sink
    assignments = gen.listing_assignments()
    plan.listings = len(assignments)
    info: dict[int, tuple[str, str, list[int]]] = {}
    for pid, name, status in await sink.query("SELECT id, name, verification_status FROM providers"):
        info[pid] = (name, status, [])
    for pid, rid in await sink.query("SELECT provider_id, region_id FROM provider_regions ORDER BY provider_id, region_id"):
        if pid in info:
            info[pid][2].append(rid)
    await _run_chunks(gen, phase, "listings", len(assignments), chunk, "listings", "id",
                      lambda lo, hi: gen.listing_rows(lo, hi, assignments, info), budget, progress)
    await _fix_sequences(sink, ("listings",))


async def _phase_persons(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                         progress: bool) -> None:
    await _run_chunks(gen, phase, "persons", gen.plan.persons, chunk, "persons", "id", gen.person_rows, budget,
                      progress)
    await _fix_sequences(gen.sink, ("persons", "accounts"))


async def _phase_records(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                         progress: bool) -> None:
    await _run_chunks(gen, phase, "MSE records", gen.plan.persons, chunk, "disability_records", "id",
                      gen.record_rows, budget, progress)
    await _fix_sequences(gen.sink, ("disability_records",))


async def _listing_map(gen: RowGenerator) -> None:
    """Where each item can be ordered: (item id, region id) -> [(listing, provider, price cents, options)]."""
    plan, sink = gen.plan, gen.sink
    if plan.listing_map is not None:
        return
    rows = await sink.query(
        "SELECT l.id, l.classifier_item_id, l.provider_id, l.unit_price, l.delivery_options, lr.region_id "
        "FROM listings l JOIN listing_regions lr ON lr.listing_id = l.id JOIN providers p ON p.id = l.provider_id "
        "WHERE l.status IN ('PUBLISHED', 'ARCHIVED') AND p.verification_status = 'VERIFIED' "
        "ORDER BY l.id, lr.region_id"
    )
    out: dict[tuple[int, int], list[tuple[int, int, int, list[str]]]] = {}
    parsed: dict[int, list[str]] = {}
    for lid, iid, pid, price, options, rid in rows:
        cents = int(price) if sink.dialect == "sqlite" else to_cents(price)
        if lid not in parsed:
            parsed[lid] = json.loads(options) if isinstance(options, str) else list(options or [])
        out.setdefault((iid, rid), []).append((lid, pid, cents, parsed[lid]))
    plan.listing_map = out


async def _next_id(sink: Sink, table: str) -> int:
    return int(await sink.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1


async def _phase_history(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                         progress: bool) -> None:
    """IRP lines, orders, claims and service logs, one transaction per chunk of persons.

    One plan per chunk gives all four tables (the balances must agree with the
    orders, the claims with the logs), so they are written together; ids are
    dense, continuing from what the tables hold.
    """
    await _listing_map(gen)
    sink, plan = gen.sink, gen.plan
    tables = ("entitlements", "orders", "compensation_claims", "service_logs")
    next_id: dict[str, int] = {}

    async def counters() -> None:
        for t in tables:
            next_id[t] = await _next_id(sink, t)

    def make(lo: int, hi: int) -> list[Batch]:
        h = gen.history(lo, hi)
        e0, o0, c0, l0 = (next_id[t] for t in tables)
        ents = Batch("entitlements", ENTITLEMENT_COLS, [(e0 + n, *e) for n, e in enumerate(h.entitlements)])
        orders = Batch("orders", ORDER_COLS,
                       [(o0 + n, *o[1:6], e0 + o[0], *o[6:], 1) for n, o in enumerate(h.orders)])
        claims = Batch("compensation_claims", CLAIM_COLS)
        for n, c in enumerate(h.claims):
            (oi, kind, pid, rid, provider_id, item_id, qty, claimed, approvable, approved, status, reason,
             submitted, due, decided_at, decided_by, paid_at, provider) = c
            cid = c0 + n
            claims.rows.append((
                cid, kind, pid, rid, provider_id, o0 + oi, e0 + h.orders[oi][0], item_id, None,
                plan.provider_account_base + provider, qty, claimed, approvable, approved, status, reason,
                f"hist-claim-{o0 + oi}", submitted, due, decided_at, decided_by, paid_at,
                f"KZ-GEN-{cid:09d}" if paid_at is not None else None, 1,
            ))
        logs = Batch("service_logs", LOG_COLS,
                     [(l0 + n, o0 + g[0], *g[2:], None if g[1] is None else c0 + g[1]) for n, g in enumerate(h.logs)])
        for t, batch in zip(tables, (ents, orders, claims, logs), strict=True):
            next_id[t] += len(batch.rows)
        return [ents, orders, claims, logs]

    await _run_chunks(gen, phase, "IRP lines, orders, claims, logs", plan.persons, chunk, "entitlements",
                      "person_id", make, budget, progress, before=counters)
    await _fix_sequences(sink, tables)


async def _phase_finish(gen: RowGenerator, phase: PhaseReport, chunk: int, budget: list[int | None],
                        progress: bool) -> None:
    """Sequences past the explicit ids, and fresh planner statistics."""
    sink = gen.sink
    if sink.deferred_keys:
        broken = {k: v for k, v in (await check_foreign_keys(sink)).items() if v}
        if broken:
            raise GenerationError(f"foreign keys point nowhere: {broken}")
        phase.note = "every foreign key checked; "
    await _fix_sequences(sink, [t for t in GENERATED_TABLES if t not in ("provider_regions", "listing_regions")])
    if sink.dialect == "postgresql":
        await sink.execute("VACUUM (ANALYZE)")
        phase.note += "sequences moved past the ids; VACUUM (ANALYZE)"
    else:
        await sink.execute("ANALYZE")
        phase.note += "ANALYZE"


GENERATED_TABLES = ("regions", "classifier_items", "accounts", "persons", "providers", "provider_regions", "listings",
                    "listing_regions", "disability_records", "entitlements", "orders", "compensation_claims",
                    "service_logs")


async def check_foreign_keys(sink: Sink, tables: Iterable[str] = GENERATED_TABLES) -> dict[str, int]:
    """Rows whose foreign key points nowhere, per constraint (one anti-join each)."""
    out: dict[str, int] = {}
    for table in tables:
        for fk in Base.metadata.tables[table].foreign_key_constraints:
            (col,) = [c.name for c in fk.columns]
            (elem,) = fk.elements
            parent, pcol = elem.column.table.name, elem.column.name
            bad = await sink.scalar(
                f"SELECT count(*) FROM {table} c WHERE c.{col} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} p WHERE p.{pcol} = c.{col})")
            out[f"{table}.{col} -> {parent}"] = int(bad)
    return out


async def _fix_sequences(sink: Sink, tables: Iterable[str]) -> None:
    if sink.dialect != "postgresql":
        return  # SQLite takes max(rowid) + 1
    for t in tables:
        await sink.execute(
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), coalesce((SELECT max(id) FROM {t}), 0) + 1, false)")


_PHASES: dict[str, Callable[..., Any]] = {
    "reference": _phase_reference,
    "providers": _phase_providers,
    "listings": _phase_listings,
    "persons": _phase_persons,
    "records": _phase_records,
    "history": _phase_history,
    "finish": _phase_finish,
}
