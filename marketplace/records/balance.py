"""Balance moves on an entitlement: reserve, release, consume.

An entitlement's balance is ``quantity − reserved − consumed``. Every move is ONE conditional
UPDATE (race-safe on both databases) whose row count is checked, and one audit event:

- ``reserve_balance``: reserved += qty, only while the line is active on the day, the balance
  covers it and (for quota lines) the release so far allows it. Orders (and so trips and quotes)
  and self-purchase claims reserve through it; a refusal names the rule that held it back.
- ``release_balance``: reserved −= qty (an order declined or cancelled, a claim rejected).
- ``consume_balance``: reserved −= the reservation, consumed += what was used of it (an order
  confirmed, a self-purchase claim paid); the rest of the reservation returns to the balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.access import Viewer
from marketplace.audit.services import record as audit
from marketplace.db import Quantity
from marketplace.errors import DomainError, ErrorCode
from marketplace.records.models import Entitlement, EntitlementStatus
from marketplace.records.norms import quarter_refusal, released_so_far

#: An audit event's arguments after the session and viewer: action, subject, before, after.
BalanceEvent = tuple[str, Entitlement, dict[str, Any], dict[str, Any]]

_BALANCE_COLUMNS = (Entitlement.quantity, Entitlement.reserved, Entitlement.consumed, Entitlement.status,
                    Entitlement.valid_from, Entitlement.valid_until)


def _build_reserve(quarterly: bool) -> Any:
    """The conditional UPDATE of ``reserve_balance``, built once (bound parameters ``ent_id``, ``day``,
    ``qty`` and, for quarterly lines, ``released``)."""
    day = bindparam("day", type_=Date)
    qty = bindparam("qty", type_=Quantity)
    conditions = [
        Entitlement.id == bindparam("ent_id", type_=Integer),
        Entitlement.status == EntitlementStatus.ACTIVE,
        Entitlement.valid_from <= day,
        Entitlement.valid_until >= day,
        Entitlement.quantity - Entitlement.reserved - Entitlement.consumed >= qty,
    ]
    if quarterly:
        conditions.append(Entitlement.reserved + Entitlement.consumed + qty <= bindparam("released", type_=Quantity))
    return (
        update(Entitlement)
        .where(*conditions)
        .values(reserved=Entitlement.reserved + qty)
        .returning(*_BALANCE_COLUMNS)
        .execution_options(synchronize_session=False)
    )


def _build_settle() -> Any:
    """reserved −= ``held``, consumed += ``used``, only while the reservation is there."""
    held = bindparam("held", type_=Quantity)
    used = bindparam("used", type_=Quantity)
    return (
        update(Entitlement)
        .where(Entitlement.id == bindparam("ent_id", type_=Integer), Entitlement.reserved >= held)
        .values(reserved=Entitlement.reserved - held, consumed=Entitlement.consumed + used)
        .returning(*_BALANCE_COLUMNS)
        .execution_options(synchronize_session=False)
    )


_RESERVE = _build_reserve(False)
_RESERVE_RELEASED = _build_reserve(True)
_SETTLE = _build_settle()


def _as_committed(ent: Entitlement, row: Any) -> None:
    """What the database now holds, as if the entitlement had been refreshed (no second read)."""
    for name, value in row._mapping.items():
        set_committed_value(ent, name, value)


async def reserve_balance(
    session: AsyncSession,
    viewer: Viewer,
    ent: Entitlement,
    qty: Decimal,
    day: dt.date,
    *,
    note: dict[str, Any],
    audit_now: bool = True,
) -> BalanceEvent:
    """reserved += qty in one conditional UPDATE; the refusal names the rule that held it back.

    The UPDATE returns the new balance columns; only a refusal reads the row again, to say why.
    The audit event (``note`` added to its after) is added here, or (``audit_now=False``) its
    arguments are returned for the caller to add with its own events in one INSERT."""
    params: dict[str, Any] = {"ent_id": ent.id, "day": day, "qty": qty}
    if ent.quarterly_release is not None:
        # quarterly_release and valid_from never change after issue, so ``released`` is a constant here.
        params["released"] = released_so_far(ent, day)
    statement = _RESERVE_RELEASED if "released" in params else _RESERVE
    updated = (await session.execute(statement, params)).first()
    if updated is None:
        await session.refresh(ent)
        if not ent.is_active_on(day):
            raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement is not active.", "entitlementId")
        if ent.balance < qty:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE, "Only {left} left on this entitlement.", "quantity",
                left=max(Decimal(0), ent.balance),
            )
        raise quarter_refusal(ent, day)
    _as_committed(ent, updated)
    event: BalanceEvent = (
        "entitlement.reserved",
        ent,
        {"reserved": str(ent.reserved - qty)},
        {"reserved": str(ent.reserved), **note},
    )
    if audit_now:
        audit(session, viewer, *event)
    return event


async def _settle(
    session: AsyncSession,
    viewer: Viewer,
    entitlement_id: int,
    *,
    held: Decimal,
    used: Decimal,
    action: str,
    note: dict[str, Any] | None,
) -> None:
    ent = await session.get(Entitlement, entitlement_id)
    assert ent is not None
    updated = (await session.execute(_SETTLE, {"ent_id": entitlement_id, "held": held, "used": used})).first()
    if updated is None:  # pragma: no cover - an order's or claim's reservation is always on its entitlement
        raise RuntimeError(f"entitlement {entitlement_id}: reservation of {held} missing")
    _as_committed(ent, updated)
    if note is None:
        return
    before = {"reserved": str(ent.reserved + held), "consumed": str(ent.consumed - used)}
    audit(session, viewer, action, ent, before, {"reserved": str(ent.reserved), "consumed": str(ent.consumed), **note})


async def release_balance(
    session: AsyncSession, viewer: Viewer, entitlement_id: int, qty: Decimal, *, note: dict[str, Any] | None
) -> None:
    """reserved −= qty: a reservation returns to the balance. ``note=None`` writes no audit event
    (undoing, in the same transaction, a reservation whose own event was not written yet)."""
    await _settle(session, viewer, entitlement_id, held=qty, used=Decimal(0), action="entitlement.released",
                  note=note)


async def consume_balance(
    session: AsyncSession,
    viewer: Viewer,
    entitlement_id: int,
    qty: Decimal,
    *,
    reserved: Decimal | None = None,
    note: dict[str, Any],
) -> None:
    """consumed += qty out of a reservation of ``reserved`` (default: qty), which is taken off;
    what was reserved and not used returns to the balance."""
    await _settle(session, viewer, entitlement_id, held=qty if reserved is None else reserved, used=qty,
                  action="entitlement.consumed", note=note)
