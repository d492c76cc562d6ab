"""Notifications as GraphQL types."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.notifications import models as m
from schema.core.ids import to_global_id
from schema.core.node import Node


@strawberry.type(description="Something that concerns the signed-in account, in its language.")
class Notification(Node):
    kind: str = strawberry.field(description="What happened, e.g. order.accepted, claim.paid, term.due_soon.")
    title: str
    body: str
    subject_type: str | None = strawberry.field(description="The type of the object it is about.")
    subject_id: strawberry.ID | None = strawberry.field(description="The global id of the object it is about.")
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, n: m.Notification) -> Notification:
        subject = (
            strawberry.ID(to_global_id(n.subject_type, n.subject_id))
            if n.subject_type and n.subject_id else None
        )
        return cls(
            id=strawberry.ID(to_global_id("Notification", n.id)), pk=n.id, kind=n.kind, title=n.title, body=n.body,
            subject_type=n.subject_type, subject_id=subject, created_at=n.created_at, read_at=n.read_at,
            is_read=n.read_at is not None,
        )
