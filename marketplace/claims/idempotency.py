"""Submitting and paying take an idempotency key: the same key and request return the claim the first call
returned; another request with the key is IDEMPOTENCY_CONFLICT (``audit.idempotency``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.audit import idempotency
from marketplace.claims.models import CompensationClaim


OP_SUBMIT_ORDER = "claims.submit_provider_order"
OP_SUBMIT_HOURS = "claims.submit_service_hours"
OP_SUBMIT_SELF = "claims.submit_self_purchase"
OP_MARK_PAID = "claims.mark_paid"


async def earlier_claim(
    session: AsyncSession, viewer: Viewer, operation: str, key: str, payload: str
) -> CompensationClaim | None:
    """The claim an earlier call with this key returned, or None (IDEMPOTENCY_CONFLICT for another request)."""
    assert viewer.account_id is not None
    subject_id = await idempotency.previous_result(session, viewer.account_id, operation, key, payload)
    if subject_id is None:
        return None
    claim = (
        await session.execute(
            select(CompensationClaim)
            .where(CompensationClaim.id == subject_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    return claim


async def remember_claim(session: AsyncSession, viewer: Viewer, operation: str, key: str, payload: str, claim_id: int) -> None:
    assert viewer.account_id is not None
    idempotency.remember(session, viewer.account_id, operation, key, payload, claim_id)
    await idempotency.flush_claiming_key(session)
