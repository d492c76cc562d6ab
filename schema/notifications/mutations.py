"""Marking notifications read."""

from __future__ import annotations

import strawberry

from marketplace.errors import DomainError, ErrorCode
from marketplace.notifications import services
from schema.core.errors import UserError
from schema.core.ids import decode_id
from schema.core.mutations import in_transaction

MAX_IDS = services.MAX_MARK


@strawberry.type
class MarkNotificationsReadPayload:
    updated_count: int = 0
    unread_count: int | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(description="Mark the signed-in account's notifications read: the ids given (all must "
                                     "be the account's own), or every unread one with all: true.")
    async def mark_notifications_read(
        self, info: strawberry.Info, ids: list[strawberry.ID] | None = None, all: bool = False,
    ) -> MarkNotificationsReadPayload:
        async def work(session):  # type: ignore[no-untyped-def]
            if ids is not None and len(ids) > MAX_IDS:
                raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} at a time.", "ids", count=MAX_IDS)
            pks = [decode_id(i, "Notification", "ids") for i in ids or []]
            changed = await services.mark_read(session, info.context.viewer, pks, all_unread=all)
            return changed, await services.count_unread(session, info.context.viewer)

        result, errors = await in_transaction(info, work)
        if result is None:
            return MarkNotificationsReadPayload(errors=errors)
        return MarkNotificationsReadPayload(updated_count=result[0], unread_count=result[1])
