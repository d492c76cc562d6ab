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

import abc
import asyncio
import bisect
import datetime as dt
import functools
import json
import math
import random
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import make_url

from marketplace.demo import data

__all__ = [
    "NATIONAL",
    "PHASES",
    "GenerationError",
    "GenerationReport",
    "Plan",
    "generate",
    "parse_scale",
    "verify",
]

#: Counts at scale 1.
NATIONAL = {"persons": data.TOTAL_PERSONS_WITH_DISABILITIES, "providers": 32_000, "listings": 50_000}
#: Providers by kind at scale 1 (the seeds' mix; 792 technical-aid suppliers split by what they sell).
PROVIDER_MIX = {
    "PERSONAL_ASSISTANT": 29_392, "TSR": 400, "ORTHO": 150, "HEARING": 80, "VISION": 60, "HYGIENE": 102,
    "SIGN_LANGUAGE": 756, "SOCIAL_SERVICES": 895, "SANATORIUM": 125, "TRANSPORT": 40,
}
PHASES = ("reference", "providers", "listings", "persons", "records", "history", "finish")
BLOCK = 100  # rows per random generator: the data does not depend on the chunk size
SEED = 2026
ADMIN = "admin"
_MARK = "generated national data set, scale "


class GenerationError(RuntimeError):
    """The database holds data this generator did not write, or data of another scale."""


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


def _scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale))


# == Row writers ===============================================================================


def _converters(dialect: str, table: str, columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """Per column, how a generated value becomes what the driver expects (None: as it is).

    Generated values: money and quantities as integer hundredths, timestamps as
    epoch seconds (UTC), dates and times as ``date``/``time``, JSON as Python data.
    """
    from sqlalchemy import JSON, Boolean, Date, Time

    from marketplace.db import Base, ExactDecimal, UTCDateTime

    out: list[Callable[[Any], Any] | None] = []
    cols = Base.metadata.tables[table].c
    utc = dt.UTC
    fromts = dt.datetime.fromtimestamp
    for name in columns:
        t = cols[name].type
        f: Callable[[Any], Any] | None = None
        if isinstance(t, ExactDecimal):
            if dialect == "postgresql":
                def f(v: Any) -> Any:
                    return None if v is None else Decimal(v).scaleb(-2)
        elif isinstance(t, UTCDateTime):
            if dialect == "postgresql":
                def f(v: Any) -> Any:
                    return None if v is None else fromts(v, utc)
            else:
                def f(v: Any) -> Any:
                    return None if v is None else fromts(v, utc).isoformat(" ", "microseconds")[:26]
        elif isinstance(t, JSON):
            def f(v: Any) -> Any:
                return None if v is None else json.dumps(v, ensure_ascii=False)
        elif dialect == "sqlite" and isinstance(t, Date):
            def f(v: Any) -> Any:
                return None if v is None else v.isoformat()
        elif dialect == "sqlite" and isinstance(t, Time):
            def f(v: Any) -> Any:
                return None if v is None else v.isoformat("microseconds")
        elif dialect == "sqlite" and isinstance(t, Boolean):
            def f(v: Any) -> Any:
                return None if v is None else int(v)
        out.append(f)
    return out


@dataclass
class Batch:
    """Rows for one table, in its columns' order."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


class _Sink(abc.ABC):
    """Where generated rows go: PostgreSQL (COPY) or SQLite (executemany)."""

    dialect: str
    deferred_keys = False  # foreign keys are checked by ``check_foreign_keys`` rather than row by row

    @abc.abstractmethod
    async def query(self, sql: str) -> list[tuple[Any, ...]]: ...

    @abc.abstractmethod
    async def write(self, batches: Sequence[Batch]) -> None: ...

    @abc.abstractmethod
    async def execute(self, sql: str) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def scalar(self, sql: str) -> Any:
        rows = await self.query(sql)
        return rows[0][0] if rows else None

    def _prepared(self, batch: Batch) -> list[tuple[Any, ...]]:
        convs = _converters(self.dialect, batch.table, batch.columns)
        if not any(convs):
            return batch.rows
        pairs = [(i, f) for i, f in enumerate(convs) if f is not None]
        out = []
        for row in batch.rows:
            r = list(row)
            for i, f in pairs:
                r[i] = f(r[i])
            out.append(tuple(r))
        return out


class _SqliteSink(_Sink):
    """Its own sqlite3 connection: ``executemany`` in one transaction per chunk, synchronous=OFF."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        import sqlite3

        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "foreign_keys=ON", "cache_size=-262144",
                       "temp_store=MEMORY", "busy_timeout=60000"):
            self.conn.execute(f"PRAGMA {pragma}")

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    async def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    async def write(self, batches: Sequence[Batch]) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for b in batches:
                if b.rows:
                    marks = ", ".join("?" * len(b.columns))
                    cur.executemany(f"INSERT INTO {b.table} ({', '.join(b.columns)}) VALUES ({marks})",
                                    self._prepared(b))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class _PostgresSink(_Sink):
    """Its own asyncpg connection: ``COPY`` (binary) in one transaction per chunk."""

    dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def connect(cls, dsn: str) -> _PostgresSink:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        await conn.execute("SET synchronous_commit = off")
        sink = cls(conn)
        # Bulk-load practice: with the right to, skip the foreign-key triggers (one lookup per
        # key per row, over half the load time) and check every key in one pass at the end.
        if await conn.fetchval("SELECT current_setting('is_superuser') = 'on'"):
            await conn.execute("SET session_replication_role = replica")
            sink.deferred_keys = True
        return sink

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.conn.fetch(sql)]

    async def execute(self, sql: str) -> None:
        await self.conn.execute(sql)

    async def write(self, batches: Sequence[Batch]) -> None:
        async with self.conn.transaction():
            for b in batches:
                if b.rows:
                    await self.conn.copy_records_to_table(b.table, records=self._prepared(b), columns=list(b.columns))

    async def close(self) -> None:
        await self.conn.close()


async def _open_sink(url: str) -> _Sink:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            raise ValueError("generate needs a SQLite file, not an in-memory database")
        return _SqliteSink(u.database)
    if u.get_backend_name() == "postgresql":
        return await _PostgresSink.connect(u.set(drivername="postgresql").render_as_string(hide_password=False))
    raise ValueError(f"unsupported database {u.get_backend_name()!r}")


# == The population: who exists, computed for everyone first (for unique IINs) ==================

_BANDS = (("working", 572), ("retired", 275), ("child", 153))  # the seeds' 418,600 / 201,100 / 112,300
_GROUP_WEIGHTS = (18, 47, 35)  # I, II, III among adults
GROUPS = ("I", "II", "III", "CHILD")
_CHILD_NOSOLOGIES = ("G80", "G12", "G71.0", "G40", "Q05", "H90", "H91.3", "H54", "Q90", "F70", "F71", "F72",
                     "F84.0", "M41", "E10")


