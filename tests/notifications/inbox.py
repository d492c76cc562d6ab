"""What an account's inbox holds (notifications read back), and a delivery adapter test double that keeps what it is given."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.notifications.delivery import DeliveryAdapter, OutgoingMessage
from marketplace.notifications.models import Notification


@dataclass(frozen=True)
class Note:
    kind: str
    title: str
    body: str
    subject_type: str | None
    subject_id: int | None


async def notes(db, account_id: int) -> list[Note]:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        rows = (await s.execute(
            select(Notification).where(Notification.account_id == account_id).order_by(Notification.id)
        )).scalars()
        return [Note(n.kind, n.title, n.body, n.subject_type, n.subject_id) for n in rows]


async def kinds(db, account_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.kind for n in await notes(db, account_id)]


class RecordingAdapter(DeliveryAdapter):
    """The test double: keeps every message it is given."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)
