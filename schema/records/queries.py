"""Queries of records and IRPs: a recipient's entitlements, a person's records."""

from __future__ import annotations

import strawberry

from marketplace.records import services
from schema.accounts.types import Person
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.records.types import DisabilityRecord, Entitlement


node_from_service("Entitlement", services.get_entitlement, Entitlement.from_model)


node_from_service("DisabilityRecord", services.get_record, DisabilityRecord.from_model)


@strawberry.type
class RecordQueries:
    @strawberry.field(description="The signed-in recipient's IRP entitlements (and those of persons they represent), with balances.")
    async def my_entitlements(self, info: strawberry.Info, include_closed: bool = False) -> list[Entitlement]:
        async with info.context.db.session() as session:
            rows = await services.my_entitlements(session, info.context.viewer, include_closed=include_closed)
        return [Entitlement.from_model(e) for e in rows]

    @strawberry.field(description="A person's entitlements, for an officer of the region (or the person).")
    async def entitlements(self, info: strawberry.Info, person_id: strawberry.ID, include_closed: bool = True) -> list[Entitlement]:
        async with info.context.db.session() as session:
            rows = await services.list_entitlements(
                session, info.context.viewer, decode_id(person_id, "Person", "personId"), include_closed=include_closed
            )
        return [Entitlement.from_model(e) for e in rows]

    @strawberry.field(description="Officer of the person's region (or admin): the person with this IIN.")
    async def person_by_iin(self, info: strawberry.Info, iin: str) -> Person:
        async with info.context.db.session() as session:
            return Person.from_model(await services.find_person_by_iin(session, info.context.viewer, iin))

    @strawberry.field(description="A person's disability records, newest first.")
    async def disability_records(self, info: strawberry.Info, person_id: strawberry.ID) -> list[DisabilityRecord]:
        async with info.context.db.session() as session:
            rows = await services.list_records(session, info.context.viewer, decode_id(person_id, "Person", "personId"))
        return [DisabilityRecord.from_model(r) for r in rows]


__all__ = ["Person", "RecordQueries"]
