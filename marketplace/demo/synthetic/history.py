"""History of the national data set: IRP lines and what was bought with them (orders, service logs,
claims), planned per chunk of persons so that balances agree with orders and claims with logs."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from marketplace.catalog.models import ClassifierItem, Unit
from marketplace.demo import data
from marketplace.demo.people import person_name
from marketplace.demo.synthetic.population import BLOCK, SECONDS_A_DAY, Plan, cumulative, date_of, epoch_seconds
from marketplace.demo.synthetic.population import to_cents, uniform_int
from marketplace.identifiers import make_iin
from marketplace.records import norms
from marketplace.records.models import DisabilityGroup

REJECT_REASONS = ("Акт выполненных работ не подписан получателем.", "Сумма превышает гарантированную цену.",
                   "Нет подтверждения доставки.")


_CHILD_ONLY = {"TSR-01-005", "TSR-01-012", "TSR-03-003", "TSR-04-004", "TSR-06-002"}
_ADULT_ONLY = {"TSR-06-001", "TSR-02-008"}
_ITEM_COUNT_CUM = cumulative((34, 38, 19, 9))  # 1..4 IRP items per person


@dataclass
class History:
    """Rows of one chunk of persons, without ids; references are indices into these lists."""

    entitlements: list[list[Any]] = field(default_factory=list)
    orders: list[list[Any]] = field(default_factory=list)  # [ent index, ...]
    claims: list[list[Any]] = field(default_factory=list)  # [order index, ...]
    logs: list[list[Any]] = field(default_factory=list)  # [order index, claim index or None, ...]


def norm_row(entry: data.ClassifierEntry) -> tuple[Any, ...]:
    """The item's norms as classifier_items values (quantities in hundredths)."""
    n = entry.norms()
    return (to_cents(n["quarterly_release"]), to_cents(n["yearly_max"]), to_cents(n["daily_max"]),
            n["course_days"], n["companion_allowed"])


@functools.lru_cache(maxsize=None)
def _quantity_rule(code: str, companion_group: bool) -> tuple[int, int | None, int | None, bool]:
    """(quantity, quarterly release, daily limit, with a companion) of a year's IRP line, in whole
    units, with the norms ``norms.line_norms`` gives every other path."""
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


def plan_history(plan: Plan, lo: int, hi: int) -> History:
    """IRP lines, orders, claims and service logs of persons ``lo..hi-1`` (indices)."""
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
            record_start = date_of(pop.record_start[i])
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
                    created = epoch_seconds(vf, uniform_int(rng, 3 * 3600, 12 * 3600))
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
        return vf + dt.timedelta(days=uniform_int(rng, min(a, b), b))

    out: list[tuple[dt.date, int]] = []
    if quarterly is not None:  # one order per released quarter, most quarters
        for q in range(4):
            start = vf + dt.timedelta(days=92 * q)
            if start > end:
                break
            if rng.random() < 0.4:
                d = start + dt.timedelta(days=uniform_int(rng, 0, min(60, (end - start).days)))
                out.append((d, quarterly if rng.random() < 0.8 else max(1, quarterly * uniform_int(rng, 5, 9) // 10)))
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
            units = uniform_int(rng, 1, 4) if entry.unit == "TRIP" else rng.choice((10, 14, 20, 30))
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
    placed = epoch_seconds(placed_day, uniform_int(rng, 2 * 3600, 14 * 3600))
    if placed >= now:
        placed = now - uniform_int(rng, 600, 6 * 3600)
    order_index = len(h.orders)
    u = rng.random()
    accepted = placed + uniform_int(rng, 1800, 2 * SECONDS_A_DAY)
    declined = u < 0.025
    cancelled = 0.025 <= u < 0.05
    status = "PLACED"
    accepted_at = delivered_at = confirmed_at = closed_at = None
    reason = None
    logs: list[list[Any]] = []
    if cancelled:
        t = placed + uniform_int(rng, 600, SECONDS_A_DAY)
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
            wfirst, wlast, wmiddle = person_name(worker_sex, rng)
            worker_birth = dt.date(1965 + uniform_int(rng, 0, 38), uniform_int(rng, 1, 12), uniform_int(rng, 1, 28))
            worker_iin = make_iin(worker_birth, worker_sex, rng.randrange(0, 10_000))
            worker = " ".join(x for x in (wlast, wfirst, wmiddle) if x)
            session = 8 if item["category"] == "PERSONAL_ASSISTANT" else 2
            day0 = dt.datetime.fromtimestamp(accepted, dt.UTC).date() + dt.timedelta(days=1)
            left, d, last_end = units, day0, accepted
            while left > 0:
                hours = min(session, left)
                start_h = 9 if hours > 4 else rng.choice((9, 11, 14))
                end_ts = epoch_seconds(d, (start_h + hours) * 3600)
                if end_ts > now:
                    break
                logs.append([order_index, None, pid, provider_id, worker_iin, worker, d, dt.time(start_h),
                             dt.time(start_h + hours), hours * 100, "LOGGED", None, end_ts + 1800, None])
                left -= hours
                last_end = end_ts
                d += dt.timedelta(days=1 if rng.random() < 0.7 else 2)
            for log in logs:  # the recipient confirms within a few days
                confirm = log[12] + uniform_int(rng, 3600, 4 * SECONDS_A_DAY)
                if confirm <= now:
                    log[10], log[13] = "CONFIRMED", confirm
            if left == 0:
                delivered = last_end + 3600
            else:
                delivered = None
        else:
            delivered = accepted + uniform_int(rng, 1, 15) * SECONDS_A_DAY
        if delivered is not None and delivered <= now:
            status, delivered_at = "DELIVERED", delivered
            confirm = delivered + uniform_int(rng, 3600, 5 * SECONDS_A_DAY)
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
    submitted = confirmed_at + uniform_int(rng, 1800, 6 * SECONDS_A_DAY)
    if submitted > now:
        return None
    claim_index = len(h.claims)
    amount = state if not hourly else min(price, cap) * units
    due = plan.due_date(submitted)
    u = rng.random()
    delay = uniform_int(rng, 1, 20) * SECONDS_A_DAY if u > 0.02 else uniform_int(rng, 40, 70) * SECONDS_A_DAY  # a few are left waiting
    decided = submitted + delay + uniform_int(rng, 0, 8 * 3600)
    status, approved, decided_at, decided_by, paid_at, reason = "SUBMITTED", None, None, None, None, None
    if decided <= now:
        decided_at, decided_by = decided, plan.officer_account_id(region_index)
        if rng.random() < 0.03:
            status, reason = "REJECTED", REJECT_REASONS[int(rng.random() * len(REJECT_REASONS))]
        else:
            status, approved = "APPROVED", amount
            paid = decided + uniform_int(rng, 1, 10) * SECONDS_A_DAY
            if paid <= now:
                status, paid_at = "PAID", paid
    kind = "PROVIDER_SERVICE_HOURS" if hourly else "PROVIDER_ORDER"
    h.claims.append([order_index, kind, pid, region_id, provider_id, item["id"], units * 100, amount, amount,
                     approved, status, reason, submitted, due, decided_at, decided_by, paid_at, provider_id])
    return claim_index
