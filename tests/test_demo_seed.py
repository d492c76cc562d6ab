"""The demo data set loads, is idempotent, and every demo login works over HTTP."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace import clock
from marketplace.accounts.models import Account, Region
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.orders.models import Order, OrderStatus
from schema.core.ids import to_global_id

from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ListingStatus
from marketplace.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from marketplace.records.models import Entitlement

ME = "{ me { role } regions { code } }"
MINE = "{ myEntitlements { balance classifierItem { code } } }"


async def test_demo_seed_is_realistic_idempotent_and_logins_work(db, api) -> None:  # type: ignore[no-untyped-def]
    first = await seed_demo(db, recipients=40, listings=120, providers=12)
    assert first["regions"] == 20 and first["classifier items"] >= 45
    # 12 seeded + the workshop that signed up and waits for verification (provider-pending)
    assert first["providers"] == 13 and first["listings"] >= 120 and first["persons"] >= 40
    again = await seed_demo(db, recipients=40, listings=120, providers=12)
    assert again == first

    roles = {}
    for username in DEMO_LOGINS:
        token = await api.login(username, DEMO_PASSWORD)
        data = await api.data(ME, token=token)
        roles[username] = data["me"]["role"]
        assert len(data["regions"]) == 20
    assert roles == {"recipient": "RECIPIENT", "parent": "RECIPIENT", "provider": "PROVIDER", "invataxi": "PROVIDER",
                     "provider-pending": "PROVIDER", "officer": "LOCAL_BODY", "officer-almaty": "LOCAL_BODY",
                     "admin": "ADMIN"}
    assert first["vehicles"] == 2

    # Invataxi (seed 002): the recipient has trips, the transport provider an accessible vehicle in Astana.
    fleet = (await api.data("{ vehicles(first: 10) { edges { node { plateNumber wheelchairAccessible } } } }",
                            token=await api.login("invataxi", DEMO_PASSWORD)))["vehicles"]["edges"]
    assert {(e["node"]["plateNumber"], e["node"]["wheelchairAccessible"]) for e in fleet} == {
        ("001INV01", True), ("002INV01", False)}

    token = await api.login("recipient", DEMO_PASSWORD)
    entitlements = (await api.data(MINE, token=token))["myEntitlements"]
    assert len(entitlements) >= 5 and all(e["balance"] != "0.00" for e in entitlements)
    assert "TSR-11-001" in {e["classifierItem"]["code"] for e in entitlements}
    # Each of the demo recipient's entitlements has a published offer in her region.
    async with db.session() as s:
        ent_items = set((await s.execute(select(Entitlement.classifier_item_id).where(
            Entitlement.line_number.like("IRP-DEMO-Айгерим-%")))).scalars())
        offered = set((await s.execute(
            select(Listing.classifier_item_id).join(ListingRegion, ListingRegion.listing_id == Listing.id)
            .where(Listing.status == ListingStatus.PUBLISHED))).scalars())
        assert ent_items and ent_items <= offered
        # The norms hold on every seeded line: a quota item's line has its release, none is looser.
        lines = (await s.execute(select(Entitlement, ClassifierItem).join(
            ClassifierItem, ClassifierItem.id == Entitlement.classifier_item_id))).all()
        quota_lines = [(e, c) for e, c in lines if c.quarterly_release is not None]
        assert quota_lines and all(e.quarterly_release == c.quarterly_release for e, c in quota_lines)
        assert all(c.yearly_max is None or e.quantity <= c.yearly_max for e, c in lines)
        assert all(c.daily_max is None or e.daily_limit == c.daily_max for e, c in lines)
        assert all(c.companion_allowed for e, c in lines if e.with_companion)
        published = (await s.execute(select(func.count()).select_from(Listing).where(
            Listing.status == ListingStatus.PUBLISHED))).scalar_one()
        assert published > 60


REPORT = """query($region: ID!, $from: Date!, $to: Date!) {
  regionReport(regionId: $region, from: $from, to: $to) {
    ordersByStatus { status count } spendTotal spendByMonth { month claimsPaid }
    claimsByStatus { status count } terms { subject kept missed open }
  }
}"""


async def test_demo_history_is_a_working_year_in_the_officers_region(db, api) -> None:  # type: ignore[no-untyped-def]
    """The demo's past year (marketplace/demo/history.py), seeded as of late November: the Astana
    officer's report has orders, payments over several months, a rejection, terms kept and one
    missed; the balances agree with the orders; the demo logins' own cases stay empty."""
    year = clock.today().year
    with clock.reading(clock.moment(dt.date(year, 11, 20), dt.time(12))):  # the year's history is behind
        first = await seed_demo(db)
        assert await seed_demo(db) == first  # made once
    assert first["claims"] >= 6 and first["orders"] == first["claims"]
    async with db.session() as s:
        astana = (await s.execute(select(Region).where(Region.code == "ASTANA"))).scalar_one()
        orders = (await s.execute(select(Order))).scalars().all()
        claims = (await s.execute(select(CompensationClaim))).scalars().all()
        logins = {a.person_id for a in (await s.execute(select(Account).where(
            Account.username.in_(list(DEMO_LOGINS))))).scalars() if a.person_id is not None}
        assert {o.status for o in orders} == {OrderStatus.CONFIRMED}
        assert not {o.person_id for o in orders} & logins
        assert {c.status for c in claims} == {ClaimStatus.PAID, ClaimStatus.REJECTED}
        assert all(c.region_id == astana.id for c in claims)
        assert any(c.amount_approved is not None and c.amount_approved < c.amount_claimed for c in claims)
        assert len({clock.local_date(o.placed_at).month for o in orders}) >= 5
        seeded = clock.moment(dt.date(year, 11, 20), dt.time(12))
        assert all(o.placed_at < seeded for o in orders)
        assert all(c.decided_at is not None and c.decided_at < seeded for c in claims)
        assert all(c.paid_at < seeded for c in claims if c.paid_at is not None)
        for line_id in {o.entitlement_id for o in orders}:  # each line spent by exactly its orders
            line = await s.get(Entitlement, line_id)
            assert line is not None and line.reserved == 0
            assert line.consumed == sum(o.quantity for o in orders if o.entitlement_id == line_id)

    token = await api.login("officer", DEMO_PASSWORD)
    report = (await api.data(REPORT, {"region": to_global_id("Region", astana.id), "from": f"{year}-01-01",
                                      "to": f"{year}-12-31"}, token=token))["regionReport"]
    assert {r["status"]: r["count"] for r in report["ordersByStatus"]}.get("CONFIRMED") == len(orders)
    statuses = {r["status"]: r["count"] for r in report["claimsByStatus"]}
    assert statuses.get("PAID", 0) >= 4 and statuses.get("REJECTED", 0) >= 1
    assert float(report["spendTotal"]) > 0
    assert sum(1 for m in report["spendByMonth"] if m["claimsPaid"]) >= 4
    claim_terms = next(t for t in report["terms"] if t["subject"] == "CLAIM")
    assert claim_terms["kept"] >= 4 and claim_terms["missed"] >= 1 and claim_terms["open"] == 0
    # The demo's own recipient, and the officer's queue, start from a clean slate.
    mine = await api.data("{ orders(first: 5) { totalCount } }", token=await api.login("recipient", DEMO_PASSWORD))
    assert mine["orders"]["totalCount"] == 0


