"""Who may do what with a quote, and bad input: each refusal typed, nothing changed."""

from __future__ import annotations

from decimal import Decimal
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from marketplace.accounts.access import Viewer
from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import Listing, ListingStatus
from marketplace.errors import DomainError, ErrorCode
from marketplace.quotes import services as quotes
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.records.models import DisabilityRecord, RecordStatus
from tests import factories as f
from tests.quotes.world import PRICE, QuoteWorld

ROLES = ("recipient_a", "recipient_b", "provider_a", "provider_b", "officer_a", "officer_b", "admin")


async def _refused(qw: QuoteWorld, fn: Any, who: str, *args: Any, **kwargs: Any) -> tuple[ErrorCode, str | None]:
    before = (await qw.count(Quote), await qw.count(AuditEvent))
    with pytest.raises(DomainError) as exc:
        await qw.run(fn, who, *args, **kwargs)
    assert (await qw.count(Quote), await qw.count(AuditEvent)) == before, "a refusal changed something"
    return exc.value.code, exc.value.field


async def test_who_may_request(qw: QuoteWorld) -> None:
    expected = {"recipient_b": ErrorCode.NOT_FOUND, "provider_a": ErrorCode.FORBIDDEN,
                "provider_b": ErrorCode.FORBIDDEN, "officer_a": ErrorCode.FORBIDDEN,
                "officer_b": ErrorCode.FORBIDDEN, "admin": ErrorCode.FORBIDDEN}
    for who, code in expected.items():
        got, _ = await _refused(qw, quotes.request_quote, who, listing_id=qw.listing_a.id,
                                entitlement_id=qw.entitlement_a.id)
        assert got == code, who
    assert (await qw.request()).status == QuoteStatus.REQUESTED


async def test_who_may_quote_decide_withdraw_and_order(qw: QuoteWorld) -> None:
    requested = await qw.request()
    for who in ROLES:
        if who == "provider_a":
            continue
        code, _ = await _refused(qw, quotes.submit_quote, who, requested.id, unit_price=PRICE, lead_time_days=3,
                                 specification="x")
        assert code == (ErrorCode.NOT_FOUND if who == "provider_b" else ErrorCode.FORBIDDEN), who
    quoted = await qw.run(quotes.submit_quote, "provider_a", requested.id, unit_price=PRICE, lead_time_days=3,
                          specification="Протез")
    for fn, args in ((quotes.approve_quote, ()), (quotes.reject_quote, ("Цена завышена",))):
        for who in ROLES:
            if who == "officer_a":
                continue
            code, _ = await _refused(qw, fn, who, quoted.id, *args)
            assert code == (ErrorCode.NOT_FOUND if who == "officer_b" else ErrorCode.FORBIDDEN), (fn, who)
    for who in ROLES:
        if who == "recipient_a":
            continue
        code, _ = await _refused(qw, quotes.withdraw_quote, who, quoted.id)
        assert code == (ErrorCode.NOT_FOUND if who == "recipient_b" else ErrorCode.FORBIDDEN), who
    approved = await qw.run(quotes.approve_quote, "officer_a", quoted.id)
    for who in ROLES:
        if who == "recipient_a":
            continue
        code, _ = await _refused(qw, quotes.place_quoted_order, who, quote_id=approved.id, idempotency_key="x")
        assert code == (ErrorCode.NOT_FOUND if who == "recipient_b" else ErrorCode.FORBIDDEN), who
    assert (await qw.quote(approved.id)).status == QuoteStatus.APPROVED


async def test_reading_is_scoped_per_role(qw: QuoteWorld) -> None:
    a = await qw.request()
    b = await qw.request("recipient_b", listing_id=qw.listing_b.id, entitlement_id=qw.entitlement_b.id)
    sees = {"recipient_a": [a.id], "recipient_b": [b.id], "provider_a": [a.id], "provider_b": [b.id],
            "officer_a": [a.id], "officer_b": [b.id], "admin": [a.id, b.id]}
    async with qw.db.session() as s:
        for who, ids in sees.items():
            assert [q.id for q in await quotes.list_quotes(s, qw.viewer(who))] == ids, who
            for q in (a, b):
                if q.id in ids:
                    assert (await quotes.get_quote(s, qw.viewer(who), q.id)).id == q.id
                else:
                    with pytest.raises(DomainError) as exc:
                        await quotes.get_quote(s, qw.viewer(who), q.id)
                    assert exc.value.code == ErrorCode.NOT_FOUND, who
        with pytest.raises(DomainError) as exc:
            await quotes.list_quotes(s, Viewer.anonymous())
        assert exc.value.code == ErrorCode.UNAUTHENTICATED


