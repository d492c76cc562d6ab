"""``placeOrder(quoteId: ...)``: the branch of placeOrder that orders an approved quote."""

from __future__ import annotations

from typing import Any

import strawberry

from marketplace.db import run_in_transaction
from marketplace.quotes import services
from schema.core.ids import decode_id


async def place_quoted_order(info: strawberry.Info, quote_id: strawberry.ID, idempotency_key: str,
                             delivery_option: str | None, accept_co_payment: bool) -> Any:
    """The order (a model), in a transaction of its own that settles a race of two identical requests."""
    return await run_in_transaction(
        info.context.db, services.place_quoted_order, info.context.viewer, quote_id=decode_id(quote_id, "Quote", "quoteId"),
        idempotency_key=idempotency_key, delivery_option=delivery_option, accept_co_payment=accept_co_payment)
