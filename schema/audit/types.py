"""Audit events as GraphQL types."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from marketplace.audit import models as m
from schema.core.ids import to_global_id


@strawberry.type(description="One state change: who, when, what it was and what it became.")
class AuditEvent:
    id: strawberry.ID
    occurred_at: dt.datetime
    action: str
    actor_username: str | None
    subject_id: strawberry.ID
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_model(cls, e: m.AuditEvent, actor_username: str | None) -> "AuditEvent":
        return cls(
            id=strawberry.ID(to_global_id("AuditEvent", e.id)), occurred_at=e.occurred_at, action=e.action,
            actor_username=actor_username, subject_id=strawberry.ID(to_global_id(e.subject_type, e.subject_id)),
            before=e.before, after=e.after,
        )