DATA_SET = {  # what the seed decides by its random choices, without the moments it was made at
    "listings": select(Listing.id, Listing.provider_id, Listing.classifier_item_id, Listing.unit_price,
                       Listing.stock, Listing.status).order_by(Listing.id),
    "listing regions": select(ListingRegion.listing_id, ListingRegion.region_id)
    .order_by(ListingRegion.listing_id, ListingRegion.region_id),
    "lines": select(Entitlement.id, Entitlement.person_id, Entitlement.classifier_item_id, Entitlement.quantity,
                    Entitlement.consumed).order_by(Entitlement.id),
    "orders": select(Order.id, Order.listing_id, Order.person_id, Order.status).order_by(Order.id),
}


async def test_the_demo_is_the_same_data_set_every_time(sqlite_template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A fixed seed gives one data set: the same listings in the same regions and the same past
    year, whatever order the process keeps its sets in (browser tests pick offers from it)."""
    import shutil

    from marketplace.db import Database

    seen = []
    for n in range(2):
        path = tmp_path / f"demo-{n}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        try:
            with clock.reading(clock.moment(dt.date(clock.today().year, 11, 20), dt.time(12))):
                await seed_demo(database, recipients=60, listings=150, providers=15)
            async with database.session() as s:
                seen.append({name: (await s.execute(query)).all() for name, query in DATA_SET.items()})
        finally:
            await database.dispose()
    assert seen[0]["orders"], "the past year has orders"
    for name in DATA_SET:
        assert seen[0][name] == seen[1][name], name
