"""Service hours: the provider logs the hours of an hourly service order (in local time, no overlaps,
within the booking); the recipient confirms or disputes them. Confirmed hours are what is consumed and claimed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.audit.services import record as audit, snapshot
from marketplace.catalog.models import ClassifierItem
from marketplace.cleaning import clean_required_text
from marketplace.clock import today
from marketplace.db import utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order, OrderStatus, ServiceLog, ServiceLogStatus
from marketplace.orders.parties import MAX_REASON, advisory_locks, is_hourly, lock_order, order_of_provider
from marketplace.records.models import Entitlement
from marketplace.records.services import clean_iin


MAX_LOGS_PER_CALL = 200
MAX_WORKER_NAME = 200
_OPEN_FOR_HOURS = (OrderStatus.ACCEPTED, OrderStatus.DELIVERED)


# -- service hours --------------------------------------------------------------
def minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


async def logged_minutes(session: AsyncSession, conditions: list[Any]) -> int:
    rows = await session.execute(select(ServiceLog.start_time, ServiceLog.end_time).where(*conditions))
    return sum(minutes_between(s, e) for s, e in rows.all())


def _clean_time(value: dt.time, field: str) -> dt.time:
    if not isinstance(value, dt.time):
        raise DomainError(ErrorCode.INVALID, "A time of day.", field)
    if value.second or value.microsecond:
        raise DomainError(ErrorCode.INVALID, "Whole minutes, please.", field)
    return value.replace(tzinfo=None)


async def log_service_hours(
    session: AsyncSession,
    viewer: Viewer,
    *,
    order_id: int,
    worker_iin: str,
    worker_name: str,
    service_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
) -> ServiceLog:
    """Provider: log a worker's hours on an ACCEPTED hourly service order.

    Refused: a date in the future or before the order was placed, or hours not over yet (all in
    Kazakhstan's time, UTC+5); a worker's
    interval overlapping another of theirs that day, for anyone
    (OVERLAPPING_HOURS); more of an item a day than its daily most (a personal assistant
    8 hours) for one person across all providers, or over the entitlement's daily limit
    (DAILY_LIMIT_EXCEEDED); more hours than the order booked
    (INSUFFICIENT_BALANCE). Disputed logs do not count. Shifts that cross
    midnight are logged as two entries.
    """
    order = await order_of_provider(session, viewer, order_id)
    iin = clean_iin(worker_iin, "workerIin")
    name = clean_required_text(worker_name, "workerName", MAX_WORKER_NAME)
    if not isinstance(service_date, dt.date) or isinstance(service_date, dt.datetime):
        raise DomainError(ErrorCode.INVALID, "A date.", "serviceDate")
    start = _clean_time(start_time, "startTime")
    end = _clean_time(end_time, "endTime")
    if end <= start:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends after it starts (log a night shift as two entries).",
                          "endTime")
    minutes = minutes_between(start, end)
    # Kazakhstan's clock: hours are logged once they are over there, never ahead of time.
    if service_date > today():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Hours cannot be logged ahead of time.", "serviceDate")
    if clock.moment(service_date, end) > clock.now():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "These hours have not ended yet: it is {now} in Kazakhstan.", "endTime",
                          now=clock.local_now().time())
    if service_date < clock.local_date(order.placed_at):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Before the order was placed.", "serviceDate")

    # Serialise every check-then-insert that reads the same sums: the order row,
    # the worker's day (across providers) and the person's day (across providers).
    await advisory_locks(session, [("worker-day", iin, service_date), ("person-day", order.person_id, service_date)])
    await lock_order(session, order)
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if not is_hourly(item):
        raise DomainError(ErrorCode.INVALID, "Hours are logged on hourly service orders only.", "orderId")
    if order.status != OrderStatus.ACCEPTED:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The order is {status}; hours are logged on accepted orders.",
            "orderId", status=order.status,
        )

    counted = ServiceLog.status != ServiceLogStatus.DISPUTED
    same_worker = await session.execute(
        select(ServiceLog.start_time, ServiceLog.end_time).where(
            ServiceLog.worker_iin == iin, ServiceLog.service_date == service_date, counted
        )
    )
    for s, e in same_worker.all():
        if s < end and start < e:
            raise DomainError(
                ErrorCode.OVERLAPPING_HOURS,
                "This worker already has hours from {start} to {end} on that date.",
                "startTime", start=s, end=e,
            )

    day_rows = (
        await session.execute(
            select(ServiceLog.start_time, ServiceLog.end_time, Order.entitlement_id, Order.classifier_item_id)
            .join(Order, Order.id == ServiceLog.order_id)
            .where(ServiceLog.person_id == order.person_id, ServiceLog.service_date == service_date, counted)
        )
    ).all()
    if item.daily_max is not None:
        # The item's daily most holds for the person across all providers and lines of the item.
        most = int(item.daily_max * 60)
        same_item = sum(minutes_between(s, e) for s, e, _, item_id in day_rows if item_id == item.id)
        if same_item + minutes > most:
            raise DomainError(
                ErrorCode.DAILY_LIMIT_EXCEEDED,
                "At most {most} hours a day of this service for one person; {left} left on that date.",
                "endTime", most=item.daily_max, left=_hours(max(0, most - same_item)),
            )
    ent = await session.get(Entitlement, order.entitlement_id)
    assert ent is not None
    if ent.daily_limit is not None:
        used = sum(minutes_between(s, e) for s, e, eid, _ in day_rows if eid == ent.id)
        if Decimal(used + minutes) > ent.daily_limit * 60:
            raise DomainError(
                ErrorCode.DAILY_LIMIT_EXCEEDED,
                "At most {limit} hours a day on this entitlement; {left} h left on that date.",
                "endTime", limit=ent.daily_limit, left=_hours(max(0, int(ent.daily_limit * 60) - used)),
            )
    on_order = await logged_minutes(session, [ServiceLog.order_id == order.id, counted])
    if Decimal(on_order + minutes) > order.quantity * 60:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            "The order booked {quantity} hours; {left} h left.",
            "endTime", quantity=order.quantity, left=_hours(max(0, int(order.quantity * 60) - on_order)),
        )

    log = ServiceLog(
        order_id=order.id,
        person_id=order.person_id,
        provider_id=order.provider_id,
        worker_iin=iin,
        worker_name=name,
        service_date=service_date,
        start_time=start,
        end_time=end,
        hours=(Decimal(minutes) / 60).quantize(Decimal("0.01")),
        status=ServiceLogStatus.LOGGED,
        logged_at=utcnow(),
    )
    session.add(log)
    await session.flush()
    audit(session, viewer, "service_log.logged", log, None, snapshot(log))
    return log


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}:{m:02d}"


async def _logs_of_recipient(
    session: AsyncSession, viewer: Viewer, log_ids: Iterable[int]
) -> list[ServiceLog]:
    viewer.require_role(Role.RECIPIENT)
    ids = sorted({int(i) for i in log_ids})
    if not ids:
        raise DomainError(ErrorCode.REQUIRED, "Name at least one service log.", "logIds")
    if len(ids) > MAX_LOGS_PER_CALL:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} at a time.", "logIds", count=MAX_LOGS_PER_CALL)
    logs = list((await session.execute(select(ServiceLog).where(ServiceLog.id.in_(ids)))).scalars())
    if len(logs) != len(ids) or any(not viewer.acts_for_person(log.person_id) for log in logs):
        raise not_found("service log", "logIds")
    # Lock their orders (in id order): confirm_receipt takes the same lock before it sums the hours.
    order_ids = sorted({log.order_id for log in logs})
    orders = (
        await session.execute(
            select(Order).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalars()
    for o in orders:
        if o.status not in _OPEN_FOR_HOURS:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "The order is {status}.", "logIds", status=o.status)
    return sorted(logs, key=lambda log: log.id)


async def _move_logs(
    session: AsyncSession, viewer: Viewer, logs: list[ServiceLog], new: ServiceLogStatus, action: str,
    **values: Any,
) -> list[ServiceLog]:
    befores = {log.id: snapshot(log) for log in logs}
    if any(log.status != ServiceLogStatus.LOGGED for log in logs):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only logged hours can be confirmed or disputed.", "logIds")
    result = await session.execute(
        update(ServiceLog)
        .where(ServiceLog.id.in_([log.id for log in logs]), ServiceLog.status == ServiceLogStatus.LOGGED)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(logs):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only logged hours can be confirmed or disputed.", "logIds")
    for log in logs:
        await session.refresh(log)
        audit(session, viewer, action, log, befores[log.id], snapshot(log))
    return logs


async def confirm_service_hours(session: AsyncSession, viewer: Viewer, log_ids: Iterable[int]) -> list[ServiceLog]:
    """Recipient: LOGGED → CONFIRMED, all or none. Only confirmed hours are paid."""
    logs = await _logs_of_recipient(session, viewer, log_ids)
    return await _move_logs(session, viewer, logs, ServiceLogStatus.CONFIRMED, "service_log.confirmed",
                            confirmed_at=utcnow())


async def dispute_service_hours(session: AsyncSession, viewer: Viewer, log_id: int, note: str) -> ServiceLog:
    """Recipient: LOGGED → DISPUTED, with a note. Disputed hours are never paid nor counted."""
    why = clean_required_text(note, "note", MAX_REASON, multiline=True)
    logs = await _logs_of_recipient(session, viewer, [log_id])
    return (await _move_logs(session, viewer, logs, ServiceLogStatus.DISPUTED, "service_log.disputed", note=why))[0]
