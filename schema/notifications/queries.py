"""Queries of the signed-in account's notifications."""

from __future__ import annotations

import strawberry

from marketplace.notifications import services
from schema.core.ids import decode_id
from schema.core.node import node_from_service
from schema.core.ids import BIGINT_MAX
from schema.core.pagination import Connection, build_connection, counter, decode_id_cursor, page_size
from schema.notifications.types import Notification


fetch_notification = node_from_service("Notification", services.get_notification, Notification.from_model)


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="The signed-in account's notifications, newest first.")
    async def notifications(
        self, info: strawberry.Info, unread_only: bool = False, first: int | None = None, after: str | None = None,
    ) -> Connection[Notification]:
        size = page_size(first)
        async with info.context.db.session() as session:
            rows = await services.list_notifications(
                session, info.context.viewer, unread_only=unread_only, first=size, after=decode_id_cursor(after, BIGINT_MAX)
            )
        return build_connection(rows, size, key=lambda n: [n.id], wrap=Notification.from_model,
                                count=counter(info, services.list_notifications, unread_only=unread_only),
                                has_previous=after is not None)

    @strawberry.field(description="How many of the signed-in account's notifications are unread.")
    async def unread_notification_count(self, info: strawberry.Info) -> int:
        async with info.context.db.session() as session:
            return await services.count_unread(session, info.context.viewer)

    @strawberry.field(description="One of the signed-in account's notifications.")
    async def notification(self, info: strawberry.Info, id: strawberry.ID) -> Notification:
        return await fetch_notification(info, decode_id(id, "Notification"))