async def test_the_officers_queue_comes_soonest_due_first_in_pages(qw: QuoteWorld) -> None:
    made = []
    async with qw.db.transaction() as s:
        ents = [await f.entitlement(s, qw.w.recipient_a, qw.item, quantity=1) for _ in range(3)]
    for ent in ents:
        q = await qw.request(entitlement_id=ent.id)
        made.append(await qw.run(quotes.submit_quote, "provider_a", q.id, unit_price=PRICE, lead_time_days=3,
                                 specification="Протез"))
    async with qw.db.transaction() as s:  # the last one is due first
        await s.execute(update(Quote).where(Quote.id == made[2].id)
                        .values(due_date=made[0].due_date - dt.timedelta(days=3)))
    async with qw.db.session() as s:
        officer = qw.viewer("officer_a")
        page = await quotes.list_quotes(s, officer, status="QUOTED", first=2)
        assert [q.id for q in page] == [made[2].id, made[0].id, made[1].id]  # first + 1 rows
        rest = await quotes.list_quotes(s, officer, status="QUOTED", first=2, after=quotes.quote_cursor(page[1]))
        assert [q.id for q in rest] == [made[1].id]
        for bad, field in (({"status": "LOST"}, "status"), ({"first": 101}, "first"), ({"after": ["x", 1]}, "after")):
            with pytest.raises(DomainError) as exc:
                await quotes.list_quotes(s, officer, **bad)
            assert exc.value.field == field


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"quantity": Decimal("-1")}, ErrorCode.OUT_OF_RANGE, "quantity"),
    ({"quantity": 1.5}, ErrorCode.INVALID, "quantity"),
    ({"quantity": Decimal("1.5")}, ErrorCode.INVALID, "quantity"),
    ({"quantity": Decimal("2")}, ErrorCode.INSUFFICIENT_BALANCE, "quantity"),
    ({"note": "x" * 1001}, ErrorCode.TOO_LONG, "note"),
    ({"listing_id": 10**6}, ErrorCode.NOT_FOUND, "listingId"),
    ({"entitlement_id": 10**6}, ErrorCode.NOT_FOUND, "entitlementId"),
    ({"listing_id": -1}, ErrorCode.NOT_FOUND, "listingId"),
])
async def test_bad_requests(qw: QuoteWorld, kwargs: dict[str, Any], code: ErrorCode, field: str) -> None:
    args = {"listing_id": qw.listing_a.id, "entitlement_id": qw.entitlement_a.id, **kwargs}
    assert await _refused(qw, quotes.request_quote, "recipient_a", **args) == (code, field)


async def test_requests_the_rules_refuse(qw: QuoteWorld) -> None:
    async with qw.db.transaction() as s:
        capped_listing = qw.w.listing_a  # an item with a price cap: ordered directly
        other_region = await f.listing(s, qw.w.provider_b, qw.item, [qw.w.region_b])
        draft = await f.listing(s, qw.w.provider_a, qw.item, [qw.w.region_a], status=ListingStatus.DRAFT)
    cases = [
        ({"listing_id": capped_listing.id, "entitlement_id": qw.w.entitlement_a.id}, (ErrorCode.INVALID, "listingId")),
        ({"listing_id": qw.listing_a.id, "entitlement_id": qw.w.entitlement_a.id},
         (ErrorCode.NO_ENTITLEMENT, "entitlementId")),
        ({"listing_id": other_region.id, "entitlement_id": qw.entitlement_a.id},
         (ErrorCode.REGION_NOT_SERVED, "listingId")),
        ({"listing_id": draft.id, "entitlement_id": qw.entitlement_a.id}, (ErrorCode.NOT_FOUND, "listingId")),
    ]
    for kwargs, expected in cases:
        assert await _refused(qw, quotes.request_quote, "recipient_a", **kwargs) == expected, kwargs
    async with qw.db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == qw.listing_a.id).values(status=ListingStatus.ARCHIVED))
    assert await _refused(qw, quotes.request_quote, "recipient_a", listing_id=qw.listing_a.id,
                          entitlement_id=qw.entitlement_a.id) == (ErrorCode.LISTING_NOT_AVAILABLE, "listingId")
    async with qw.db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == qw.listing_a.id).values(status=ListingStatus.PUBLISHED))
        await s.execute(update(DisabilityRecord).where(DisabilityRecord.person_id == qw.w.recipient_a.id)
                        .values(status=RecordStatus.CLOSED))
    assert (await _refused(qw, quotes.request_quote, "recipient_a", listing_id=qw.listing_a.id,
                           entitlement_id=qw.entitlement_a.id))[0] == ErrorCode.NO_ACTIVE_RECORD


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"unit_price": Decimal("0")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ({"unit_price": Decimal("-5")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ({"unit_price": 100.5}, ErrorCode.INVALID, "unitPrice"),
    ({"unit_price": Decimal("1.001")}, ErrorCode.INVALID, "unitPrice"),
    ({"unit_price": Decimal("1e12")}, ErrorCode.OUT_OF_RANGE, "unitPrice"),
    ({"lead_time_days": -1}, ErrorCode.OUT_OF_RANGE, "leadTimeDays"),
    ({"lead_time_days": 366}, ErrorCode.OUT_OF_RANGE, "leadTimeDays"),
    ({"lead_time_days": True}, ErrorCode.INVALID, "leadTimeDays"),
    ({"specification": "  "}, ErrorCode.REQUIRED, "specification"),
    ({"specification": "x" * 4001}, ErrorCode.TOO_LONG, "specification"),
])
async def test_bad_quotes(qw: QuoteWorld, kwargs: dict[str, Any], code: ErrorCode, field: str) -> None:
    q = await qw.request()
    args = {"unit_price": PRICE, "lead_time_days": 30, "specification": "Протез", **kwargs}
    assert await _refused(qw, quotes.submit_quote, "provider_a", q.id, **args) == (code, field)
    assert (await qw.quote(q.id)).status == QuoteStatus.REQUESTED


