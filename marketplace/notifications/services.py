"""Notifications: reading and marking one's own, live delivery, and the officers' term reminders.

How a notification comes to be: ``notices`` (what an audit event tells whom) and ``events``
(installed with the ``Database``: derived in the flush, delivered after commit).

Live subscriptions (``live_notifications``) read the table, which is the source of truth: they
wake on the bus and also poll every ``poll_interval`` seconds, so a notification written by
another API process arrives too.

Reading: ``list_notifications``, ``count_unread``, ``mark_read`` (own only).
Reminders: ``notify_terms_due(db, today)`` tells the region's officers about applications and
claims due within two working days, once per subject and day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.applications.models import Application, ApplicationStatus
from marketplace.calendar import add_working_days, working_days_between
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.cleaning import clean_page_size
from marketplace.db import Database, id_page, run_in_transaction, utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.notifications import delivery, messages
from marketplace.notifications.models import Notification
from marketplace.notifications.notices import PENDING, REGION, Notice, resolve

log = logging.getLogger("tirek.notifications")

MAX_PAGE = 100
MAX_MARK = 500
DUE_SOON_WORKING_DAYS = 2


# -- reading and marking ----------------------------------------------------------------------
def _account_of(viewer: Viewer) -> int:
    viewer.require_authenticated()
    assert viewer.account_id is not None
    return viewer.account_id


async def list_notifications(
    session: AsyncSession, viewer: Viewer, *, unread_only: bool = False, first: int = 20, after: int | None = None,
    count_only: bool = False,
) -> list[Notification] | int:
    """The viewer's own notifications, newest first, keyset-paged by id (``after``: the last id
    of the previous page). Returns up to ``first + 1`` rows (an extra row: there is a next page)."""
    account_id = _account_of(viewer)
    clean_page_size(first)
    stmt = select(Notification).where(Notification.account_id == account_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if not count_only and after is not None and (isinstance(after, bool) or not isinstance(after, int)):
        raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
    return await id_page(session, stmt, Notification, first=first, after=after, count_only=count_only,
                         newest_first=True)


async def count_unread(session: AsyncSession, viewer: Viewer) -> int:
    account_id = _account_of(viewer)
    stmt = select(func.count()).select_from(Notification).where(
        Notification.account_id == account_id, Notification.read_at.is_(None)
    )
    return int((await session.execute(stmt)).scalar_one())


async def get_notification(session: AsyncSession, viewer: Viewer, notification_id: int) -> Notification:
    account_id = _account_of(viewer)
    row = await session.get(Notification, notification_id)
    if row is None or row.account_id != account_id:
        raise not_found("notification", "id")
    return row


async def mark_read(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int] | None = None, *, all_unread: bool = False
) -> int:
    """Mark the viewer's own notifications read: the ``ids`` given (all or none: an id that is
    not the viewer's is NOT_FOUND, exactly as a missing one), or every unread one. Returns how
    many changed (already read ones do not count)."""
    account_id = _account_of(viewer)
    now = utcnow()
    if all_unread:
        if ids:
            raise DomainError(ErrorCode.INVALID, "Give ids or all, not both.", "ids")
        result = await session.execute(
            update(Notification)
            .where(Notification.account_id == account_id, Notification.read_at.is_(None))
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)
    wanted = sorted(set(ids or []))
    if not wanted:
        raise DomainError(ErrorCode.REQUIRED, "Name at least one notification.", "ids")
    if len(wanted) > MAX_MARK:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} at a time.", "ids", count=MAX_MARK)
    own = set(
        (await session.execute(
            select(Notification.id).where(Notification.id.in_(wanted), Notification.account_id == account_id)
        )).scalars()
    )
    if own != set(wanted):
        raise not_found("notification", "ids")
    result = await session.execute(
        update(Notification)
        .where(Notification.id.in_(wanted), Notification.account_id == account_id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# -- live delivery ----------------------------------------------------------------------------
async def latest_id(db: Database, account_id: int) -> int:
    async with db.session() as s:
        value = (await s.execute(
            select(func.max(Notification.id)).where(Notification.account_id == account_id)
        )).scalar_one()
    return int(value or 0)


async def live_notifications(
    db: Database,
    account_id: int,
    *,
    after_id: int | None = None,
    poll_interval: float = 1.0,
    lookback: dt.timedelta = dt.timedelta(seconds=30),
    still_allowed: Callable[[], Awaitable[None]] | None = None,
    recheck_every: float = 60.0,
) -> AsyncIterator[Notification]:
    """Yield the account's notifications newer than ``after_id`` (default: the newest at start),
    as they are committed, oldest first, each once.

    Wakes on the in-process bus and polls the table every ``poll_interval`` seconds (another
    API process may have written the row). Ids are handed out before commit, so a row with a
    lower id can commit after a higher one: rows created within ``lookback`` are looked at
    again, and those already sent are skipped. ``still_allowed`` (raising a DomainError when
    the account was disabled or its token revoked) is called every ``recheck_every`` seconds.
    """
    loop = asyncio.get_running_loop()
    with delivery.bus.subscribe(account_id) as waiter:
        floor = after_id if after_id is not None else await latest_id(db, account_id)
        cursor = floor
        sent: dict[int, dt.datetime] = {}
        checked_at = loop.time()
        while True:
            since = utcnow() - lookback
            async with db.session() as s:
                rows = list((await s.execute(
                    select(Notification)
                    .where(
                        Notification.account_id == account_id,
                        Notification.id > floor,
                        or_(Notification.id > cursor, Notification.created_at >= since),
                    )
                    .order_by(Notification.id)
                    .limit(MAX_PAGE)
                )).scalars())
            for row in rows:
                if row.id in sent:
                    continue
                sent[row.id] = row.created_at
                cursor = max(cursor, row.id)
                yield row
            for nid in [n for n, at in sent.items() if at < since]:
                del sent[nid]
            if len(rows) == MAX_PAGE:
                continue  # more waiting: no need to sleep
            if still_allowed is not None and loop.time() - checked_at >= recheck_every:
                await still_allowed()
                checked_at = loop.time()
            await waiter.wait(poll_interval)


# -- reminders: terms about to be missed, and missed ------------------------------------------
async def _term_notices(s: AsyncSession, today: dt.date, horizon: dt.date) -> list[Notice]:
    """A reminder for each undecided application and claim due by ``horizon``: "due soon" until
    its due date, "overdue" every day after it until it is decided."""
    notices: list[Notice] = []
    sources = (
        (Application, Application.status == ApplicationStatus.SUBMITTED, "application_id"),
        (CompensationClaim, CompensationClaim.status == ClaimStatus.SUBMITTED, "claim_id"),
    )
    for model, pending, id_key in sources:
        rows = (await s.execute(
            select(model.id, model.region_id, model.due_date)  # type: ignore[attr-defined]
            .where(pending, model.due_date <= horizon)  # type: ignore[attr-defined]
            .order_by(model.due_date, model.id)  # type: ignore[attr-defined]
        )).all()
        subject = model.__name__
        for pk, region_id, due in rows:
            template = "term.overdue" if due < today else "term.due_soon"
            notices.append(Notice(
                template=template, audience=(REGION, region_id), subject_type=subject, subject_id=pk,
                params={"what": messages.SUBJECTS[subject], "number": pk, "due": due,
                        "left": working_days_between(today, due), "late": working_days_between(due, today)},
                payload={"action": template, id_key: pk, "due_date": due.isoformat()},
                dedup_key=f"term:{subject}:{pk}:{today.isoformat()}",
            ))
    return notices


def _add_reminders(sync: Session, notices: list[Notice], done: set[tuple[int, str | None]]) -> int:
    """Add each reminder for each officer it reaches that does not have it yet; how many were added."""
    accounts = resolve(sync, (n.audience for n in notices))
    pending = sync.info.setdefault(PENDING, [])
    now = utcnow()
    added = 0
    for n in notices:
        for target in accounts.get(n.audience, []):
            if (target.account_id, n.dedup_key) in done:
                continue
            title, body = messages.render(n.template, target.language, n.params)
            row = Notification(
                account_id=target.account_id, kind=n.template, title=title, body=body, subject_type=n.subject_type,
                subject_id=n.subject_id, payload=n.payload, created_at=now, read_at=None, dedup_key=n.dedup_key,
            )
            sync.add(row)
            pending.append((row, target))
            added += 1
    return added


async def notify_terms_due(db: Database, today: dt.date | None = None) -> int:
    """Tell the region's officers about every SUBMITTED application and claim whose due date
    falls within ``DUE_SOON_WORKING_DAYS`` working days of ``today`` (Kazakhstan's date by
    default), and, every day until it is decided, about each one already overdue.

    Idempotent per (subject, officer, day): a second run the same day adds nothing (a unique
    index on (account, dedup key) settles even two runs at once). Returns how many were created.
    """
    day = today or clock.today()
    horizon = add_working_days(day, DUE_SOON_WORKING_DAYS)
    # A concurrent run that wrote the same reminders first makes this one lose a unique index:
    # ``run_in_transaction`` runs it again, and the next attempt sees them.
    return await run_in_transaction(db, _send_term_reminders, None, day, horizon)


async def _send_term_reminders(s: AsyncSession, _viewer: None, day: dt.date, horizon: dt.date) -> int:
    notices = await _term_notices(s, day, horizon)
    if not notices:
        return 0
    keys = {n.dedup_key for n in notices}
    done: set[tuple[int, str | None]] = set(
        (await s.execute(
            select(Notification.account_id, Notification.dedup_key).where(
                Notification.dedup_key.in_(keys) if keys else false()
            )
        )).all()
    )
    created = await s.run_sync(_add_reminders, notices, done)
    await s.flush()
    return int(created)


async def run_term_reminders(db: Database, *, every_seconds: float, stop: asyncio.Event) -> None:
    """Run ``notify_terms_due`` now and then every ``every_seconds`` until ``stop`` is set.

    Safe in every API process at once: reminders are unique per (subject, officer, day), so
    several processes, or ``tirek notify-terms-due`` from cron as well, never send one twice.
    A failed round (the database away) is logged and retried at the next one.
    """
    while not stop.is_set():
        try:
            created = await notify_terms_due(db)
            if created:
                log.info("term reminders: %d sent", created)
        except Exception:  # noqa: BLE001 - a background loop logs and goes on
            log.warning("term reminders failed; retrying in %.0f s", every_seconds, exc_info=True)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)
        except TimeoutError:
            pass
