"""Marking notifications read."""

from __future__ import annotations

import strawberry

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.notifications import services
from schema.core.errors import Payload
from schema.core.inputs import id_list
from schema.core.mutations import mutation, transaction

MAX_IDS = services.MAX_MARK


@strawberry.type
class MarkNotificationsReadPayload(Payload):
    updated_count: int = 0
    unread_count: int | None = None


@strawberry.type
class NotificationMutations:
    @mutation(description="Mark the signed-in account's notifications read: the ids given (all must "
                          "be the account's own), or every unread one with all: true.")
    async def mark_notifications_read(
        self, info: strawberry.Info, ids: list[strawberry.ID] | None = None, all: bool = False,
    ) -> MarkNotificationsReadPayload:
        pks = id_list(ids or [], "Notification", "ids", at_most=MAX_IDS)

        async def mark(session: AsyncSession, viewer: Viewer) -> tuple[int, int]:
            return (await services.mark_read(session, viewer, pks, all_unread=all),
                    await services.count_unread(session, viewer))

        updated, unread = await transaction(info, mark)
        return MarkNotificationsReadPayload(updated_count=updated, unread_count=unread)
