"""Reading claims in the viewer's scope: one claim, the officer's queue by due date, the overdue count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.cleaning import clean_choice, clean_page_size
from marketplace.errors import DomainError, ErrorCode
from marketplace.queues import count_overdue_in, due_date_cursor, queue_order_ascending, queue_page




# -- reading ---------------------------------------------------------------------------
def _scope(viewer: Viewer) -> list[Any]:
    """WHERE conditions for the claims the viewer may see."""
    return viewer.case_filter(CompensationClaim.person_id, CompensationClaim.provider_id, CompensationClaim.region_id)


def can_see_claim(viewer: Viewer, claim: CompensationClaim) -> bool:
    return viewer.is_authenticated and viewer.sees_case(claim.person_id, claim.provider_id, claim.region_id)


async def get_claim(session: AsyncSession, viewer: Viewer, claim_id: int) -> CompensationClaim:
    viewer.require_authenticated()
    return await fetch_in_scope(session, CompensationClaim, claim_id, "claim", "claimId",
                                lambda claim: can_see_claim(viewer, claim))


def claim_cursor(claim: CompensationClaim) -> list[Any]:
    """The keyset of a claim in ``list_claims`` (for ``schema.core.pagination``'s opaque cursors)."""
    return due_date_cursor(claim.due_date, claim.id)


async def list_claims(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: ClaimStatus | str | None = None,
    overdue_only: bool = False,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[CompensationClaim] | int:
    """The claims in the viewer's scope, keyset-paged by (due date, id).

    Officers (their region's queue) and admins (everything) get the soonest due
    first; recipients (their own and represented persons') and providers (their
    own) get the latest first. ``overdue_only``: SUBMITTED and past the due date
    (Almaty today). ``after`` is the decoded cursor of the previous page's last
    claim (``claim_cursor``). Returns up to ``first + 1`` rows: an extra row
    means there is a next page (as ``schema.core.pagination.build_connection`` expects).
    """
    clean_page_size(first)
    conditions = _scope(viewer)
    if status is not None:
        conditions.append(CompensationClaim.status == clean_choice(
            ClaimStatus, status, "status", lambda: DomainError(ErrorCode.INVALID, "Not a claim status.", "status")))
    return await queue_page(
        session, CompensationClaim, conditions, awaiting=ClaimStatus.SUBMITTED, overdue_only=overdue_only,
        first=first, after=after, count_only=count_only, ascending=queue_order_ascending(viewer),
    )


async def count_overdue(session: AsyncSession, viewer: Viewer) -> int:
    """How many claims in the viewer's scope are overdue (for an officer's dashboard)."""
    return await count_overdue_in(session, CompensationClaim, _scope(viewer), ClaimStatus.SUBMITTED)