def _cum(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += float(w)
        out.append(total)
    return [x / total for x in out]


@dataclass
class Population:
    """Every person's core facts, by index (disabled persons 0..D-1, then representatives)."""

    disabled: int
    sex: bytearray  # 0 M, 1 F
    birth: array  # proleptic ordinal
    region: bytearray  # index into data.REGIONS
    group: bytearray  # index into GROUPS
    nosology: bytearray  # index into data.NOSOLOGIES
    flags: bytearray  # 1 mobility difficulty, 2 carer's allowance
    record_start: array  # ordinal of the MSE record's start
    rep_index: array  # representative's index among representatives, or -1
    reps: int
    rep_sex: bytearray
    rep_birth: array
    serial: array  # IIN serial of every person (disabled, then representatives)

    def person_id(self, i: int) -> int:
        return i + 1

    def rep_person_id(self, r: int) -> int:
        return self.disabled + 1 + r

    @property
    def total_persons(self) -> int:
        return self.disabled + self.reps


# == The plan ===================================================================================


@dataclass
class Plan:
    """Everything derived from the scale: counts, seeds, id layout, reference data."""

    scale: float
    anchor: dt.datetime  # the reference time: "now" for the generated history
    seed: int = SEED
    persons: int = 0
    providers: int = 0
    listings: int = 0
    provider_kinds: list[str] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)  # by data.REGIONS order
    items: list[dict[str, Any]] = field(default_factory=list)  # classifier rows (id, code, ...)
    item_by_code: dict[str, dict[str, Any]] = field(default_factory=dict)
    population: Population | None = None
    listing_map: dict[tuple[int, int], list[tuple[int, int, int, list[str]]]] | None = None
    _due: dict[int, dt.date] = field(default_factory=dict)
    _eligible: dict[tuple[int, int, int], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.persons = _scaled(NATIONAL["persons"], self.scale, 10)
        kinds = {k: _scaled(n, self.scale) for k, n in PROVIDER_MIX.items()}
        rng = self.rng("provider-kinds", 0)
        order = [k for k, n in kinds.items() for _ in range(n)]
        rng.shuffle(order)
        self.provider_kinds = order
        self.providers = len(order)
        self.listings = max(_scaled(NATIONAL["listings"], self.scale), self.providers)

    # -- identity of the data set --------------------------------------------------------------
    @property
    def scale_key(self) -> str:
        return repr(float(self.scale))

    @property
    def today(self) -> dt.date:
        return self.anchor.date()

    @property
    def now_ts(self) -> int:
        return int(self.anchor.timestamp())

    def rng(self, kind: str, block: int) -> random.Random:
        return random.Random(f"tirek-national|{self.seed}|{self.scale_key}|{kind}|{block}")

    # -- id layout -----------------------------------------------------------------------------
    # persons: 1..D disabled, D+1..D+R representatives; a person's account has the person's id;
    # provider accounts follow, then staff. Other tables: dense ids, allocated in chunk order.
    @property
    def provider_account_base(self) -> int:
        assert self.population is not None
        return self.population.total_persons

    @property
    def staff_account_base(self) -> int:
        return self.provider_account_base + self.providers

    def officer_account_id(self, region_index: int) -> int:
        return self.staff_account_base + 2 + region_index

    def due_date(self, submitted_ts: int) -> dt.date:
        from marketplace.calendar import add_working_days

        day = (submitted_ts + 5 * 3600) // _DAY  # Almaty, UTC+5
        due = self._due.get(day)
        if due is None:
            due = self._due[day] = add_working_days(dt.date.fromordinal(_EPOCH + day), 17)
        return due

    # -- the population ------------------------------------------------------------------------
    def build_population(self) -> Population:
        if self.population is not None:
            return self.population
        D = self.persons
        today = self.today.toordinal()
        region_cum = _cum(float(r.share) for r in data.REGIONS)
        band_cum = _cum(w for _, w in _BANDS)
        group_cum = _cum(_GROUP_WEIGHTS)
        noso_all = list(range(len(data.NOSOLOGIES)))
        child_noso = [n for n, x in enumerate(data.NOSOLOGIES) if x.code in _CHILD_NOSOLOGIES]
        adult_noso = noso_all
        mobility_noso = {n for n, x in enumerate(data.NOSOLOGIES) if "MOBILITY" in x.categories}
        sex = bytearray(D)
        birth = array("i", bytes(4 * D))
        region = bytearray(D)
        group = bytearray(D)
        noso = bytearray(D)
        flags = bytearray(D)
        start = array("i", bytes(4 * D))
        rep_index = array("i", [-1]) * D
        rep_sex = bytearray()
        rep_birth = array("i")
        year = 365.2425
        for b in range(math.ceil(D / BLOCK)):
            rng = self.rng("population", b)
            rnd = rng.random
            for i in range(b * BLOCK, min(D, (b + 1) * BLOCK)):
                s = 1 if rnd() < 0.48 else 0
                band = bisect.bisect(band_cum, rnd())
                if band == 0:
                    age_days = int((18 + 45 * rnd()) * year)
                elif band == 1:
                    age_days = int((63 + 27 * rng.triangular(0, 1, 0)) * year)
                else:
                    age_days = int((0.5 + 17.4 * rnd()) * year)
                born = today - age_days
                r = bisect.bisect(region_cum, rnd())
                if band == 2:
                    g = 3
                    n = child_noso[int(rnd() * len(child_noso))]
                else:
                    g = bisect.bisect(group_cum, rnd())
                    n = adult_noso[int(rnd() * len(adult_noso))]
                f = 0
                if g == 0 and n in mobility_noso and rnd() < 0.7:
                    f |= 1
                    if rnd() < 0.2:
                        f |= 2
                # The MSE record started some time ago (never before the first half-year of life).
                earliest = max(born + 180, today - 8 * 365)
                latest = today - 30
                st = latest if earliest >= latest else earliest + int((latest - earliest) * rnd() ** 0.7)
                sex[i], birth[i], region[i], group[i], noso[i], flags[i], start[i] = s, born, r, g, n, f, st
                if g == 3:
                    rep_index[i] = len(rep_birth)
                    rep_sex.append(1 if rnd() < 0.75 else 0)
                    rep_birth.append(born - int((20 + 22 * rnd()) * year))
        R = len(rep_birth)
        # IIN serials: 10 x the rank among persons born the same day with the same sex.
        serial = array("H", bytes(2 * (D + R)))
        seen: dict[int, int] = {}
        for k in range(D + R):
            key = (birth[k] * 2 + sex[k]) if k < D else (rep_birth[k - D] * 2 + rep_sex[k - D])
            n = seen.get(key, 0)
            if n >= 1000:
                raise GenerationError("more than 1000 persons share a birth date and sex")  # pragma: no cover
            seen[key] = n + 1
            serial[k] = 10 * n
        self.population = Population(D, sex, birth, region, group, noso, flags, start, rep_index, R, rep_sex,
                                     rep_birth, serial)
        return self.population

    # -- chunks ----------------------------------------------------------------------------------
    @staticmethod
    def chunks(total: int, size: int) -> list[tuple[int, int]]:
        return [(lo, min(total, lo + size)) for lo in range(0, total, size)]


# == Generated rows =============================================================================

PERSON_COLS = ("id", "iin", "last_name", "first_name", "middle_name", "birth_date", "sex", "region_id",
               "language", "phone", "address", "has_mobility_difficulty", "receives_carer_allowance",
               "legal_representative_id", "created_at")
ACCOUNT_COLS = ("id", "username", "password_hash", "role", "display_name", "person_id", "provider_id",
                "region_id", "language", "is_active", "token_version", "created_at")
PROVIDER_COLS = ("id", "bin", "name", "verification_status", "phone", "email", "address", "website",
                 "accessibility", "rating_sum", "rating_count", "created_at", "updated_at")
LISTING_COLS = ("id", "provider_id", "classifier_item_id", "title_kk", "title_ru", "title_en", "description_kk",
                "description_ru", "description_en", "unit_price", "delivery_options", "lead_time_days", "stock",
                "attributes", "status", "review_note", "rating_sum", "rating_count", "version", "created_at",
                "updated_at")
RECORD_COLS = ("id", "person_id", "region_id", "disability_group", "cause", "nosology_code", "exam_format",
               "valid_from", "valid_until", "status", "decision_number", "created_at")
ENTITLEMENT_COLS = ("id", "person_id", "region_id", "classifier_item_id", "quantity", "reserved", "consumed",
                    "valid_from", "valid_until", "quarterly_release", "daily_limit", "with_companion", "status",
                    "source", "line_number", "created_at")
ORDER_COLS = ("id", "person_id", "region_id", "placed_by_account_id", "listing_id", "provider_id",
              "entitlement_id", "classifier_item_id", "quantity", "unit_price", "price_cap", "total",
              "state_share", "co_payment", "delivery_option", "status", "decline_reason", "idempotency_key",
              "placed_at", "accepted_at", "delivered_at", "confirmed_at", "closed_at", "version")
CLAIM_COLS = ("id", "kind", "person_id", "region_id", "provider_id", "order_id", "entitlement_id",
              "classifier_item_id", "receipt_id", "submitted_by_account_id", "quantity", "amount_claimed",
              "amount_approvable", "amount_approved", "status", "reject_reason", "idempotency_key", "submitted_at",
              "due_date", "decided_at", "decided_by_account_id", "paid_at", "payment_reference", "version")
LOG_COLS = ("id", "order_id", "person_id", "provider_id", "worker_iin", "worker_name", "service_date",
            "start_time", "end_time", "hours", "status", "note", "logged_at", "confirmed_at", "claim_id")

_DAY = 86_400
_SUFFIXES = {
    "TSR": ("Медтехника", "Медикал", "Реабилитация", "Care", "Med", "Group", "Plus"),
    "ORTHO": ("Орто", "Ортопедия", "Протез", "Ortho"),
    "HEARING": ("Сурдо", "Слух", "Hear", "Audio"),
    "VISION": ("Тифло", "Vision", "Sezim"),
    "HYGIENE": ("Күтім", "Гигиена", "Фарм", "Care"),
}
_REJECT_REASONS = ("Акт выполненных работ не подписан получателем.", "Сумма превышает гарантированную цену.",
                   "Нет подтверждения доставки.")


def _to_cents(value: Any) -> int | None:
    if value is None:
        return None
    return int((Decimal(value) * 100).to_integral_value())


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _ts(day: dt.date, seconds: int = 0) -> int:
    """Epoch seconds of ``day`` at midnight UTC plus ``seconds``."""
    return (day.toordinal() - _EPOCH) * _DAY + seconds


def _ri(rng: random.Random, a: int, b: int) -> int:
    """A uniform integer in [a, b] (cheaper than ``randint``; the data only needs to be deterministic)."""
    return a + int(rng.random() * (b - a + 1))


class _Generator:
    """The phases. Each builds the rows of one chunk (a pure function of the plan and the chunk)."""

    def __init__(self, plan: Plan, sink: _Sink, password_hash: str) -> None:
        self.plan = plan
        self.sink = sink
        self.password_hash = password_hash

    # -- providers -------------------------------------------------------------------------------
    def provider_rows(self, lo: int, hi: int) -> list[Batch]:
        from marketplace.identifiers import make_bin

        plan = self.plan
        curated: dict[str, list[tuple[str, str, str]]] = {}
        for name, kind, region in data._interleaved():
            curated.setdefault(kind, []).append((name, kind, region))
        region_cum = _cum(float(r.share) for r in data.REGIONS)
        nregions = len(data.REGIONS)
        providers = Batch("providers", PROVIDER_COLS)
        served = Batch("provider_regions", ("provider_id", "region_id"))
        accounts = Batch("accounts", ACCOUNT_COLS)
        kind_rank = self._kind_ranks()
        today = plan.today
        for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
            rng = plan.rng("providers", b)
            for i in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
                kind = plan.provider_kinds[i]
                pid = i + 1
                home = bisect.bisect(region_cum, rng.random())
                rank = kind_rank[i]
                if rank < len(curated.get(kind, ())):
                    name, _kind, code = curated[kind][rank]
                    home = next(n for n, r in enumerate(data.REGIONS) if r.code == code)
                elif kind == "PERSONAL_ASSISTANT":
                    sex = rng.choice("FFFM")
                    first, last, middle = data.person_name(sex, rng)
                    name = f"ИП {last} {first[0]}.{middle[0] + '.' if middle else ''}"
                elif kind == "SIGN_LANGUAGE":
                    first, last, _m = data.person_name(rng.choice("FFM"), rng)
                    name = f'ИП "Сурдоперевод {first} {last}"'
                elif kind == "SANATORIUM":
                    name = f'Санаторий "{rng.choice(data.PROVIDER_NAME_PARTS["stems"])}-{data.REGIONS[home].center_ru}"'
                elif kind == "TRANSPORT":
                    name = f'ТОО "Инватакси {data.REGIONS[home].center_ru}"'
                elif kind == "SOCIAL_SERVICES":
                    stem = rng.choice(data.PROVIDER_NAME_PARTS["stems"])
                    name = rng.choice([f'ТОО "Центр социальных услуг {stem}"', f'ОО "{stem}"',
                                       f'ГУ "Центр оказания специальных социальных услуг №{rank + 1}"'])
                else:
                    form = rng.choice(data.PROVIDER_NAME_PARTS["legal_forms"])
                    name = f'{form} "{rng.choice(data.PROVIDER_NAME_PARTS["stems"])} {rng.choice(_SUFFIXES[kind])}"'
                profile = data._profile(name, kind, data.REGIONS[home].code, rng)
                u = rng.random()
                status = "VERIFIED" if u < 0.93 else ("PENDING" if u < 0.98 else "SUSPENDED")
                rating_count = rng.choice((0, 0, 1, 3, 8, 15, 40)) if status == "VERIFIED" else 0
                created = _ts(today - dt.timedelta(days=_ri(rng, 60, 2500)), _ri(rng, 0, _DAY - 1))
                # BIN: registration month by the provider's index, serial 10 x its rank in that month.
                year = 1996 + (i % 300) // 12
                bin_ = make_bin(year, 1 + i % 12, 10 * (i // 300), 4, 0)
                providers.rows.append((
                    pid, bin_, name, status, profile["phone"], profile["email"], profile["address"],
                    profile["website"], profile["accessibility"], int(rating_count * rng.uniform(3.5, 5.0)),
                    rating_count, created, created,
                ))
                regions = {home}
                if kind == "SANATORIUM":
                    regions = set(range(nregions))  # recipients travel to a sanatorium from anywhere
                elif kind in ("TSR", "ORTHO", "HEARING", "VISION", "HYGIENE"):
                    if rng.random() < 0.3:
                        regions = set(range(nregions))  # delivers nationwide
                    else:
                        regions.update(rng.sample(range(nregions), k=_ri(rng, 0, 4)))
                elif kind in ("SIGN_LANGUAGE", "SOCIAL_SERVICES") and rng.random() < 0.3:
                    regions.add(rng.randrange(nregions))
                for r in sorted(regions):
                    served.rows.append((pid, plan.region_ids[r]))
                accounts.rows.append((
                    plan.provider_account_base + pid, f"provider-{pid}", self.password_hash, "PROVIDER", name[:200],
                    None, pid, None, "RU", True, 1, created,
                ))
        return [providers, served, accounts]

    def _kind_ranks(self) -> list[int]:
        seen: dict[str, int] = {}
        out = []
        for kind in self.plan.provider_kinds:
            out.append(seen.get(kind, 0))
            seen[kind] = out[-1] + 1
        return out

    # -- listings --------------------------------------------------------------------------------
    def listing_assignments(self) -> list[tuple[int, str]]:
        """(provider index, classifier code) of every listing, in listing order."""
        plan = self.plan
        by_category: dict[str, list[str]] = {}
        for c in data.CLASSIFIER:
            by_category.setdefault(c.category, []).append(c.code)
        offered = {kind: [code for cat in cats for code in by_category.get(cat, [])]
                   for kind, cats in data.PROVIDER_KINDS.items()}
        fixed = {"PERSONAL_ASSISTANT": ["TSR-09-001"], "SIGN_LANGUAGE": ["TSR-08-001"],
                 "SANATORIUM": ["TSR-10-001", "TSR-10-002"], "TRANSPORT": ["TSR-11-001"],
                 "SOCIAL_SERVICES": ["TSR-12-001", "TSR-12-002"]}
        wide = [i for i, k in enumerate(plan.provider_kinds) if k not in fixed]
        fixed_count = sum(len(fixed[k]) for k in plan.provider_kinds if k in fixed)
        rest = max(plan.listings - fixed_count, 5 * len(wide))
        per = {i: rest // len(wide) + (1 if n < rest % len(wide) else 0) for n, i in enumerate(wide)} if wide else {}
        out: list[tuple[int, str]] = []
        for i, kind in enumerate(plan.provider_kinds):
            if kind in fixed:
                out.extend((i, code) for code in fixed[kind])
                continue
            codes = offered[kind]
            shift = (i * 7) % len(codes)
            out.extend((i, codes[(shift + n) % len(codes)]) for n in range(per[i]))
        return out

    def listing_rows(self, lo: int, hi: int, assignments: list[tuple[int, str]],
                     provider_info: dict[int, tuple[str, str, list[int]]]) -> list[Batch]:
        plan = self.plan
        listings = Batch("listings", LISTING_COLS)
        regions = Batch("listing_regions", ("listing_id", "region_id"))
        today = plan.today
        for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
            rng = plan.rng("listings", b)
            for n in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
                p, code = assignments[n]
                pid = p + 1
                name, verification, served = provider_info[pid]
                entry = data.CLASSIFIER_BY_CODE[code]
                item = plan.item_by_code[code]
                texts = data.listing_texts(entry, name, rng)
                if entry.price_cap is None:
                    price = rng.randrange(1_500_000, 4_500_000, 1000) * 100
                else:
                    factor = rng.choice((80, 90, 95, 100, 100, 100, 110, 125))
                    price = max(100, int(entry.price_cap) * factor)  # cents: cap (tenge) x factor (%)
                u = rng.random()
                status = ("PUBLISHED" if u < 0.86 else "PENDING_REVIEW" if u < 0.91 else "DRAFT" if u < 0.95
                          else "ARCHIVED" if u < 0.985 else "REJECTED")
                if verification != "VERIFIED" and status == "PUBLISHED":
                    status = "PENDING_REVIEW"
                created = _ts(today - dt.timedelta(days=_ri(rng, 20, 1500)), _ri(rng, 0, _DAY - 1))
                rating_count = rng.choice((0, 0, 0, 1, 2, 5, 12, 30)) if status == "PUBLISHED" else 0
                listings.rows.append((
                    n + 1, pid, item["id"], texts["title_kk"], texts["title_ru"], texts["title_en"],
                    texts["description_kk"], texts["description_ru"], texts["description_en"], price,
                    _delivery_for(entry, rng), rng.choice((1, 3, 5, 7, 10, 14, 21)),
                    None if entry.kind == "SERVICE" else rng.choice((None, None, 0, 5, 20, 100, 500)),
                    texts["attributes"] or {}, status,
                    "Нет сертификата соответствия." if status == "REJECTED" else None,
                    int(rating_count * rng.uniform(3.0, 5.0)), rating_count, 1, created, created,
                ))
                k = len(served) if len(served) <= 2 or rng.random() < 0.5 else _ri(rng, 1, len(served))
                for rid in sorted(rng.sample(served, k=k)):
                    regions.rows.append((n + 1, rid))
        return [listings, regions]

    # -- persons -----------------------------------------------------------------------------------
    def person_rows(self, lo: int, hi: int) -> list[Batch]:
        from marketplace.identifiers import make_iin

        plan = self.plan
        pop = plan.build_population()
        persons = Batch("persons", PERSON_COLS)
        reps = Batch("persons", PERSON_COLS)
        accounts = Batch("accounts", ACCOUNT_COLS)
        streets = data._STREETS
        for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
            rng = plan.rng("persons", b)
            for i in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
                pid = i + 1
                sex = "F" if pop.sex[i] else "M"
                born = _date(pop.birth[i])
                region = data.REGIONS[pop.region[i]]
                first, last, middle = data.person_name(sex, rng)
                language = "KK" if rng.random() < 0.45 else "RU"
                address = f"{region.center_ru}, ул. {rng.choice(streets)}, {_ri(rng, 1, 240)}" + (
                    f", кв. {_ri(rng, 1, 180)}" if rng.random() < 0.6 else "")
                phone = f"+7 7{rng.choice('0057')}{_ri(rng, 0, 9)} {_ri(rng, 100, 999)} " \
                        f"{_ri(rng, 10, 99)} {_ri(rng, 10, 99)}"
                created = _ts(_date(pop.record_start[i]), _ri(rng, 0, _DAY - 1))
                rep_id = None
                r = pop.rep_index[i]
                if r >= 0:
                    rep_id = pop.rep_person_id(r)
                    rsex = "F" if pop.rep_sex[r] else "M"
                    rfirst, rlast, rmiddle = data.person_name(rsex, rng)
                    if rng.random() < 0.7:  # the child usually carries the family name of the parent
                        rlast = last if (rsex == sex) else _other_gender(last, rsex)
                    rphone = f"+7 7{rng.choice('0057')}{_ri(rng, 0, 9)} {_ri(rng, 100, 999)} " \
                             f"{_ri(rng, 10, 99)} {_ri(rng, 10, 99)}"
                    reps.rows.append((
                        rep_id, make_iin(_date(pop.rep_birth[r]), rsex, pop.serial[pop.disabled + r]), rlast,
                        rfirst, rmiddle, _date(pop.rep_birth[r]), rsex, plan.region_ids[pop.region[i]], language,
                        rphone, address, False, False, None, created,
                    ))
                    accounts.rows.append((
                        rep_id, f"recipient-{rep_id}", self.password_hash, "RECIPIENT",
                        " ".join(x for x in (rlast, rfirst, rmiddle) if x), rep_id, None, None, language, True, 1,
                        created,
                    ))
                persons.rows.append((
                    pid, make_iin(born, sex, pop.serial[i]), last, first, middle, born, sex,
                    plan.region_ids[pop.region[i]], language, None if r >= 0 else phone, address,
                    bool(pop.flags[i] & 1), bool(pop.flags[i] & 2), rep_id, created,
                ))
                if r < 0:
                    accounts.rows.append((
                        pid, f"recipient-{pid}", self.password_hash, "RECIPIENT",
                        " ".join(x for x in (last, first, middle) if x), pid, None, None, language, True, 1, created,
                    ))
        # Representatives first: the children's rows refer to them.
        return [reps, persons, accounts]

    def record_rows(self, lo: int, hi: int) -> list[Batch]:
        plan = self.plan
        pop = plan.build_population()
        records = Batch("disability_records", RECORD_COLS)
        today = plan.today.toordinal()
        for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
            rng = plan.rng("records", b)
            for i in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
                g = pop.group[i]
                start = pop.record_start[i]
                if g == 3:  # a child's disability is reviewed, at the latest, at 18
                    adult = _date(pop.birth[i]).replace(year=_date(pop.birth[i]).year + 18, day=1)
                    until: int | None = min(adult.toordinal(), start + _ri(rng, 1, 5) * 365)
                elif g == 0 and rng.random() < 0.55:
                    until = None  # group I, indefinitely
                else:
                    until = start + rng.choice((1, 2, 2, 3)) * 365
                if until is not None and until < today + 30:
                    until = today + _ri(rng, 30, 700)  # re-examined: the record runs on
                cause = data.choose_cause(rng, child=g == 3)
                year = _date(start).year
                records.rows.append((
                    i + 1, i + 1, plan.region_ids[pop.region[i]], GROUPS[g], cause,
                    data.NOSOLOGIES[pop.nosology[i]].code, "IN_ABSENTIA" if rng.random() < 0.37 else "IN_PERSON",
                    _date(start), None if until is None else _date(until), "ACTIVE", f"MSE-{year}-{i + 1:07d}",
                    _ts(_date(start), _ri(rng, 0, _DAY - 1)),
                ))
        return [records]

    # -- entitlements, orders, claims, service logs: one plan per chunk of persons -----------------
    def history(self, lo: int, hi: int) -> History:
        return _plan_history(self.plan, lo, hi)


def _other_gender(surname: str, sex: str) -> str:
    for male, female in data.PERSON_NAMES["kazakh_surnames"] + data.PERSON_NAMES["russian_surnames"]:
        if surname in (male, female):
            return female if sex == "F" else male
    return surname


def _delivery_for(entry: data.ClassifierEntry, rng: random.Random) -> list[str]:
    if entry.category == "SANATORIUM":
        return ["AT_PROVIDER"]
    if entry.category == "SIGN_LANGUAGE":
        return rng.choice((["REMOTE", "AT_HOME_SERVICE"], ["AT_HOME_SERVICE"], ["REMOTE"]))
    if entry.kind == "SERVICE":
        return ["AT_HOME_SERVICE"]
    return rng.choice((["HOME_DELIVERY", "PICKUP"], ["HOME_DELIVERY"], ["PICKUP"], ["AT_PROVIDER", "HOME_DELIVERY"]))


# == History: IRP lines and what was bought with them ============================================

_CHILD_ONLY = {"TSR-01-005", "TSR-01-012", "TSR-03-003", "TSR-04-004", "TSR-06-002"}
_ADULT_ONLY = {"TSR-06-001", "TSR-02-008"}
_ITEM_COUNT_CUM = _cum((34, 38, 19, 9))  # 1..4 IRP items per person


@dataclass
class History:
    """Rows of one chunk of persons, without ids; references are indices into these lists."""

    entitlements: list[list[Any]] = field(default_factory=list)
    orders: list[list[Any]] = field(default_factory=list)  # [ent index, ...]
    claims: list[list[Any]] = field(default_factory=list)  # [order index, ...]
    logs: list[list[Any]] = field(default_factory=list)  # [order index, claim index or None, ...]


def _norm_row(entry: data.ClassifierEntry) -> tuple[Any, ...]:
    """The item's norms as classifier_items values (quantities in hundredths)."""
    n = entry.norms()
    return (_to_cents(n["quarterly_release"]), _to_cents(n["yearly_max"]), _to_cents(n["daily_max"]),
            n["course_days"], n["companion_allowed"])


@functools.lru_cache(maxsize=None)
def _quantity_rule(code: str, companion_group: bool) -> tuple[int, int | None, int | None, bool]:
    """(quantity, quarterly release, daily limit, with a companion) of a year's IRP line, in whole
    units, with the norms ``norms.line_norms`` gives every other path."""
    from marketplace.catalog.models import ClassifierItem, Unit
    from marketplace.records import norms
    from marketplace.records.models import DisabilityGroup

    entry = data.CLASSIFIER_BY_CODE[code]
    item = ClassifierItem(unit=Unit(entry.unit), **entry.norms())
    if item.yearly_max is not None:
        qty = int(item.yearly_max)
    elif entry.category == "PERSONAL_ASSISTANT" and item.daily_max is not None:
        qty = int(item.daily_max) * 250  # the working days of a year
    elif entry.unit == "HOUR":
        qty = 60
    else:
        qty = {"PAIR": 2, "TRIP": 48, "DAY": 120}.get(entry.unit, 1)
    group = DisabilityGroup.I if companion_group else DisabilityGroup.II
    kept = norms.line_norms(item, group, quantity=Decimal(qty),
                            with_companion=companion_group and entry.category == "SANATORIUM")
    return (qty, None if kept.quarterly_release is None else int(kept.quarterly_release),
            None if kept.daily_limit is None else int(kept.daily_limit), kept.with_companion)


def _eligible_items(plan: Plan, nosology: data.Nosology, group: int, flags: int) -> list[str]:
    out = []
    for c in data.CLASSIFIER:
        if c.category == "PERSONAL_ASSISTANT":
            if group == 0 and flags & 1 and not flags & 2:  # group I with difficulty moving, no carer's allowance
                out.append(c.code)
            continue
        if c.category not in nosology.categories:
            continue
        if group == 3 and c.code in _ADULT_ONLY or group != 3 and c.code in _CHILD_ONLY:
            continue
        if c.code == "TSR-10-002" and group not in (0, 3):
            continue  # a companion: group I and children only
        if c.code == "TSR-10-001" and group in (0, 3):
            continue
        out.append(c.code)
    return out


def _plan_history(plan: Plan, lo: int, hi: int) -> History:
    """IRP lines, orders, claims and service logs of persons ``lo..hi-1`` (indices)."""
    from marketplace.identifiers import make_iin

    pop = plan.build_population()
    assert plan.listing_map is not None
    h = History()
    today = plan.today
    now = plan.now_ts
    this_year = today.year
    for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
        rng = plan.rng("history", b)
        rnd = rng.random
        for i in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
            pid = i + 1
            g, flags = pop.group[i], pop.flags[i]
            region_index = pop.region[i]
            region_id = plan.region_ids[region_index]
            r = pop.rep_index[i]
            account = pop.rep_person_id(r) if r >= 0 else pid
            record_start = _date(pop.record_start[i])
            nosology_code = data.NOSOLOGIES[pop.nosology[i]].code
            key = (pop.nosology[i], g, flags)
            codes = plan._eligible.get(key)
            if codes is None:
                codes = plan._eligible[key] = _eligible_items(plan, data.NOSOLOGIES[pop.nosology[i]], g, flags)
            k = min(len(codes), 1 + bisect.bisect(_ITEM_COUNT_CUM, rnd()))
            chosen = rng.sample(codes, k)
            # What the condition calls for first: an assistant for group I with difficulty moving,
            # interpreting for the deaf (and for half of those hard of hearing).
            for code, wanted in (("TSR-09-001", True),
                                 ("TSR-08-001", nosology_code == "H91.3" or nosology_code == "H90" and rnd() < 0.5)):
                if wanted and code in codes and code not in chosen:
                    chosen.append(code)
            first_order = len(h.orders)  # idempotency keys count the person's orders
            for n, code in enumerate(chosen):
                entry = data.CLASSIFIER_BY_CODE[code]
                item = plan.item_by_code[code]
                qty, quarterly, daily, companion = _quantity_rule(code, g in (0, 3))
                periods = [(this_year, True)]
                if record_start.year < this_year and rnd() < 0.4:
                    periods.insert(0, (this_year - 1, False))
                for year, current in periods:
                    vf = max(dt.date(year, 1, 1), record_start)
                    vu = dt.date(year, 12, 31)
                    ent_index = len(h.entitlements)
                    created = _ts(vf, _ri(rng, 3 * 3600, 12 * 3600))
                    ent = [pid, region_id, item["id"], qty * 100, 0, 0, vf, vu,
                           None if quarterly is None else quarterly * 100, None if daily is None else daily * 100,
                           companion, "ACTIVE" if current else "CLOSED",
                           "IRP", f"IRP-{pid:07d}-{year}-{n + 1}", created]
                    h.entitlements.append(ent)
                    listings = plan.listing_map.get((item["id"], region_id))
                    if not listings or item["cap"] is None:
                        continue  # nobody offers it here, or a custom item (ordered by quote)
                    end = min(vu, today)
                    for placed_day, units in _purchases(rng, entry, qty, quarterly, vf, end, current):
                        _add_order(plan, h, rng, ent_index, ent, item, listings, pid, region_id, region_index,
                                   account, placed_day, units, now, make_iin, len(h.orders) - first_order)
    return h


def _purchases(rng: random.Random, entry: data.ClassifierEntry, qty: int, quarterly: int | None,
               vf: dt.date, end: dt.date, current: bool) -> list[tuple[dt.date, int]]:
    """When and how much was ordered from one IRP line (total within its quantity and releases)."""
    span = (end - vf).days
    if span < 0:
        return []

    def day(a: int = 0, b: int | None = None) -> dt.date:
        b = span if b is None else min(b, span)
        return vf + dt.timedelta(days=_ri(rng, min(a, b), b))

    out: list[tuple[dt.date, int]] = []
    if quarterly is not None:  # one order per released quarter, most quarters
        for q in range(4):
            start = vf + dt.timedelta(days=92 * q)
            if start > end:
                break
            if rng.random() < 0.4:
                d = start + dt.timedelta(days=_ri(rng, 0, min(60, (end - start).days)))
                out.append((d, quarterly if rng.random() < 0.8 else max(1, quarterly * _ri(rng, 5, 9) // 10)))
        return out
    if entry.unit == "HOUR":
        # Bookings at least three weeks apart, so that two never share a day of work.
        left = qty
        n = rng.choice((0, 1, 2, 2, 3)) if entry.category == "PERSONAL_ASSISTANT" else rng.choice((0, 1, 1, 2, 3))
        last: dt.date | None = None
        for d in sorted(day() for _ in range(n)):
            units = rng.choice((16, 24, 32, 40)) if entry.category == "PERSONAL_ASSISTANT" else rng.choice((4, 6, 8, 10))
            if units > left or (last is not None and (d - last).days < 21):
                continue
            left -= units
            last = d
            out.append((d, units))
        return out
    if entry.unit in ("TRIP", "DAY"):
        left = qty
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            units = _ri(rng, 1, 4) if entry.unit == "TRIP" else rng.choice((10, 14, 20, 30))
            if units > left:
                break
            left -= units
            out.append((day(), units))
        return sorted(out)
    # Products and courses: the year's quantity, bought once (a pair of crutches maybe in two goes).
    if rng.random() < (0.25 if current else 0.4):
        if qty == 2 and rng.random() < 0.3:
            out = [(day(), 1), (day(), 1)]
        else:
            out = [(day(), qty)]
    return sorted(out)


def _add_order(plan: Plan, h: History, rng: random.Random, ent_index: int, ent: list[Any], item: dict[str, Any],
               listings: list[tuple[int, int, int, list[str]]], pid: int, region_id: int, region_index: int,
               account: int, placed_day: dt.date, units: int, now: int, make_iin: Callable[..., str],
               seq: int) -> None:
    listing_id, provider_id, price, options = listings[int(rng.random() * len(listings))]
    cap = item["cap"]
    qty = units * 100
    total = price * units
    state = min(price, cap) * units
    hourly = item["kind"] == "SERVICE" and item["unit"] == "HOUR"
    placed = _ts(placed_day, _ri(rng, 2 * 3600, 14 * 3600))
    if placed >= now:
        placed = now - _ri(rng, 600, 6 * 3600)
    order_index = len(h.orders)
    u = rng.random()
    accepted = placed + _ri(rng, 1800, 2 * _DAY)
    declined = u < 0.025
    cancelled = 0.025 <= u < 0.05
    status = "PLACED"
    accepted_at = delivered_at = confirmed_at = closed_at = None
    reason = None
    logs: list[list[Any]] = []
    if cancelled:
        t = placed + _ri(rng, 600, _DAY)
        if t <= now:
            status, closed_at = "CANCELLED", t
    elif declined:
        if accepted <= now:
            status, closed_at, reason = "DECLINED", accepted, "Нет в наличии, предложим замену позже."
    elif accepted <= now:
        status, accepted_at = "ACCEPTED", accepted
        if hourly:
            # One session a day from the day after acceptance, at most 8 hours each.
            worker_sex = rng.choice("FFM")
            wfirst, wlast, wmiddle = data.person_name(worker_sex, rng)
            worker_birth = dt.date(1965 + _ri(rng, 0, 38), _ri(rng, 1, 12), _ri(rng, 1, 28))
            worker_iin = make_iin(worker_birth, worker_sex, rng.randrange(0, 10_000))
            worker = " ".join(x for x in (wlast, wfirst, wmiddle) if x)
            session = 8 if item["category"] == "PERSONAL_ASSISTANT" else 2
            day0 = dt.datetime.fromtimestamp(accepted, dt.UTC).date() + dt.timedelta(days=1)
            left, d, last_end = units, day0, accepted
            while left > 0:
                hours = min(session, left)
                start_h = 9 if hours > 4 else rng.choice((9, 11, 14))
                end_ts = _ts(d, (start_h + hours) * 3600)
                if end_ts > now:
                    break
                logs.append([order_index, None, pid, provider_id, worker_iin, worker, d, dt.time(start_h),
                             dt.time(start_h + hours), hours * 100, "LOGGED", None, end_ts + 1800, None])
                left -= hours
                last_end = end_ts
                d += dt.timedelta(days=1 if rng.random() < 0.7 else 2)
            for log in logs:  # the recipient confirms within a few days
                confirm = log[12] + _ri(rng, 3600, 4 * _DAY)
                if confirm <= now:
                    log[10], log[13] = "CONFIRMED", confirm
            if left == 0:
                delivered = last_end + 3600
            else:
                delivered = None
        else:
            delivered = accepted + _ri(rng, 1, 15) * _DAY
        if delivered is not None and delivered <= now:
            status, delivered_at = "DELIVERED", delivered
            confirm = delivered + _ri(rng, 3600, 5 * _DAY)
            if hourly:
                confirm = max(confirm, max(log[13] or now + 1 for log in logs) + 60)
            if confirm <= now and all(log[10] == "CONFIRMED" for log in logs):
                status, confirmed_at, closed_at = "CONFIRMED", confirm, confirm
    option = options[int(rng.random() * len(options))] if options and rng.random() < 0.9 else None
    h.orders.append([ent_index, pid, region_id, account, listing_id, provider_id, item["id"], qty, price, cap,
                     total, state, total - state, option, status, reason, f"hist-{pid}-{seq + 1}", placed,
                     accepted_at, delivered_at, confirmed_at, closed_at])
    if status in ("PLACED", "ACCEPTED", "DELIVERED"):
        ent[4] += qty  # reserved
    elif status == "CONFIRMED":
        ent[5] += qty  # consumed
    claim_index = None
    if status == "CONFIRMED":
        claim_index = _add_claim(plan, h, rng, order_index, item, pid, region_id, region_index, provider_id, units,
                                 state, price, cap, confirmed_at, now, hourly)
    for log in logs:
        if claim_index is not None:
            log[1] = claim_index
        h.logs.append(log)


def _add_claim(plan: Plan, h: History, rng: random.Random, order_index: int, item: dict[str, Any], pid: int,
               region_id: int, region_index: int, provider_id: int, units: int, state: int, price: int, cap: int,
               confirmed_at: int, now: int, hourly: bool) -> int | None:
    submitted = confirmed_at + _ri(rng, 1800, 6 * _DAY)
    if submitted > now:
        return None
    claim_index = len(h.claims)
    amount = state if not hourly else min(price, cap) * units
    due = plan.due_date(submitted)
    u = rng.random()
    delay = _ri(rng, 1, 20) * _DAY if u > 0.02 else _ri(rng, 40, 70) * _DAY  # a few are left waiting
    decided = submitted + delay + _ri(rng, 0, 8 * 3600)
    status, approved, decided_at, decided_by, paid_at, reason = "SUBMITTED", None, None, None, None, None
    if decided <= now:
        decided_at, decided_by = decided, plan.officer_account_id(region_index)
        if rng.random() < 0.03:
            status, reason = "REJECTED", _REJECT_REASONS[int(rng.random() * len(_REJECT_REASONS))]
        else:
            status, approved = "APPROVED", amount
            paid = decided + _ri(rng, 1, 10) * _DAY
            if paid <= now:
                status, paid_at = "PAID", paid
    kind = "PROVIDER_SERVICE_HOURS" if hourly else "PROVIDER_ORDER"
    h.claims.append([order_index, kind, pid, region_id, provider_id, item["id"], units * 100, amount, amount,
                     approved, status, reason, submitted, due, decided_at, decided_by, paid_at, provider_id])
    return claim_index


# == Running it ===============================================================================


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
    sink = await _open_sink(url)
    report = GenerationReport(scale=scale, dialect=sink.dialect)
    budget = [chunk_limit]
    try:
        from marketplace.accounts.security import hash_password
        from marketplace.demo.seed import DEMO_PASSWORD

        anchor = await _check_database(sink, scale, anchor)
        plan = Plan(scale=scale, anchor=anchor)
        gen = _Generator(plan, sink, hash_password(DEMO_PASSWORD))
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


async def _check_database(sink: _Sink, scale: float, anchor: dt.datetime | None) -> dt.datetime:
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
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not progress, leave=False)


async def _write(gen: _Generator, phase: PhaseReport, batches: Sequence[Batch], budget: list[int | None]) -> None:
    await gen.sink.write(batches)
    for b in batches:
        phase.rows[b.table] = phase.rows.get(b.table, 0) + len(b.rows)
    phase.chunks_done += 1
    if budget[0] is not None:
        budget[0] -= 1
        if budget[0] <= 0:
            raise _Stop()


async def _load_reference(gen: _Generator) -> None:
    """Region ids (in data.REGIONS order) and classifier items, as they are in the database."""
    plan, sink = gen.plan, gen.sink
    by_code = {code: rid for rid, code in await sink.query("SELECT id, code FROM regions")}
    plan.region_ids = [by_code[r.code] for r in data.REGIONS]
    rows = await sink.query("SELECT id, code, kind, unit, category, price_cap FROM classifier_items ORDER BY id")
    plan.items = []
    for iid, code, kind, unit, category, cap in rows:
        cents = (int(cap) if sink.dialect == "sqlite" else _to_cents(cap)) if cap is not None else None
        plan.items.append({"id": iid, "code": code, "kind": kind, "unit": unit, "category": category, "cap": cents})
    plan.item_by_code = {i["code"]: i for i in plan.items}
    plan.build_population()


async def _phase_reference(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
                           progress: bool) -> None:
    plan, sink = gen.plan, gen.sink
    have = {code for (code,) in await sink.query("SELECT code FROM regions")}
    regions = Batch("regions", ("code", "name_kk", "name_ru", "name_en"),
                    [(r.code, r.name_kk, r.name_ru, r.name_en) for r in data.REGIONS if r.code not in have])
    have = {code for (code,) in await sink.query("SELECT code FROM classifier_items")}
    items = Batch("classifier_items", ("code", "name_kk", "name_ru", "name_en", "kind", "unit", "category",
                                       "price_cap", "service_life_months", "quarterly_release", "yearly_max",
                                       "daily_max", "course_days", "companion_allowed", "is_active"),
                  [(c.code, c.name_kk, c.name_ru, c.name_en, c.kind, c.unit, c.category, _to_cents(c.price_cap),
                    c.service_life_months, *_norm_row(c), True) for c in data.CLASSIFIER if c.code not in have])
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


async def _resume_point(sink: _Sink, table: str, column: str, upper: int, chunks: list[tuple[int, int]]) -> int:
    """Index of the first chunk still to write: every chunk up to the one holding max(column) committed."""
    top = await sink.scalar(f"SELECT max({column}) FROM {table} WHERE {column} <= {upper}")
    if not top:
        return 0
    for n, (lo, hi) in enumerate(chunks):
        if lo < top <= hi:  # 1-based ids of 0-based indices lo..hi-1
            return n + 1
    return len(chunks)


async def _run_chunks(gen: _Generator, phase: PhaseReport, desc: str, total: int, chunk: int, table: str,
                      column: str, make: Callable[[int, int], list[Batch]], budget: list[int | None], progress: bool,
                      before: Callable[[], Any] | None = None) -> None:
    """Write the chunks not yet committed. The next chunk is generated in a thread while the
    database takes the current one (PostgreSQL works in its own process meanwhile)."""
    from concurrent.futures import ThreadPoolExecutor

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


async def _phase_providers(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
                           progress: bool) -> None:
    await _run_chunks(gen, phase, "providers", gen.plan.providers, chunk, "providers", "id", gen.provider_rows,
                      budget, progress)
    await _fix_sequences(gen.sink, ("providers",))


async def _phase_listings(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
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


async def _phase_persons(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
                         progress: bool) -> None:
    await _run_chunks(gen, phase, "persons", gen.plan.persons, chunk, "persons", "id", gen.person_rows, budget,
                      progress)
    await _fix_sequences(gen.sink, ("persons", "accounts"))


async def _phase_records(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
                         progress: bool) -> None:
    await _run_chunks(gen, phase, "MSE records", gen.plan.persons, chunk, "disability_records", "id",
                      gen.record_rows, budget, progress)
    await _fix_sequences(gen.sink, ("disability_records",))


async def _listing_map(gen: _Generator) -> None:
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
        cents = int(price) if sink.dialect == "sqlite" else _to_cents(price)
        if lid not in parsed:
            parsed[lid] = json.loads(options) if isinstance(options, str) else list(options or [])
        out.setdefault((iid, rid), []).append((lid, pid, cents, parsed[lid]))
    plan.listing_map = out


async def _next_id(sink: _Sink, table: str) -> int:
    return int(await sink.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1


async def _phase_history(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
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


async def _phase_finish(gen: _Generator, phase: PhaseReport, chunk: int, budget: list[int | None],
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


async def check_foreign_keys(sink: _Sink, tables: Iterable[str] = GENERATED_TABLES) -> dict[str, int]:
    """Rows whose foreign key points nowhere, per constraint (one anti-join each)."""
    from marketplace.db import Base

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


async def _fix_sequences(sink: _Sink, tables: Iterable[str]) -> None:
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


# == Checking it =================================================================================

VERIFY_QUERIES = {
    "entitlement balances differ from their orders": """
        SELECT count(*) FROM entitlements e LEFT JOIN (
            SELECT entitlement_id,
                   sum(CASE WHEN status IN ('PLACED', 'ACCEPTED', 'DELIVERED') THEN quantity ELSE 0 END) AS open_q,
                   sum(CASE WHEN status = 'CONFIRMED' THEN quantity ELSE 0 END) AS done_q
            FROM orders GROUP BY entitlement_id) o ON o.entitlement_id = e.id
        WHERE e.reserved <> coalesce(o.open_q, 0) OR e.consumed <> coalesce(o.done_q, 0)""",
    "entitlements overspent": "SELECT count(*) FROM entitlements WHERE reserved + consumed > quantity "
                              "OR reserved < 0 OR consumed < 0",
    "orders whose shares do not add up": "SELECT count(*) FROM orders WHERE state_share + co_payment <> total",
    "orders on another item than their entitlement": """
        SELECT count(*) FROM orders o JOIN entitlements e ON e.id = o.entitlement_id
        WHERE e.classifier_item_id <> o.classifier_item_id OR e.person_id <> o.person_id""",
    "orders in a region the listing is not offered in": """
        SELECT count(*) FROM orders o WHERE NOT EXISTS (
            SELECT 1 FROM listing_regions lr WHERE lr.listing_id = o.listing_id AND lr.region_id = o.region_id)""",
    "claims on orders that are not confirmed": """
        SELECT count(*) FROM compensation_claims c JOIN orders o ON o.id = c.order_id WHERE o.status <> 'CONFIRMED'""",
    "service-hours claims that differ from their logs": """
        SELECT count(*) FROM compensation_claims c LEFT JOIN (
            SELECT claim_id, sum(hours) AS h FROM service_logs WHERE claim_id IS NOT NULL GROUP BY claim_id
        ) l ON l.claim_id = c.id WHERE c.kind = 'PROVIDER_SERVICE_HOURS' AND coalesce(l.h, 0) <> c.quantity""",
    "service logs beyond their order's hours": """
        SELECT count(*) FROM (SELECT order_id, sum(hours) AS h FROM service_logs GROUP BY order_id) l
        JOIN orders o ON o.id = l.order_id WHERE l.h > o.quantity""",
    # The classifier's norms (marketplace/records/norms.py) on every generated line.
    "lines of a quota item without its release, or looser than the norm": """
        SELECT count(*) FROM entitlements e JOIN classifier_items c ON c.id = e.classifier_item_id
        WHERE c.quarterly_release IS NOT NULL
          AND (e.quarterly_release IS NULL OR e.quarterly_release > c.quarterly_release)
           OR c.daily_max IS NOT NULL AND (e.daily_limit IS NULL OR e.daily_limit > c.daily_max)
           OR e.with_companion AND NOT c.companion_allowed""",
    "persons over an item's yearly most": """
        SELECT count(*) FROM (
            SELECT e.person_id, e.classifier_item_id, e.valid_from FROM entitlements e
            JOIN classifier_items c ON c.id = e.classifier_item_id
            WHERE c.yearly_max IS NOT NULL AND e.quantity > c.yearly_max) over_norm""",
}


async def verify(url: str) -> dict[str, int]:
    """Counts of rows that break a rule of the data set (all zero when it is sound)."""
    sink = await _open_sink(url)
    try:
        return {name: int(await sink.scalar(sql)) for name, sql in VERIFY_QUERIES.items()}
    finally:
        if isinstance(sink, _SqliteSink):
            sink.conn.close()
        else:
            await sink.close()


async def table_counts(url: str, tables: Iterable[str] = (
        "persons", "accounts", "providers", "provider_regions", "listings", "listing_regions", "disability_records",
        "entitlements", "orders", "compensation_claims", "service_logs")) -> dict[str, int]:
    sink = await _open_sink(url)
    try:
        return {t: int(await sink.scalar(f"SELECT count(*) FROM {t}")) for t in tables}
    finally:
        if isinstance(sink, _SqliteSink):
            sink.conn.close()
        else:
            await sink.close()
