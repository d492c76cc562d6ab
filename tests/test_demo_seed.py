"""The demo data set loads, is idempotent, and every demo login works over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

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