@pytest.mark.parametrize(("call", "code", "field"), [
    (lambda q: (quotes.reject_quote, (q, "")), ErrorCode.REQUIRED, "reason"),
    (lambda q: (quotes.reject_quote, (q, "no")), ErrorCode.INVALID, "reason"),
    (lambda q: (quotes.reject_quote, (q, "x" * 1001)), ErrorCode.TOO_LONG, "reason"),
    (lambda q: (quotes.approve_quote, (q,), {"approved_unit_price": Decimal("0")}), ErrorCode.OUT_OF_RANGE,
     "approvedUnitPrice"),
    (lambda q: (quotes.approve_quote, (q,), {"revision": 0}), ErrorCode.INVALID, "revision"),
    (lambda q: (quotes.approve_quote, (q + 1000,)), ErrorCode.NOT_FOUND, "quoteId"),
])
async def test_bad_decisions(qw: QuoteWorld, call: Any, code: ErrorCode, field: str) -> None:
    q = await qw.quoted()
    fn, args, *rest = call(q.id)
    kwargs = rest[0] if rest else {}
    assert await _refused(qw, fn, "officer_a", *args, **kwargs) == (code, field)
    assert (await qw.quote(q.id)).status == QuoteStatus.QUOTED


async def test_bad_orders(qw: QuoteWorld) -> None:
    q = await qw.approved()
    for kwargs, expected in (
        ({"idempotency_key": ""}, (ErrorCode.REQUIRED, "idempotencyKey")),
        ({"idempotency_key": "k" * 101}, (ErrorCode.TOO_LONG, "idempotencyKey")),
        ({"idempotency_key": "k", "delivery_option": "TELEPORT"}, (ErrorCode.INVALID, "deliveryOption")),
        ({"idempotency_key": "k", "delivery_option": "REMOTE"}, (ErrorCode.INVALID, "deliveryOption")),
    ):
        assert await _refused(qw, quotes.place_quoted_order, "recipient_a", quote_id=q.id, **kwargs) == expected
    assert await _refused(qw, quotes.place_quoted_order, "recipient_a", quote_id=10**6,
                          idempotency_key="k") == (ErrorCode.NOT_FOUND, "quoteId")
    requested = await qw.request(entitlement_id=(await _second_entitlement(qw)).id)
    assert (await _refused(qw, quotes.place_quoted_order, "recipient_a", quote_id=requested.id,
                           idempotency_key="k"))[0] == ErrorCode.INVALID_TRANSITION
    assert (await qw.quote(q.id)).status == QuoteStatus.APPROVED
    assert (await qw.entitlement()).reserved == Decimal("0.00")


async def _second_entitlement(qw: QuoteWorld) -> Any:
    async with qw.db.transaction() as s:
        return await f.entitlement(s, qw.w.recipient_a, qw.item, quantity=1)
