"""A two-region portal for the security tests, and fresh objects on demand.

``Scene.build`` makes the ``tests.factories`` world (regions A and B, each with a
recipient, an officer, a provider with a listing, an entitlement) plus an
hourly service per region, and gives every entitlement a large quantity so
that hundreds of calls can each place their own order. Each builder method
makes a *fresh* object on side "a" or "b", through the services (the real
code path, with its audit events and reservations), so that a call in the
matrix never depends on what an earlier call changed.

Roles are names: ``anonymous``, ``recipient`` (region A's recipient),
``other_recipient`` (region B's), ``provider``/``other_provider``,
``officer``/``other_officer``, ``admin``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from marketplace import clock
from marketplace.accounts import password_reset
from marketplace.accounts.models import Account, AccountCode, Role
from marketplace.accounts.security import issue_token
from marketplace.applications import services as applications
from marketplace.catalog.models import ItemCategory, ItemKind, ListingStatus, Unit, VerificationStatus
from marketplace.claims import receipts as receipt_services
from marketplace.claims import services as claims
from marketplace.db import Database, utcnow
from marketplace.identifiers import make_bin, make_iin
from marketplace.notifications.models import Notification
from marketplace.orders import services as orders
from marketplace.quotes import services as quote_services
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.orders.models import Order
from marketplace.records.models import Entitlement
from marketplace.settings import Settings
from marketplace.transport import services as transport
from marketplace.transport.models import Trip
from schema.core.ids import to_global_id
from tests import factories as f

ROLES = ("anonymous", "recipient", "other_recipient", "provider", "other_provider", "officer", "other_officer",
         "admin")
SCOPED_ROLES = ROLES[1:-1]
# role -> (world account attribute) ; "own" roles are region A's.
ACCOUNT_OF = {
    "recipient": "recipient_a_account", "other_recipient": "recipient_b_account",
    "provider": "provider_a_account", "other_provider": "provider_b_account",
    "officer": "officer_a_account", "other_officer": "officer_b_account",
    "admin": "admin_account",
}
# Seen from side B, the roles swap: region A's recipient is "the other recipient" there.
MIRROR = {
    "anonymous": "anonymous", "admin": "admin",
    "recipient": "other_recipient", "other_recipient": "recipient",
    "provider": "other_provider", "other_provider": "provider",
    "officer": "other_officer", "other_officer": "officer",
}
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
BIG = 100_000

_seq = itertools.count(1)
_receipt_files = itertools.count(1)  # each receipt a file of its own: the same bytes back one claim only


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def serial() -> int:
    """A number never handed out before in this run (plates, IINs, trip times)."""
    return next(_seq)


def key() -> str:
    return f"sec-{uuid.uuid4().hex[:20]}"


@dataclass
class Side:
    region: Any
    person: Any
    recipient: Any
    officer: Any
    provider: Any
    provider_account: Any
    listing: Any
    entitlement: Any
    hourly_listing: Any
    hourly_entitlement: Any
    taxi_listing: Any = None
    taxi_entitlement: Any = None
    vehicle: Any = None
    custom_listing: Any = None
    custom_entitlement: Any = None


class Scene:
    def __init__(self, db: Database, settings: Settings, world: f.World) -> None:
        self.db = db
        self.settings = settings
        self.world = world
        self.sides: dict[str, Side] = {}
        self._trips = itertools.count(1)

    @classmethod
    async def build(cls, db: Database, settings: Settings) -> Scene:
        async with db.transaction() as s:
            w = await f.build_world(s)
            scene = cls(db, settings, w)
            scene.item = w.item
            scene.hourly_item = await f.classifier_item(
                s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=ItemCategory.SIGN_LANGUAGE,
                price_cap=Decimal("1500.00"))
            for side in "ab":
                region, provider = getattr(w, f"region_{side}"), getattr(w, f"provider_{side}")
                person = getattr(w, f"recipient_{side}")
                hourly_listing = await f.listing(s, provider, scene.hourly_item, [region],
                                                 unit_price=Decimal("1500.00"), delivery_options=["AT_HOME_SERVICE"])
                hourly_ent = await f.entitlement(s, person, scene.hourly_item, quantity=BIG)
                scene.sides[side] = Side(
                    region=region, person=person, recipient=getattr(w, f"recipient_{side}_account"),
                    officer=getattr(w, f"officer_{side}_account"), provider=provider,
                    provider_account=getattr(w, f"provider_{side}_account"), listing=getattr(w, f"listing_{side}"),
                    entitlement=getattr(w, f"entitlement_{side}"), hourly_listing=hourly_listing,
                    hourly_entitlement=hourly_ent,
                )
            scene.taxi_item = await f.classifier_item(
                s, kind=ItemKind.SERVICE, unit=Unit.TRIP, category=ItemCategory.TRANSPORT, price_cap=Decimal("2000.00"))
            for side in "ab":
                sd = scene.sides[side]
                sd.taxi_listing = await f.listing(s, sd.provider, scene.taxi_item, [sd.region],
                                                  unit_price=Decimal("2000.00"), delivery_options=["AT_HOME_SERVICE"])
                sd.taxi_entitlement = await f.entitlement(s, sd.person, scene.taxi_item, quantity=BIG)
            scene.custom_item = await f.classifier_item(s, category=ItemCategory.PROSTHETICS, price_cap=None)
            for side in "ab":
                sd = scene.sides[side]
                sd.custom_listing = await f.listing(s, sd.provider, scene.custom_item, [sd.region],
                                                    unit_price=Decimal("1500000.00"))
                sd.custom_entitlement = await f.entitlement(s, sd.person, scene.custom_item, quantity=BIG)
            await s.execute(update(Entitlement).values(quantity=BIG))
        for side in "ab":
            scene.sides[side].vehicle = await scene.vehicle(side)
        return scene

    # -- who -------------------------------------------------------------------------
    def account(self, role: str) -> Account:
        return getattr(self.world, ACCOUNT_OF[role])

    async def token(self, role: str) -> str | None:
        """A fresh token of the role's account (its current token version: a changed password
        in an earlier call does not spoil later ones)."""
        if role == "anonymous":
            return None
        async with self.db.session() as s:
            account = await s.get(Account, self.account(role).id)
            assert account is not None
            return issue_token(self.settings.secret_key or "", account.id, account.token_version, 600)[0]

    def viewer(self, side: str, who: str) -> Any:
        sd = self.sides[side]
        account = {"recipient": sd.recipient, "officer": sd.officer, "provider": sd.provider_account,
                   "admin": self.world.admin_account}[who]
        return f.viewer_of(account)

    async def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await f.run(self.db, fn, *args, **kwargs)

    # -- fresh objects ---------------------------------------------------------------
    async def order(self, side: str, status: str = "PLACED", *, hourly: bool = False, quantity: str = "1") -> Any:
        sd = self.sides[side]
        listing, ent = (sd.hourly_listing, sd.hourly_entitlement) if hourly else (sd.listing, sd.entitlement)
        order = await self.run(orders.place_order, self.viewer(side, "recipient"), listing_id=listing.id,
                               entitlement_id=ent.id, quantity=Decimal(quantity), idempotency_key=key())
        steps = {
            "PLACED": [],
            "ACCEPTED": [("provider", orders.accept_order)],
            "DELIVERED": [("provider", orders.accept_order), ("provider", orders.mark_delivered)],
            "CONFIRMED": [("provider", orders.accept_order), ("provider", orders.mark_delivered),
                          ("recipient", orders.confirm_receipt)],
        }[status]
        for who, step in steps:
            order = await self.run(step, self.viewer(side, who), order.id)
        return order

    async def hourly_order_since_yesterday(self, side: str) -> tuple[Any, dt.date]:
        """An accepted hourly order placed yesterday, and yesterday's date: its hours 09:00-12:00
        are over on Kazakhstan's clock whatever the hour the test runs at."""
        order = await self.order(side, "ACCEPTED", hourly=True, quantity="4")
        async with self.db.transaction() as s:
            await s.execute(update(Order).where(Order.id == order.id)
                            .values(placed_at=order.placed_at - dt.timedelta(days=1)))
        return order, clock.today() - dt.timedelta(days=1)

    async def service_log(self, side: str) -> Any:
        order, day = await self.hourly_order_since_yesterday(side)
        return await self.run(
            orders.log_service_hours, self.viewer(side, "provider"), order_id=order.id, worker_iin=self.iin(),
            worker_name="Сурдопереводчик", service_date=day, start_time=dt.time(9, 0),
            end_time=dt.time(10, 0))

    async def claim(self, side: str, status: str = "SUBMITTED") -> Any:
        order = await self.order(side, "CONFIRMED")
        claim = await self.run(claims.submit_provider_claim, self.viewer(side, "provider"), order_id=order.id,
                               idempotency_key=key())
        if status in ("APPROVED", "PAID"):
            claim = await self.run(claims.approve_claim, self.viewer(side, "officer"), claim.id)
        if status == "PAID":
            claim = await self.run(claims.mark_claim_paid, self.viewer(side, "officer"), claim.id,
                                   idempotency_key=key())
        return claim

    async def listing(self, side: str, status: ListingStatus = ListingStatus.DRAFT) -> Any:
        sd = self.sides[side]
        async with self.db.transaction() as s:
            return await f.listing(s, sd.provider, self.item, [sd.region], status=status)

    async def person(self, side: str, *, record: bool = False) -> Any:
        async with self.db.transaction() as s:
            person = await f.person(s, self.sides[side].region)
            if record:
                person.record = await f.disability_record(s, person)
            return person

    async def entitlement(self, side: str) -> Any:
        async with self.db.transaction() as s:
            return await f.entitlement(s, self.sides[side].person, self.item, quantity=3)

    async def pending_provider(self, side: str) -> Any:
        async with self.db.transaction() as s:
            return await f.provider(s, [self.sides[side].region], verification_status=VerificationStatus.PENDING)

    async def officer_account(self, side: str) -> Account:
        """One more officer account of the side's region (an admin's list of accounts grows)."""
        async with self.db.transaction() as s:
            return await f.account(s, Role.LOCAL_BODY, region_id=self.sides[side].region.id)

    async def suspended_provider(self, side: str) -> Any:
        async with self.db.transaction() as s:
            return await f.provider(s, [self.sides[side].region], verification_status=VerificationStatus.SUSPENDED)

    def sign_up(self, side: str) -> dict[str, Any]:
        """A registerProvider input never given before in this run (a fresh BIN and username)."""
        n = serial()
        return {"bin": make_bin(2020, 1 + n % 12, 50_000 + n), "nameRu": f'ТОО "Регистрация {n}"',
                "nameKk": f'"Тіркеу {n}" ЖШС', "phone": "+7 701 555 12 34", "email": f"org{n}@example.kz",
                "regionIds": [gid("Region", self.sides[side].region.id)], "serviceKinds": ["PROSTHETICS"],
                "username": f"signup{n}", "password": "correct horse battery"}

    async def receipt(self, side: str) -> Any:
        return await self.run(receipt_services.store_receipt, self.viewer(side, "recipient"),
                              person_id=self.sides[side].person.id, filename="r.pdf",
                              content_type="application/pdf", data=PDF + b"%%%d" % next(_receipt_files),
                              settings=self.settings)

    async def vehicle(self, side: str) -> Any:
        return await self.run(transport.add_vehicle, self.viewer(side, "provider"), plate_number=self.plate(),
                              model="Ford Transit", service_region_ids=[self.sides[side].region.id], seats=4)

    async def trip(self, side: str, status: str = "REQUESTED") -> Any:
        """A trip booked by the side's recipient; CONFIRMED on the side's vehicle, PROPOSED with another
        time, CONFIRMED_PAST (its time moved into the past), or DONE (and reported done by the provider)."""
        sd = self.sides[side]
        starts = self.trip_time()
        trip = await self.run(transport.book_trip, self.viewer(side, "recipient"), listing_id=sd.taxi_listing.id,
                              entitlement_id=sd.taxi_entitlement.id, starts_at=starts, pickup_address="Мәңгілік Ел, 1",
                              dropoff_address="Кабанбай батыра, 2", idempotency_key=key())
        provider = self.viewer(side, "provider")
        if status == "PROPOSED":
            return await self.run(transport.propose_trip_time, provider, trip.id, starts + dt.timedelta(minutes=30))
        if status in ("CONFIRMED", "CONFIRMED_PAST", "DONE"):
            trip = await self.run(transport.confirm_trip, provider, trip.id, sd.vehicle.id)
        if status in ("CONFIRMED_PAST", "DONE"):
            async with self.db.transaction() as s:
                past = utcnow() - dt.timedelta(hours=2)
                await s.execute(update(Trip).where(Trip.id == trip.id).values(starts_at=past,
                                                                               ends_at=past + dt.timedelta(hours=1)))
            if status == "DONE":
                trip = await self.run(transport.mark_trip_done, provider, trip.id)
            else:
                trip = await self.run(lambda s, tid: s.get(Trip, tid), trip.id)
        return trip

    def trip_time(self) -> dt.datetime:
        """A pickup time tomorrow or later that no other trip of this scene has (vehicles must not overlap),
        within the 60 days a booking may look ahead."""
        n = next(self._trips)
        assert n < 650, "more trips than fit in 60 days at two hours apart"
        return utcnow().replace(second=0, microsecond=0) + dt.timedelta(days=1, hours=2 * n)

    async def application(self, side: str) -> Any:
        """A pending MISSING_AID application of the side's recipient, for an item of its own."""
        async with self.db.transaction() as s:
            item = await f.classifier_item(s)
        return await self.run(applications.submit_application, self.viewer(side, "recipient"), kind="MISSING_AID",
                              details={"classifier_item_id": item.id})

    async def review(self, side: str) -> Any:
        """A fresh review of a confirmed order of the side's recipient."""
        order = await self.order(side, "CONFIRMED")
        return await self.run(orders.review_order, self.viewer(side, "recipient"), order.id, 4, "Хорошо")

    async def classifier_item(self) -> Any:
        async with self.db.transaction() as s:
            return await f.classifier_item(s)

    async def reset_code(self, side: str) -> str:
        """A valid one-time password-reset code of a fresh account of the side's recipient."""
        code = f"{serial():012d}"
        async with self.db.transaction() as s:
            account = await f.account(s, Role.RECIPIENT, person_id=self.sides[side].person.id)
            s.add(AccountCode(account_id=account.id, purpose=password_reset.PURPOSE,
                              code_hash=password_reset.code_hash(code), expires_at=utcnow() + dt.timedelta(minutes=5)))
        return code

    async def fresh_account(self, side: str) -> int:
        """The id of a fresh account of the side's recipient (to act on without spoiling the scene's)."""
        async with self.db.transaction() as s:
            account = await f.account(s, Role.RECIPIENT, person_id=self.sides[side].person.id)
        return int(account.id)

    async def clear_quotes(self, side: str) -> None:
        """One quote is open per entitlement and listing: withdraw the side's open ones (a new request may follow)."""
        async with self.db.transaction() as s:
            await s.execute(update(Quote).where(Quote.entitlement_id == self.sides[side].custom_entitlement.id,
                                                Quote.status.in_(quote_services.OPEN))
                            .values(status=QuoteStatus.WITHDRAWN))

    async def quote(self, side: str, status: str = "REQUESTED") -> Any:
        """A fresh quote of the side's recipient for its custom listing: REQUESTED, QUOTED (by the
        provider), APPROVED (by the officer) or ORDERED."""
        sd = self.sides[side]
        await self.clear_quotes(side)
        quote = await self.run(quote_services.request_quote, self.viewer(side, "recipient"),
                               listing_id=sd.custom_listing.id, entitlement_id=sd.custom_entitlement.id,
                               note="Протез кисти, замеры дома")
        if status in ("QUOTED", "APPROVED", "ORDERED"):
            quote = await self.run(quote_services.submit_quote, self.viewer(side, "provider"), quote.id,
                                   unit_price=Decimal("1450000.00"), lead_time_days=30,
                                   specification="Модульный протез кисти, 6 схватов")
        if status in ("APPROVED", "ORDERED"):
            quote = await self.run(quote_services.approve_quote, self.viewer(side, "officer"), quote.id)
        if status == "ORDERED":
            await self.run(quote_services.place_quoted_order, self.viewer(side, "recipient"), quote_id=quote.id,
                           idempotency_key=key())
            quote = await self.run(lambda s, qid: s.get(Quote, qid), quote.id)
        return quote

    async def notification(self, side: str) -> Any:
        async with self.db.transaction() as s:
            note = Notification(account_id=self.sides[side].recipient.id, kind="test", title="Проверка", body="",
                                payload={}, dedup_key=key())
            s.add(note)
            await s.flush()
            return note

    @staticmethod
    def plate() -> str:
        return f"{next(_seq):06d}SEC"

    @staticmethod
    def iin() -> str:
        n = next(_seq)
        return make_iin(dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000), "M" if n % 2 else "F", 5000 + n)


__all__ = ["ACCOUNT_OF", "MIRROR", "ROLES", "SCOPED_ROLES", "Role", "Scene", "gid", "key", "serial"]
