"""A portal with custom items: the factories' two regions, and in each a custom listing and an
entitlement for it (a modular hand prosthesis has no price cap)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import ItemCategory
from marketplace.db import Database
from marketplace.notifications.models import Notification
from marketplace.quotes import services as quotes
from marketplace.quotes.models import Quote
from marketplace.records.models import Entitlement
from tests import factories as f

PRICE = Decimal("1450000.00")


@dataclass
class QuoteWorld:
    db: Database
    w: f.World
    item: Any
    listing_a: Any
    listing_b: Any
    entitlement_a: Any
    entitlement_b: Any

    def viewer(self, name: str) -> Any:
        return self.w.viewer(name)

    async def run(self, fn: Any, who: str, *args: Any, **kwargs: Any) -> Any:
        """tests/factories.py's ``run``, as ``who``."""
        return await f.run(self.db, fn, self.viewer(who), *args, **kwargs)

    async def request(self, who: str = "recipient_a", **kw: Any) -> Quote:
        kw.setdefault("listing_id", self.listing_a.id)
        kw.setdefault("entitlement_id", self.entitlement_a.id)
        kw.setdefault("note", "Протез кисти, замеры дома")
        return await self.run(quotes.request_quote, who, **kw)

    async def quoted(self, price: Decimal = PRICE) -> Quote:
        q = await self.request()
        return await self.run(quotes.submit_quote, "provider_a", q.id, unit_price=price, lead_time_days=30,
                              specification="Модульный протез кисти, 6 схватов")

    async def approved(self, **kw: Any) -> Quote:
        q = await self.quoted()
        return await self.run(quotes.approve_quote, "officer_a", q.id, **kw)

    async def quote(self, qid: int) -> Quote:
        async with self.db.session() as s:
            q = await s.get(Quote, qid)
            assert q is not None
            return q

    async def entitlement(self, eid: int | None = None) -> Entitlement:
        async with self.db.session() as s:
            e = await s.get(Entitlement, eid or self.entitlement_a.id)
            assert e is not None
            return e

    async def actions(self, qid: int) -> list[str]:
        async with self.db.session() as s:
            rows = await s.execute(select(AuditEvent.action).where(AuditEvent.subject_type == "Quote",
                                                                  AuditEvent.subject_id == qid).order_by(AuditEvent.id))
            return list(rows.scalars())

    async def notices(self, account: Any) -> list[str]:
        async with self.db.session() as s:
            rows = await s.execute(select(Notification.kind).where(Notification.account_id == account.id)
                                   .order_by(Notification.id))
            return list(rows.scalars())

    async def count(self, model: Any) -> int:
        async with self.db.session() as s:
            return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def quote_world(db: Database) -> QuoteWorld:
    """The portal with custom items (the ``qw`` fixture of tests/conftest.py)."""
    async with db.transaction() as s:
        w = await f.build_world(s)
        item = await f.classifier_item(s, category=ItemCategory.PROSTHETICS, price_cap=None,
                                       name_ru="Протез кисти модульный", name_en="Modular hand prosthesis")
        listing_a = await f.listing(s, w.provider_a, item, [w.region_a], unit_price=Decimal("1500000.00"))
        listing_b = await f.listing(s, w.provider_b, item, [w.region_b], unit_price=Decimal("1500000.00"))
        ent_a = await f.entitlement(s, w.recipient_a, item, quantity=1)
        ent_b = await f.entitlement(s, w.recipient_b, item, quantity=1)
    return QuoteWorld(db, w, item, listing_a, listing_b, ent_a, ent_b)
