"""Queries of claims: each role's list, the officer's queue by due date."""

from __future__ import annotations

import strawberry

from marketplace.claims import services
from marketplace.clock import today
from schema.claims.types import ClaimStatus, CompensationClaim
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.pagination import Connection, service_connection


def claim_type(claim) -> CompensationClaim:  # type: ignore[no-untyped-def]
    return CompensationClaim.from_model(claim, today())


fetch_claim = node_from_service("CompensationClaim", services.get_claim, claim_type)


@strawberry.type
class ClaimQueries:
    @strawberry.field(description="Claims in the viewer's scope. An officer's queue comes soonest-due first; "
                                  "overdueOnly lists the claims past their 17-working-day term.")
    async def claims(
        self,
        info: strawberry.Info,
        status: ClaimStatus | None = None,  # type: ignore[valid-type]
        overdue_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CompensationClaim]:
        return await service_connection(info, services.list_claims, status=status, overdue_only=overdue_only,
                                        first=first, after=after, key=services.claim_cursor, wrap=claim_type)

    @strawberry.field(description="One claim in the viewer's scope.")
    async def claim(self, info: strawberry.Info, id: strawberry.ID) -> CompensationClaim:
        return await fetch_claim(info, decode_id(id, "CompensationClaim"))
