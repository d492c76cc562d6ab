"""``tirek generate``: the national data set, at a tiny scale, on both databases.

Sound (the CHECK constraints would refuse bad rows; the rest is checked by
``national.verify``), valid IINs/BINs, deterministic, resumable after an
interruption, idempotent, and usable by the services (a generated recipient
can order, the sequences continue after the explicit ids).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from marketplace.db import Database
from marketplace.demo import national
from marketplace.demo.synthetic import verification
from marketplace.demo.synthetic.population import Plan
from marketplace.identifiers import iin_birth_date, iin_sex, is_valid_bin, is_valid_iin

SCALE = 0.001
ANCHOR = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
CHUNK = 200  # several chunks per phase at this scale
TABLES = ("regions", "classifier_items", "providers", "provider_regions", "listings", "listing_regions", "persons",
          "disability_records", "entitlements", "orders", "compensation_claims", "service_logs")


async def _run(db: Database, **kwargs: object) -> national.GenerationReport:
    return await national.generate(db.url, SCALE, chunk_size=CHUNK, progress=False, echo=None, anchor=ANCHOR,
                                   **kwargs)


async def _digest(db: Database) -> dict[str, str]:
    """A hash of every generated table (accounts without their salted password hashes)."""
    out = {}
    async with db.session() as s:
        for table in TABLES:
            order = "id" if table not in ("provider_regions", "listing_regions") else "1, 2"
            rows = (await s.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))).all()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        rows = (await s.execute(text(
            "SELECT id, username, role, person_id, provider_id, region_id, display_name FROM accounts ORDER BY id"
        ))).all()
        out["accounts"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


async def test_generates_a_sound_data_set_and_resumes(db: Database, request: pytest.FixtureRequest,
                                                      backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Interrupted twice: after the persons phase, then in the middle of the history phase.
    first = await _run(db, stop_after="persons")
    assert first.stopped_early
    assert [p.name for p in first.phases] == ["reference", "providers", "listings", "persons"]
    second = await _run(db, chunk_limit=6)  # the 4 chunks of MSE records, then 2 of the history
    assert second.stopped_early
    third = await _run(db)
    assert not third.stopped_early
    assert third.phases[-2].name == "history" and third.phases[-2].chunks_skipped >= 1

    counts = await verification.table_counts(db.url)
    plan = Plan(scale=SCALE, anchor=ANCHOR)
    assert counts["providers"] == plan.providers
    assert counts["disability_records"] == plan.persons == 732
    children = counts["persons"] - plan.persons  # one representative per child
    assert 0.12 * plan.persons < children < 0.19 * plan.persons
    assert counts["entitlements"] > 2 * plan.persons
    assert counts["orders"] > 100 and counts["compensation_claims"] > 50

    # Every rule of the data set holds.
    assert await verification.verify(db.url) == dict.fromkeys(verification.VERIFY_QUERIES, 0)
    async with db.session() as s:
        persons = (await s.execute(text("SELECT iin, birth_date, sex FROM persons"))).all()
        bins = (await s.execute(text("SELECT bin FROM providers"))).scalars().all()
        workers = (await s.execute(text("SELECT DISTINCT worker_iin FROM service_logs"))).scalars().all()
        groups = dict((await s.execute(text(
            "SELECT disability_group, count(*) FROM disability_records GROUP BY disability_group"))).all())
    assert all(is_valid_iin(iin) for iin, _, _ in persons)
    assert all(iin_birth_date(iin) == (b if isinstance(b, dt.date) else dt.date.fromisoformat(b))
               and iin_sex(iin) == sex for iin, b, sex in persons)
    assert len({iin for iin, _, _ in persons}) == len(persons)
    assert all(is_valid_bin(b) for b in bins) and len(set(bins)) == len(bins)
    assert all(is_valid_iin(w) for w in workers)
    assert 0.10 < groups["CHILD"] / plan.persons < 0.20  # the seeds' 15.3% children

    # Running it again writes nothing.
    again = await _run(db)
    assert again.rows_written == 0 and not again.stopped_early
    assert await verification.table_counts(db.url) == counts

    # The same scale, written in one go into another database, is the same data.
    from tests.conftest import database_url

    (tmp_path / "other").mkdir()
    other = Database(database_url(request, backend, tmp_path / "other"))
    try:
        await national.generate(other.url, SCALE, chunk_size=1000, progress=False, echo=None, anchor=ANCHOR)
        assert await _digest(other) == await _digest(db)
    finally:
        await other.dispose()


async def test_generated_recipient_orders_through_the_service(db: Database) -> None:
    from marketplace.accounts.models import Account
    from marketplace.accounts.security import verify_password
    from marketplace.accounts.services import viewer_for_account
    from marketplace.demo.seed import DEMO_PASSWORD
    from marketplace.orders.services import place_order_once

    await national.generate(db.url, SCALE, progress=False, echo=None)  # reference time: now
    # An active, unspent, non-quota IRP line of an adult recipient, and a listing that serves them.
    async with db.session() as s:
        row = (await s.execute(text("""
            SELECT e.id, l.id, a.id, c.course_days, e.valid_until FROM entitlements e
            JOIN accounts a ON a.person_id = e.person_id
            JOIN classifier_items c ON c.id = e.classifier_item_id
            JOIN listings l ON l.classifier_item_id = e.classifier_item_id AND l.status = 'PUBLISHED'
            JOIN providers p ON p.id = l.provider_id AND p.verification_status = 'VERIFIED'
            JOIN listing_regions lr ON lr.listing_id = l.id AND lr.region_id = e.region_id
            WHERE e.status = 'ACTIVE' AND e.reserved + e.consumed = 0 AND e.quarterly_release IS NULL
              AND c.price_cap IS NOT NULL AND c.unit IN ('PIECE', 'PAIR', 'COURSE')
              AND (l.stock IS NULL OR l.stock > 0)
            ORDER BY e.id LIMIT 1"""))).first()
        assert row is not None
        entitlement_id, listing_id, account_id, course_days, valid_until = row
        account = (await s.execute(select(Account).where(Account.id == account_id))).scalar_one()
        assert account.username == f"recipient-{account.person_id}"
        assert verify_password(account.password_hash, DEMO_PASSWORD)
        viewer = await viewer_for_account(s, account)
        max_order = (await s.execute(text("SELECT max(id) FROM orders"))).scalar_one()
    # A course (sanatorium) is ordered with the day it starts, its days inside the line's validity.
    until = valid_until if isinstance(valid_until, dt.date) else dt.date.fromisoformat(valid_until)
    starts_on = until - dt.timedelta(days=course_days - 1) if course_days else None
    order = await place_order_once(db, viewer, listing_id=listing_id, entitlement_id=entitlement_id,
                                   quantity=Decimal(1), idempotency_key="national-test-1", course_starts_on=starts_on)
    assert order.id > max_order  # the id sequence continues after the generated ids
    assert await verification.verify(db.url) == dict.fromkeys(verification.VERIFY_QUERIES, 0)


async def test_refuses_foreign_data_and_another_scale(db: Database) -> None:
    await national.generate(db.url, SCALE, progress=False, echo=None, stop_after="reference")
    with pytest.raises(national.GenerationError, match="scale"):
        await national.generate(db.url, 0.002, progress=False, echo=None)


async def test_refuses_a_database_with_other_data(db: Database) -> None:
    from marketplace.demo.seed import seed_demo

    await seed_demo(db, recipients=3, listings=5, providers=3)
    with pytest.raises(national.GenerationError):
        await national.generate(db.url, SCALE, progress=False, echo=None)


def test_scale_parsing() -> None:
    assert national.parse_scale("national") == 1.0
    assert national.parse_scale("0.01") == 0.01
    for bad in ("0", "1.5", "-0.1", "lots"):
        with pytest.raises(ValueError):
            national.parse_scale(bad)
    plan = Plan(scale=1.0, anchor=ANCHOR)
    assert (plan.persons, plan.providers, plan.listings) == (732_100, 32_000, 50_000)
