"""Who exists in the national data set, computed for everyone first (for unique IINs), and the plan:
counts at a scale, the reference time, and the ids every phase derives from an index."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from marketplace.calendar import add_working_days
from marketplace.clock import UTC_OFFSET
from marketplace.demo import data

#: Counts at scale 1.
NATIONAL = {"persons": data.TOTAL_PERSONS_WITH_DISABILITIES, "providers": 32_000, "listings": 50_000}
#: Providers by kind at scale 1 (the seeds' mix; 792 technical-aid suppliers split by what they sell).
PROVIDER_MIX = {
    "PERSONAL_ASSISTANT": 29_392, "TSR": 400, "ORTHO": 150, "HEARING": 80, "VISION": 60, "HYGIENE": 102,
    "SIGN_LANGUAGE": 756, "SOCIAL_SERVICES": 895, "SANATORIUM": 125, "TRANSPORT": 40,
}
BLOCK = 100  # rows per random generator: the data does not depend on the chunk size
SEED = 2026


class GenerationError(RuntimeError):
    """The database holds data this generator did not write, or data of another scale."""


def scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale))


SECONDS_A_DAY = 86_400
LOCAL_OFFSET_SECONDS = int(UTC_OFFSET.total_seconds())  # Kazakhstan's clock (marketplace.clock)


def to_cents(value: Any) -> int | None:
    if value is None:
        return None
    return int((Decimal(value) * 100).to_integral_value())


def date_of(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def epoch_seconds(day: dt.date, seconds: int = 0) -> int:
    """Epoch seconds of ``day`` at midnight UTC plus ``seconds``."""
    return (day.toordinal() - EPOCH_ORDINAL) * SECONDS_A_DAY + seconds


def uniform_int(rng: random.Random, a: int, b: int) -> int:
    """A uniform integer in [a, b] (cheaper than ``randint``; the data only needs to be deterministic)."""
    return a + int(rng.random() * (b - a + 1))


_BANDS = (("working", 572), ("retired", 275), ("child", 153))  # the seeds' 418,600 / 201,100 / 112,300
_GROUP_WEIGHTS = (18, 47, 35)  # I, II, III among adults
GROUPS = ("I", "II", "III", "CHILD")
_CHILD_NOSOLOGIES = ("G80", "G12", "G71.0", "G40", "Q05", "H90", "H91.3", "H54", "Q90", "F70", "F71", "F72",
                     "F84.0", "M41", "E10")


def cumulative(weights: Iterable[float]) -> list[float]:
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
        self.persons = scaled(NATIONAL["persons"], self.scale, 10)
        kinds = {k: scaled(n, self.scale) for k, n in PROVIDER_MIX.items()}
        rng = self.rng("provider-kinds", 0)
        order = [k for k, n in kinds.items() for _ in range(n)]
        rng.shuffle(order)
        self.provider_kinds = order
        self.providers = len(order)
        self.listings = max(scaled(NATIONAL["listings"], self.scale), self.providers)

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
        day = (submitted_ts + LOCAL_OFFSET_SECONDS) // SECONDS_A_DAY  # the local date
        due = self._due.get(day)
        if due is None:
            due = self._due[day] = add_working_days(dt.date.fromordinal(EPOCH_ORDINAL + day), 17)
        return due

    # -- the population ------------------------------------------------------------------------
    def build_population(self) -> Population:
        if self.population is not None:
            return self.population
        D = self.persons
        today = self.today.toordinal()
        region_cum = cumulative(float(r.share) for r in data.REGIONS)
        band_cum = cumulative(w for _, w in _BANDS)
        group_cum = cumulative(_GROUP_WEIGHTS)
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
