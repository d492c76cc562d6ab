"""Under concurrency a quote is decided once and ordered once.

Each call runs in its own transaction (its own connection), all at once with asyncio.gather: on
PostgreSQL they truly interleave (the conditional UPDATE waits on the row lock, then finds the
status moved); on SQLite BEGIN IMMEDIATE serialises the writers."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from marketplace.db import run_in_transaction
from marketplace.errors import ErrorCode
from marketplace.orders.models import Order
from marketplace.quotes import services as quotes
from marketplace.quotes.models import QuoteStatus
from tests.factories import race
from tests.quotes.world import QuoteWorld


async def test_twenty_approvals_and_rejections_at_once_decide_once(qw: QuoteWorld) -> None:
    q = await qw.quoted()
    officer = qw.viewer("officer_a")
    decided, refusals = await race(*[
        run_in_transaction(qw.db, quotes.approve_quote if i % 2 else quotes.reject_quote, officer, q.id,
                           *(() if i % 2 else ("Цена завышена",)))
        for i in range(20)
    ])
    assert len(decided) == 1
    assert Counter(r.code for r in refusals) == {ErrorCode.ALREADY_DECIDED: 19}
    after = await qw.quote(q.id)
    assert after.status in (QuoteStatus.APPROVED, QuoteStatus.REJECTED)
    actions = await qw.actions(q.id)
    assert actions.count("quote.approved") + actions.count("quote.rejected") == 1


async def test_twenty_orders_of_one_quote_at_once_make_one_order(qw: QuoteWorld) -> None:
    q = await qw.approved()
    recipient = qw.viewer("recipient_a")
    orders, refusals = await race(*[
        run_in_transaction(qw.db, quotes.place_quoted_order, recipient, quote_id=q.id,
                           idempotency_key=f"rush-{i % 4}")  # some share a key, most do not
        for i in range(20)
    ])
    assert len({o.id for o in orders}) == 1
    # Twins of the winning key get the same order; every other request sees the quote ordered.
    assert set(r.code for r in refusals) <= {ErrorCode.INVALID_TRANSITION}
    assert await qw.count(Order) == 1
    ent = await qw.entitlement()
    assert (ent.reserved, ent.balance) == (Decimal("1.00"), Decimal("0.00"))
    assert (await qw.quote(q.id)).order_id == orders[0].id
