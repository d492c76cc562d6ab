"""The audit trail query."""

from __future__ import annotations

import strawberry

from marketplace.trail import audit_trail
from schema.audit.types import AuditEvent
from schema.core.ids import parse_global_id


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Who did what and when to one object, oldest first; for those who may see it.")
    async def audit_trail(self, info: strawberry.Info, subject_id: strawberry.ID) -> list[AuditEvent]:
        type_name, pk = parse_global_id(subject_id)
        async with info.context.db.session() as session:
            rows = await audit_trail(session, info.context.viewer, type_name, pk)
        return [AuditEvent.from_model(event, username) for event, username in rows]
