"""Live notifications over a websocket (graphql-transport-ws or graphql-ws).

The websocket is authenticated by the bearer token, given in the
``connection_init`` payload as ``{"authorization": "Bearer <token>"}`` (what
browser clients can send) or, for other clients, in the upgrade request's
``Authorization`` header. The account is checked again every minute: a
disabled account or a revoked token ends the subscription.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from marketplace.accounts.access import Viewer
from marketplace.accounts.services import viewer_from_token
from marketplace.errors import DomainError, ErrorCode
from marketplace.notifications import services
from schema.core.ids import decode_id
from schema.notifications.types import Notification

RECHECK_EVERY = 60.0


def _token(info: strawberry.Info) -> str | None:
    params: Any = getattr(info.context, "connection_params", None) or {}
    value = None
    if isinstance(params, dict):
        value = params.get("authorization") or params.get("Authorization") or params.get("token")
        headers = params.get("headers")
        if value is None and isinstance(headers, dict):
            value = headers.get("authorization") or headers.get("Authorization")
    if value is None and info.context.request is not None:
        value = info.context.request.headers.get("authorization")
    if not isinstance(value, str) or not value.strip():
        return None
    scheme, _, rest = value.strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" and rest.strip() else value.strip()


async def _viewer(info: strawberry.Info, token: str | None) -> Viewer:
    viewer: Viewer = info.context.viewer
    if viewer.is_authenticated:
        return viewer
    if token is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first: send the bearer token in connection_init.")
    async with info.context.db.session() as session:
        return await viewer_from_token(session, info.context.settings, token)


@strawberry.type
class NotificationSubscription:
    @strawberry.subscription(description="The signed-in account's notifications as they happen. With after "
                                         "(a notification id) it first replays the newer ones, so a client "
                                         "that reconnects misses nothing.")
    async def notifications(
        self, info: strawberry.Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[Notification, None]:
        token = _token(info)
        viewer = await _viewer(info, token)
        assert viewer.account_id is not None
        after_id = decode_id(after, "Notification", "after") if after is not None else None

        async def still_allowed() -> None:
            if token is not None:
                async with info.context.db.session() as session:
                    await viewer_from_token(session, info.context.settings, token)

        interval = info.context.services.notification_poll_interval
        async for row in services.live_notifications(
            info.context.db, viewer.account_id, after_id=after_id, poll_interval=interval,
            still_allowed=still_allowed, recheck_every=RECHECK_EVERY,
        ):
            yield Notification.from_model(row)
