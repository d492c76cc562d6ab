"""A portal for the granted services: persons each failing one eligibility rule, officers,
an assistant provider, an invataxi provider with vehicles, all in two regions.

Used by the application, transport and notification tests (and the HTTP path test).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Region, Role
from marketplace.catalog.models import (
    ClassifierItem,
    ItemCategory,
    ItemKind,
    Listing,
    Provider,
    Unit,
)
from marketplace import clock
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.records.models import DisabilityGroup
from marketplace.transport.models import Vehicle
from tests import factories as f

_keys = itertools.count(1)


def new_key(prefix: str = "key") -> str:
    return f"{prefix}-{next(_keys)}"


def today() -> dt.date:
    return clock.today()


@dataclass
class GrantWorld:
    region_a: Region
    region_b: Region
    assistant: ClassifierItem
    social_home: ClassifierItem
    social_day: ClassifierItem
    taxi: ClassifierItem
    wheelchair: ClassifierItem
    eligible: Person  # group I, difficulty moving, no carer's allowance
    group_two: Person
    walks: Person  # group I without difficulty moving
    allowance: Person  # group I, difficulty moving, carer's allowance paid
    no_record: Person
    parent: Person
    child: Person  # represented by parent
    person_b: Person  # eligible, region B
    accounts: dict[str, Account]
    assistant_provider: Provider
    assistant_listing: Listing
    taxi_provider: Provider
    taxi_listing: Listing
    van: Vehicle  # wheelchair-accessible, region A
    sedan: Vehicle  # not accessible, region A

    def viewer(self, name: str, represented: frozenset[int] = frozenset()) -> Viewer:
        acc = self.accounts[name]
        if name == "parent" and not represented:
            represented = frozenset({self.child.id})
        return f.viewer_of(acc, represented)


async def build_grant_world(s: AsyncSession) -> GrantWorld:
    a = await f.region(s)
    b = await f.region(s)
    assistant = await f.classifier_item(
        s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=ItemCategory.PERSONAL_ASSISTANT,
        price_cap=Decimal("2000.00"), name_kk="Жеке көмекші", name_ru="Индивидуальный помощник",
        name_en="Personal assistant",
    )
    social_home = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.DAY,
                                          category=ItemCategory.SOCIAL_SERVICES, price_cap=Decimal("4500.00"))
    social_day = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.DAY,
                                         category=ItemCategory.SOCIAL_SERVICES, price_cap=Decimal("7500.00"))
    taxi = await f.classifier_item(
        s, kind=ItemKind.SERVICE, unit=Unit.TRIP, category=ItemCategory.TRANSPORT, price_cap=Decimal("2500.00"),
        name_kk="Инватакси сапары", name_ru="Поездка на инватакси", name_en="Invataxi trip",
    )
    wheelchair = await f.classifier_item(s)
    span = {"valid_from": today() - dt.timedelta(days=400), "valid_until": today() + dt.timedelta(days=800)}

    async def person(region: Region, group: DisabilityGroup | None, **kw: Any) -> Person:
        p = await f.person(s, region, **kw)
        if group is not None:
            await f.disability_record(s, p, group=group, **span)
        return p

    eligible = await person(a, DisabilityGroup.I, has_mobility_difficulty=True, phone="+77010000001")
    group_two = await person(a, DisabilityGroup.II, has_mobility_difficulty=True)
    walks = await person(a, DisabilityGroup.I, has_mobility_difficulty=False)
    allowance = await person(a, DisabilityGroup.I, has_mobility_difficulty=True, receives_carer_allowance=True)
    no_record = await person(a, None, has_mobility_difficulty=True)
    parent = await person(a, None)
    child = await person(a, DisabilityGroup.CHILD, legal_representative_id=parent.id,
                         birth_date=today() - dt.timedelta(days=365 * 8))
    person_b = await person(b, DisabilityGroup.I, has_mobility_difficulty=True)

    assistant_provider = await f.provider(s, [a], email="care@example.kz", phone="+77270000000")
    assistant_listing = await f.listing(s, assistant_provider, assistant, [a], unit_price=Decimal("2000.00"),
                                        delivery_options=["AT_HOME_SERVICE"])
    taxi_provider = await f.provider(s, [a], email="taxi@example.kz")
    taxi_listing = await f.listing(s, taxi_provider, taxi, [a], unit_price=Decimal("2500.00"),
                                   delivery_options=["AT_HOME_SERVICE"])
    van = Vehicle(provider_id=taxi_provider.id, plate_number=f"{next(_keys):03d}VAN02", model="Ford Transit",
                  wheelchair_accessible=True, seats=3, service_region_ids=[a.id], is_active=True)
    sedan = Vehicle(provider_id=taxi_provider.id, plate_number=f"{next(_keys):03d}SED02", model="Hyundai Accent",
                    wheelchair_accessible=False, seats=3, service_region_ids=[a.id], is_active=True)
    s.add_all([van, sedan])
    await s.flush()

    acc = {
        "eligible": await f.account(s, Role.RECIPIENT, person_id=eligible.id, language=Language.KK),
        "group_two": await f.account(s, Role.RECIPIENT, person_id=group_two.id),
        "walks": await f.account(s, Role.RECIPIENT, person_id=walks.id),
        "allowance": await f.account(s, Role.RECIPIENT, person_id=allowance.id),
        "no_record": await f.account(s, Role.RECIPIENT, person_id=no_record.id),
        "parent": await f.account(s, Role.RECIPIENT, person_id=parent.id, language=Language.EN),
        "person_b": await f.account(s, Role.RECIPIENT, person_id=person_b.id),
        "officer_a": await f.account(s, Role.LOCAL_BODY, region_id=a.id, language=Language.RU),
        "officer_a2": await f.account(s, Role.LOCAL_BODY, region_id=a.id, language=Language.EN),
        "officer_b": await f.account(s, Role.LOCAL_BODY, region_id=b.id),
        "provider": await f.account(s, Role.PROVIDER, provider_id=assistant_provider.id, language=Language.EN),
        "taxi": await f.account(s, Role.PROVIDER, provider_id=taxi_provider.id, language=Language.RU),
        "admin": await f.account(s, Role.ADMIN),
    }
    return GrantWorld(
        region_a=a, region_b=b, assistant=assistant, social_home=social_home, social_day=social_day, taxi=taxi,
        wheelchair=wheelchair, eligible=eligible, group_two=group_two, walks=walks, allowance=allowance,
        no_record=no_record, parent=parent, child=child, person_b=person_b, accounts=acc,
        assistant_provider=assistant_provider, assistant_listing=assistant_listing, taxi_provider=taxi_provider,
        taxi_listing=taxi_listing, van=van, sedan=sedan,
    )


@pytest.fixture
async def gw(db: Database) -> GrantWorld:
    async with db.transaction() as s:
        return await build_grant_world(s)


async def run(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in a transaction of its own (committed unless it raises)."""
    async with db.transaction() as s:
        return await fn(s, *args, **kwargs)


async def refused(db: Database, code: ErrorCode, fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        await run(db, fn, *args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value!r}"
    return info.value
