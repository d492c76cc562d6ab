"""The demo's past year in the demo officer's region (Astana): orders placed, delivered,
confirmed and claimed, claims approved (some for less, with a reason), rejected and paid.

Made through the services the portal uses, each step on its own day with the clock set back
(``clock.reading``), so balances, stock, claims' terms and the audit trail agree exactly as
they would after a real year, and the region's report, the paid-claims lists and the persons'
histories have something to show. The demo logins' own persons and organisations are left
out: their journeys start from a clean slate. Safe to re-run: it is made once.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from marketplace import calendar, clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Role
from marketplace.accounts.security import hash_password
from marketplace.accounts.services import viewer_for_account
from marketplace.catalog.models import ClassifierItem, ItemCategory, Listing, ListingRegion, ListingStatus, Provider
from marketplace.catalog.models import ProviderRegion, Unit, VerificationStatus
from marketplace.claims import services as claims
from marketplace.claims.models import CompensationClaim
from marketplace.db import Database
from marketplace.errors import DomainError
from marketplace.orders import services as orders
from marketplace.records.models import Entitlement

log = logging.getLogger("tirek.demo")

BOUGHT = (ItemCategory.MOBILITY, ItemCategory.ORTHOTICS, ItemCategory.HEARING, ItemCategory.VISION,
          ItemCategory.SELF_CARE, ItemCategory.PROSTHETICS, ItemCategory.HYGIENE)
PURCHASES = 18  # orders over the year, one or two a month (a few are refused on their day and skipped)
LOWER_REASON = "Часть суммы не подтверждена актом выполненных работ."
REJECT_REASON = "Акт приёма-передачи не подписан получателем."


@dataclass(frozen=True)
class Purchase:
    person: Person
    entitlement: Entitlement
    listing: Listing


async def seed_demo_history(db: Database, rng: random.Random, excluded_person_ids: set[int],
                            excluded_provider_ids: set[int]) -> int:
    """Make the past year once; the number of claims it made (0 when it was made before)."""
    async with db.session() as s:
        if (await s.execute(select(exists().where(CompensationClaim.id.is_not(None))))).scalar():
            return 0
        officer = (await s.execute(select(Account).where(
            Account.role == Role.LOCAL_BODY, Account.username == "officer"))).scalar_one_or_none()
        if officer is None:
            return 0
        purchases = await _purchases(s, rng, officer.region_id, excluded_person_ids, excluded_provider_ids)
    today = clock.today()
    first = today.replace(month=1, day=10)
    last = today - dt.timedelta(days=60)  # its every step (28 working days at most) lies in the past
    if last <= first or not purchases:
        return 0
    span = (last - first).days
    made = 0
    for n, purchase in enumerate(tqdm(purchases, desc="demo history", unit="order", leave=False)):
        day = first + dt.timedelta(days=span * n // max(len(purchases) - 1, 1))
        try:
            made += await _live_through(db, purchase, n, calendar.next_working_day(day), officer)
        except DomainError as refused:  # a record or line the rules refuse on that day: none made
            log.info("demo history: %s skipped (%s)", purchase.listing.id, refused)
    return made


async def _purchases(s: AsyncSession, rng: random.Random, region_id: int, excluded_person_ids: set[int],
                     excluded_provider_ids: set[int]) -> list[Purchase]:
    """Lines of aids bought by the piece in the region, each with a listing in stock that serves it."""
    lines = (await s.execute(
        select(Person, Entitlement, ClassifierItem)
        .join(Entitlement, Entitlement.person_id == Person.id)
        .join(ClassifierItem, ClassifierItem.id == Entitlement.classifier_item_id)
        .where(Person.region_id == region_id, Person.id.not_in(excluded_person_ids or {0}),
               ClassifierItem.category.in_(BOUGHT), ClassifierItem.unit.in_((Unit.PIECE, Unit.PAIR)),
               ClassifierItem.price_cap.is_not(None))
        .order_by(Person.id, Entitlement.id)
    )).all()
    offers = (await s.execute(
        select(Listing)
        .join(Provider, Provider.id == Listing.provider_id)
        .join(ProviderRegion, (ProviderRegion.provider_id == Provider.id) & (ProviderRegion.region_id == region_id))
        .where(Listing.status == ListingStatus.PUBLISHED, Listing.stock >= 5,
               Provider.verification_status == VerificationStatus.VERIFIED,
               Provider.id.not_in(excluded_provider_ids or {0}),
               ~exists().where(ListingRegion.listing_id == Listing.id)
               | exists().where((ListingRegion.listing_id == Listing.id) & (ListingRegion.region_id == region_id)))
        .order_by(Listing.id)
    )).scalars().all()
    by_item: dict[int, list[Listing]] = {}
    for listing in offers:
        by_item.setdefault(listing.classifier_item_id, []).append(listing)
    servable = [(person, line, by_item[item.id]) for person, line, item in lines if item.id in by_item]
    if not servable:
        return []
    # Round the lines until the year is full: a line of several units (hygiene by the quarter,
    # a pair of orthoses) is bought from more than once; one the rules refuse is skipped.
    return [Purchase(person, line, rng.choice(listings))
            for person, line, listings in (servable[n % len(servable)] for n in range(PURCHASES))]


async def _account_for(s: AsyncSession, *, person: Person | None = None, provider: Provider | None = None) -> Viewer:
    """The person's or organisation's account (one with a password nobody knows: they sign in
    with their own, not as the demo's logins)."""
    owner = Account.person_id == person.id if person is not None else Account.provider_id == provider.id
    account = (await s.execute(select(Account).where(owner))).scalars().first()
    if account is None:
        if person is not None:
            account = Account(username=f"person-{person.id}", role=Role.RECIPIENT, person_id=person.id,
                              display_name=f"{person.first_name} {person.last_name}", language=person.language)
        else:
            assert provider is not None
            account = Account(username=f"provider-{provider.id}", role=Role.PROVIDER, provider_id=provider.id,
                              display_name=provider.name, language=Language.RU)
        account.password_hash = hash_password(secrets.token_urlsafe(24))
        s.add(account)
        await s.flush()
    return await viewer_for_account(s, account)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return clock.moment(day, dt.time(hour, 0))


async def _live_through(db: Database, purchase: Purchase, n: int, placed_on: dt.date, officer: Account) -> int:
    """One order from placing to payment (or rejection), each step on its own working day."""
    key = f"demo-history-{purchase.entitlement.id}-{n}"
    with clock.reading(_at(placed_on, 10)):
        async with db.transaction() as s:
            recipient = await _account_for(s, person=purchase.person)
            provider = await _account_for(s, provider=await s.get(Provider, purchase.listing.provider_id))
            order = await orders.place_order(s, recipient, listing_id=purchase.listing.id,
                                             entitlement_id=purchase.entitlement.id, quantity=Decimal(1),
                                             idempotency_key=key)
            order_id = order.id
    steps = [(1, 11, orders.accept_order, provider), (4, 15, orders.mark_delivered, provider),
             (5, 12, orders.confirm_receipt, recipient)]
    for days, hour, step, viewer in steps:
        with clock.reading(_at(calendar.add_working_days(placed_on, days), hour)):
            async with db.transaction() as s:
                await step(s, viewer, order_id)
    submitted_on = calendar.add_working_days(placed_on, 6)
    with clock.reading(_at(submitted_on, 9)):
        async with db.transaction() as s:
            claim = await claims.submit_provider_claim(s, provider, order_id=order_id, idempotency_key=key)
            claim_id, claimed, due = claim.id, claim.amount_claimed, claim.due_date
    async with db.session() as s:
        officer_viewer = await viewer_for_account(s, officer)
    # Most are decided within the term; every fifth a few days past it (the report counts both).
    decided_on = min(due, calendar.add_working_days(submitted_on, 3 + n % 4)) if n % 5 != 4 \
        else calendar.add_working_days(due, 2)
    with clock.reading(_at(decided_on, 14)):
        async with db.transaction() as s:
            if n % 7 == 6:
                await claims.reject_claim(s, officer_viewer, claim_id, REJECT_REASON)
                return 1
            if n % 4 == 3:
                lower = (claimed * Decimal("0.9")).quantize(Decimal("1"))
                await claims.approve_claim(s, officer_viewer, claim_id, amount=lower, reason=LOWER_REASON)
            else:
                await claims.approve_claim(s, officer_viewer, claim_id)
    with clock.reading(_at(calendar.add_working_days(decided_on, 3), 16)):
        async with db.transaction() as s:
            await claims.mark_claim_paid(s, officer_viewer, claim_id, payment_reference=f"PP-DEMO-{claim_id:05d}",
                                         idempotency_key=f"{key}-paid")
    return 1
