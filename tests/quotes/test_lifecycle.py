"""The quote lifecycle through the services: requested, quoted and revised, decided, ordered at the
approved price; withdrawal and expiry; audit and notifications in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from marketplace.calendar import add_working_days
from marketplace.catalog.models import Provider, VerificationStatus
from marketplace import clock
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderStatus
from marketplace.quotes import services as quotes
from marketplace.quotes.models import Quote, QuoteStatus
from tests.quotes.world import PRICE, QuoteWorld


async def test_a_quote_from_request_to_order_at_the_approved_price(qw: QuoteWorld) -> None:
    q = await qw.request()
    assert (q.status, q.revision, q.unit_price) == (QuoteStatus.REQUESTED, 0, None)
    assert q.due_date == add_working_days(clock.today(), quotes.QUOTE_TERM_WORKING_DAYS)

    q = await qw.run(quotes.submit_quote, "provider_a", q.id, unit_price=Decimal("1500000"), lead_time_days=45,
                     specification="Модульный протез кисти")
    assert (q.status, q.revision, q.unit_price) == (QuoteStatus.QUOTED, 1, Decimal("1500000.00"))
    assert q.due_date == add_working_days(clock.today(), quotes.DECISION_TERM_WORKING_DAYS)
    first_due = q.due_date
    # The provider may revise until the officer decides; the officer's term keeps running.
    q = await qw.run(quotes.submit_quote, "provider_a", q.id, unit_price=PRICE, lead_time_days=30,
                     specification="Модульный протез кисти, 6 схватов")
    assert (q.revision, q.unit_price, q.lead_time_days, q.due_date) == (2, PRICE, 30, first_due)

    q = await qw.run(quotes.approve_quote, "officer_a", q.id, revision=2)
    assert (q.status, q.approved_unit_price) == (QuoteStatus.APPROVED, PRICE)
    assert q.due_date == add_working_days(clock.today(), quotes.ORDER_TERM_WORKING_DAYS)
    assert quotes.state_share(q) == PRICE and quotes.co_payment(q) == Decimal("0.00")

    async with qw.db.transaction() as s:
        order = await quotes.place_quoted_order(s, qw.viewer("recipient_a"), quote_id=q.id, idempotency_key="q-1")
    assert (order.status, order.unit_price, order.price_cap) == (OrderStatus.PLACED, PRICE, PRICE)
    assert (order.total, order.state_share, order.co_payment) == (PRICE, PRICE, Decimal("0.00"))
    assert (order.listing_id, order.entitlement_id, order.quantity) == (qw.listing_a.id, qw.entitlement_a.id,
                                                                        Decimal("1.00"))
    q = await qw.quote(q.id)
    assert (q.status, q.order_id) == (QuoteStatus.ORDERED, order.id)
    ent = await qw.entitlement()
    assert (ent.reserved, ent.balance) == (Decimal("1.00"), Decimal("0.00"))
    assert await qw.actions(q.id) == ["quote.requested", "quote.submitted", "quote.revised", "quote.approved",
                                      "quote.ordered"]
    # Each party is told of the step that concerns it, never of its own.
    assert await qw.notices(qw.w.provider_a_account) == ["quote.requested.provider", "quote.approved.provider",
                                                          "order.placed"]
    assert await qw.notices(qw.w.officer_a_account) == ["quote.submitted.region", "quote.revised.region"]
    assert await qw.notices(qw.w.recipient_a_account) == ["quote.submitted.person", "quote.revised.person",
                                                           "quote.approved.person"]
    assert await qw.notices(qw.w.officer_b_account) == []
    # The order then goes its usual way, and cancelling it returns the balance.
    await qw.run(orders.cancel_order, "recipient_a", order.id)
    assert (await qw.entitlement()).reserved == Decimal("0.00")


async def test_approved_below_the_quote_the_recipient_pays_the_difference_only_by_choice(qw: QuoteWorld) -> None:
    q = await qw.approved(approved_unit_price=Decimal("1300000"))
    assert quotes.state_share(q) == Decimal("1300000.00") and quotes.co_payment(q) == Decimal("150000.00")
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="k")
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, "acceptCoPayment")
    assert (await qw.quote(q.id)).status == QuoteStatus.APPROVED
    assert (await qw.entitlement()).reserved == Decimal("0.00") and await qw.count(Order) == 0
    order = await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="k2",
                         accept_co_payment=True)
    assert (order.total, order.state_share, order.co_payment) == (PRICE, Decimal("1300000.00"),
                                                                  Decimal("150000.00"))


async def test_the_officer_cannot_approve_more_than_quoted_nor_a_revision_not_read(qw: QuoteWorld) -> None:
    q = await qw.quoted()
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.approve_quote, "officer_a", q.id, approved_unit_price=PRICE + 1)
    assert (exc.value.code, exc.value.field) == (ErrorCode.OUT_OF_RANGE, "approvedUnitPrice")
    await qw.run(quotes.submit_quote, "provider_a", q.id, unit_price=PRICE + 100, lead_time_days=30,
                 specification="Дороже")
    for decide in (lambda: qw.run(quotes.approve_quote, "officer_a", q.id, revision=1),
                   lambda: qw.run(quotes.reject_quote, "officer_a", q.id, "Цена завышена", revision=1)):
        with pytest.raises(DomainError) as exc:
            await decide()
        assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID_TRANSITION, "revision")
    after = await qw.quote(q.id)
    assert (after.status, after.approved_unit_price, after.revision) == (QuoteStatus.QUOTED, None, 2)


async def test_rejection_carries_the_reason_and_ends_the_quote(qw: QuoteWorld) -> None:
    q = await qw.quoted()
    q = await qw.run(quotes.reject_quote, "officer_a", q.id, "Цена выше рыночной")
    assert (q.status, q.reject_reason) == (QuoteStatus.REJECTED, "Цена выше рыночной")
    assert "quote.rejected.person" in await qw.notices(qw.w.recipient_a_account)
    assert "quote.rejected.provider" in await qw.notices(qw.w.provider_a_account)
    for call, code in (
        (lambda: qw.run(quotes.approve_quote, "officer_a", q.id), ErrorCode.ALREADY_DECIDED),
        (lambda: qw.run(quotes.reject_quote, "officer_a", q.id, "Снова"), ErrorCode.ALREADY_DECIDED),
        (lambda: qw.run(quotes.submit_quote, "provider_a", q.id, unit_price=PRICE, lead_time_days=1,
                        specification="x"), ErrorCode.INVALID_TRANSITION),
        (lambda: qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="r"),
         ErrorCode.INVALID_TRANSITION),
        (lambda: qw.run(quotes.withdraw_quote, "recipient_a", q.id), ErrorCode.INVALID_TRANSITION),
    ):
        with pytest.raises(DomainError) as exc:
            await call()
        assert exc.value.code == code
    assert await qw.actions(q.id) == ["quote.requested", "quote.submitted", "quote.rejected"]
    # A new request may follow once the old one is closed.
    assert (await qw.request()).status == QuoteStatus.REQUESTED


async def test_approve_twice_and_order_twice_happen_once(qw: QuoteWorld) -> None:
    q = await qw.approved()
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.approve_quote, "officer_a", q.id)
    assert exc.value.code == ErrorCode.ALREADY_DECIDED
    first = await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="same")
    again = await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="same")
    assert again.id == first.id
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="other")
    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    with pytest.raises(DomainError) as exc:  # the same key for another request
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="same",
                     delivery_option="PICKUP")
    assert exc.value.code == ErrorCode.IDEMPOTENCY_CONFLICT
    assert await qw.count(Order) == 1 and (await qw.entitlement()).reserved == Decimal("1.00")


async def test_one_open_quote_per_entitlement_and_listing(qw: QuoteWorld) -> None:
    q = await qw.request()
    with pytest.raises(DomainError) as exc:
        await qw.request()
    assert (exc.value.code, exc.value.field) == (ErrorCode.DUPLICATE, "listingId")
    await qw.run(quotes.withdraw_quote, "recipient_a", q.id)
    assert (await qw.quote(q.id)).status == QuoteStatus.WITHDRAWN
    assert "quote.withdrawn.provider" in await qw.notices(qw.w.provider_a_account)
    assert (await qw.request()).id != q.id


async def test_a_suspended_provider_takes_no_order_of_an_approved_quote(qw: QuoteWorld) -> None:
    q = await qw.approved()
    async with qw.db.transaction() as s:
        await s.execute(update(Provider).where(Provider.id == qw.w.provider_a.id)
                        .values(verification_status=VerificationStatus.SUSPENDED))
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="s")
    assert exc.value.code == ErrorCode.LISTING_NOT_AVAILABLE
    assert (await qw.quote(q.id)).status == QuoteStatus.APPROVED and await qw.count(Order) == 0
    with pytest.raises(DomainError) as exc:
        await qw.request(listing_id=qw.listing_a.id)
    assert exc.value.code in (ErrorCode.LISTING_NOT_AVAILABLE, ErrorCode.DUPLICATE)


async def test_the_balance_is_checked_again_when_ordering(qw: QuoteWorld) -> None:
    q = await qw.approved()
    async with qw.db.transaction() as s:
        from marketplace.records.models import Entitlement

        await s.execute(update(Entitlement).where(Entitlement.id == qw.entitlement_a.id)
                        .values(consumed=Decimal(1)))
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=q.id, idempotency_key="b")
    assert exc.value.code == ErrorCode.INSUFFICIENT_BALANCE
    assert (await qw.quote(q.id)).status == QuoteStatus.APPROVED and await qw.count(Order) == 0


async def _set_due(qw: QuoteWorld, qid: int, due: dt.date) -> None:
    async with qw.db.transaction() as s:
        await s.execute(update(Quote).where(Quote.id == qid).values(due_date=due))


async def test_expiry_of_unanswered_requests_and_unordered_approvals_only(qw: QuoteWorld) -> None:
    today = clock.today()
    requested = await qw.request()
    async with qw.db.transaction() as s:
        from tests import factories as f

        other_item_ent = await f.entitlement(s, qw.w.recipient_a, qw.item, quantity=1)
    quoted = await qw.request(entitlement_id=other_item_ent.id)
    quoted = await qw.run(quotes.submit_quote, "provider_a", quoted.id, unit_price=PRICE, lead_time_days=3,
                          specification="Протез")
    yesterday = today - dt.timedelta(days=1)
    await _set_due(qw, requested.id, yesterday)
    await _set_due(qw, quoted.id, yesterday)
    # An answer after the request's term is refused.
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.submit_quote, "provider_a", requested.id, unit_price=PRICE, lead_time_days=3,
                     specification="Поздно")
    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    assert await quotes.expire_quotes(qw.db, today) == 1
    assert (await qw.quote(requested.id)).status == QuoteStatus.EXPIRED
    # Awaiting the officer past the term: not expired, overdue in the queue.
    q = await qw.quote(quoted.id)
    assert q.status == QuoteStatus.QUOTED and quotes.is_overdue(q, today)
    async with qw.db.session() as s:
        overdue = await quotes.list_quotes(s, qw.viewer("officer_a"), overdue_only=True)
        assert [x.id for x in overdue] == [quoted.id]
        assert await quotes.count_overdue(s, qw.viewer("officer_a")) == 1
    assert await qw.actions(requested.id) == ["quote.requested", "quote.expired"]
    assert "quote.expired.person" in await qw.notices(qw.w.recipient_a_account)
    assert "quote.expired.provider" in await qw.notices(qw.w.provider_a_account)
    # An approval left unordered expires too; a second run finds nothing more.
    approved = await qw.run(quotes.approve_quote, "officer_a", quoted.id)
    await _set_due(qw, approved.id, yesterday)
    with pytest.raises(DomainError) as exc:
        await qw.run(quotes.place_quoted_order, "recipient_a", quote_id=approved.id, idempotency_key="late")
    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    assert await quotes.expire_quotes(qw.db, today) == 1
    assert await quotes.expire_quotes(qw.db, today) == 0
    assert (await qw.quote(approved.id)).status == QuoteStatus.EXPIRED
