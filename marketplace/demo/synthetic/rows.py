"""The generated rows of the national data set, table by table, in the columns the models declare."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random

from marketplace.demo import data

from marketplace.demo.listing_texts import listing_texts

from marketplace.demo.organisations import PROVIDER_KINDS, PROVIDER_NAME_PARTS, STREETS, interleaved_providers, provider_profile

from marketplace.demo.people import PERSON_NAMES, person_name
from marketplace.demo.synthetic.history import History, plan_history
from marketplace.demo.synthetic.population import BLOCK, GROUPS, SECONDS_A_DAY, Plan, cumulative, date_of, epoch_seconds
from marketplace.demo.synthetic.population import uniform_int
from marketplace.demo.synthetic.sinks import Batch, Sink, columns_of
from marketplace.identifiers import make_bin, make_iin
from marketplace.models import Account, CompensationClaim, DisabilityRecord, Entitlement, Listing, Order, Person
from marketplace.models import Provider, ServiceLog

PERSON_COLS = columns_of(Person)
ACCOUNT_COLS = columns_of(Account)
PROVIDER_COLS = columns_of(Provider, left_to_defaults=("name_kk", "name_en", "service_kinds"))
LISTING_COLS = columns_of(Listing)
RECORD_COLS = columns_of(DisabilityRecord)
ENTITLEMENT_COLS = columns_of(Entitlement)
ORDER_COLS = columns_of(Order, left_to_defaults=("course_starts_on",))
CLAIM_COLS = columns_of(CompensationClaim, left_to_defaults=("receipt_sha256", "reduction_reason"))
LOG_COLS = columns_of(ServiceLog)


_SUFFIXES = {
    "TSR": ("Медтехника", "Медикал", "Реабилитация", "Care", "Med", "Group", "Plus"),
    "ORTHO": ("Орто", "Ортопедия", "Протез", "Ortho"),
    "HEARING": ("Сурдо", "Слух", "Hear", "Audio"),
    "VISION": ("Тифло", "Vision", "Sezim"),
    "HYGIENE": ("Күтім", "Гигиена", "Фарм", "Care"),
}


class RowGenerator:
    """The phases. Each builds the rows of one chunk (a pure function of the plan and the chunk)."""

    def __init__(self, plan: Plan, sink: Sink, password_hash: str) -> None:
        self.plan = plan
        self.sink = sink
        self.password_hash = password_hash

    # -- providers -------------------------------------------------------------------------------
    def provider_rows(self, lo: int, hi: int) -> list[Batch]:
        plan = self.plan
        curated: dict[str, list[tuple[str, str, str]]] = {}
        for name, kind, region in interleaved_providers():
            curated.setdefault(kind, []).append((name, kind, region))
        region_cum = cumulative(float(r.share) for r in data.REGIONS)
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
                    first, last, middle = person_name(sex, rng)
                    name = f"ИП {last} {first[0]}.{middle[0] + '.' if middle else ''}"
                elif kind == "SIGN_LANGUAGE":
                    first, last, _m = person_name(rng.choice("FFM"), rng)
                    name = f'ИП "Сурдоперевод {first} {last}"'
                elif kind == "SANATORIUM":
                    name = f'Санаторий "{rng.choice(PROVIDER_NAME_PARTS["stems"])}-{data.REGIONS[home].center_ru}"'
                elif kind == "TRANSPORT":
                    name = f'ТОО "Инватакси {data.REGIONS[home].center_ru}"'
                elif kind == "SOCIAL_SERVICES":
                    stem = rng.choice(PROVIDER_NAME_PARTS["stems"])
                    name = rng.choice([f'ТОО "Центр социальных услуг {stem}"', f'ОО "{stem}"',
                                       f'ГУ "Центр оказания специальных социальных услуг №{rank + 1}"'])
                else:
                    form = rng.choice(PROVIDER_NAME_PARTS["legal_forms"])
                    name = f'{form} "{rng.choice(PROVIDER_NAME_PARTS["stems"])} {rng.choice(_SUFFIXES[kind])}"'
                profile = provider_profile(name, kind, data.REGIONS[home].code, rng)
                u = rng.random()
                status = "VERIFIED" if u < 0.93 else ("PENDING" if u < 0.98 else "SUSPENDED")
                rating_count = rng.choice((0, 0, 1, 3, 8, 15, 40)) if status == "VERIFIED" else 0
                created = epoch_seconds(today - dt.timedelta(days=uniform_int(rng, 60, 2500)), uniform_int(rng, 0, SECONDS_A_DAY - 1))
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
                        regions.update(rng.sample(range(nregions), k=uniform_int(rng, 0, 4)))
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
                   for kind, cats in PROVIDER_KINDS.items()}
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
                texts = listing_texts(entry, name, rng)
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
                created = epoch_seconds(today - dt.timedelta(days=uniform_int(rng, 20, 1500)), uniform_int(rng, 0, SECONDS_A_DAY - 1))
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
                k = len(served) if len(served) <= 2 or rng.random() < 0.5 else uniform_int(rng, 1, len(served))
                for rid in sorted(rng.sample(served, k=k)):
                    regions.rows.append((n + 1, rid))
        return [listings, regions]

    # -- persons -----------------------------------------------------------------------------------
    def person_rows(self, lo: int, hi: int) -> list[Batch]:
        plan = self.plan
        pop = plan.build_population()
        persons = Batch("persons", PERSON_COLS)
        reps = Batch("persons", PERSON_COLS)
        accounts = Batch("accounts", ACCOUNT_COLS)
        streets = STREETS
        for b in range(lo // BLOCK, math.ceil(hi / BLOCK)):
            rng = plan.rng("persons", b)
            for i in range(b * BLOCK, min(hi, (b + 1) * BLOCK)):
                pid = i + 1
                sex = "F" if pop.sex[i] else "M"
                born = date_of(pop.birth[i])
                region = data.REGIONS[pop.region[i]]
                first, last, middle = person_name(sex, rng)
                language = "KK" if rng.random() < 0.45 else "RU"
                address = f"{region.center_ru}, ул. {rng.choice(streets)}, {uniform_int(rng, 1, 240)}" + (
                    f", кв. {uniform_int(rng, 1, 180)}" if rng.random() < 0.6 else "")
                phone = f"+7 7{rng.choice('0057')}{uniform_int(rng, 0, 9)} {uniform_int(rng, 100, 999)} " \
                        f"{uniform_int(rng, 10, 99)} {uniform_int(rng, 10, 99)}"
                created = epoch_seconds(date_of(pop.record_start[i]), uniform_int(rng, 0, SECONDS_A_DAY - 1))
                rep_id = None
                r = pop.rep_index[i]
                if r >= 0:
                    rep_id = pop.rep_person_id(r)
                    rsex = "F" if pop.rep_sex[r] else "M"
                    rfirst, rlast, rmiddle = person_name(rsex, rng)
                    if rng.random() < 0.7:  # the child usually carries the family name of the parent
                        rlast = last if (rsex == sex) else _other_gender(last, rsex)
                    rphone = f"+7 7{rng.choice('0057')}{uniform_int(rng, 0, 9)} {uniform_int(rng, 100, 999)} " \
                             f"{uniform_int(rng, 10, 99)} {uniform_int(rng, 10, 99)}"
                    reps.rows.append((
                        rep_id, make_iin(date_of(pop.rep_birth[r]), rsex, pop.serial[pop.disabled + r]), rlast,
                        rfirst, rmiddle, date_of(pop.rep_birth[r]), rsex, plan.region_ids[pop.region[i]], language,
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
                    adult = date_of(pop.birth[i]).replace(year=date_of(pop.birth[i]).year + 18, day=1)
                    until: int | None = min(adult.toordinal(), start + uniform_int(rng, 1, 5) * 365)
                elif g == 0 and rng.random() < 0.55:
                    until = None  # group I, indefinitely
                else:
                    until = start + rng.choice((1, 2, 2, 3)) * 365
                if until is not None and until < today + 30:
                    until = today + uniform_int(rng, 30, 700)  # re-examined: the record runs on
                cause = data.choose_cause(rng, child=g == 3)
                year = date_of(start).year
                records.rows.append((
                    i + 1, i + 1, plan.region_ids[pop.region[i]], GROUPS[g], cause,
                    data.NOSOLOGIES[pop.nosology[i]].code, "IN_ABSENTIA" if rng.random() < 0.37 else "IN_PERSON",
                    date_of(start), None if until is None else date_of(until), "ACTIVE", f"MSE-{year}-{i + 1:07d}",
                    epoch_seconds(date_of(start), uniform_int(rng, 0, SECONDS_A_DAY - 1)),
                ))
        return [records]

    # -- entitlements, orders, claims, service logs: one plan per chunk of persons -----------------
    def history(self, lo: int, hi: int) -> History:
        return plan_history(self.plan, lo, hi)


def _other_gender(surname: str, sex: str) -> str:
    for male, female in PERSON_NAMES["kazakh_surnames"] + PERSON_NAMES["russian_surnames"]:
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
