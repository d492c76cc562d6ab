"""The administrator keeps the state classifier: items created and edited, audited.

Price caps take effect on a date: ``update_classifier_item(price_cap=..., price_cap_from=day)``
with ``day`` today (Almaty) or earlier replaces the cap at once; with a later day it is set
ahead (``next_price_cap``). It is in force from the first minute of its day wherever a price
is made (``ClassifierItem.cap_on(day)``: orders, coverage, self-purchase claims, the API's
classifier), and ``apply_scheduled_caps`` (hourly, and ``tirek apply-caps``) later swaps it
into ``price_cap`` for good. Orders keep the cap they were placed with (``Order.price_cap``), so an
order placed before the change keeps its snapshot and every order placed after it uses the new
cap. An item without a cap is a custom item, ordered by an approved quote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Role
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot, update_audited
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Unit
from marketplace.cleaning import FieldErrors, clean_choice, clean_id, clean_quantity, clean_required_text, clean_text
from marketplace.catalog.validation import clean_price
from marketplace import clock
from marketplace.db import Database, select_for_update
from marketplace.errors import DomainError, ErrorCode

UNSET: Any = object()
MAX_NAME = 300
MAX_CODE = 32
MAX_SERVICE_LIFE_MONTHS = 600
MAX_CAP_AHEAD_DAYS = 3 * 366


def _name(value: Any, field: str) -> str:
    return clean_required_text(value, field, MAX_NAME)


def _code(value: Any) -> str:
    text = clean_text(value, "code", MAX_CODE).upper()
    if not text or any(not (ch.isalnum() or ch in "-._") for ch in text) or not text.isascii():
        raise DomainError(ErrorCode.INVALID, "Latin letters, digits, dash, dot (for example TSR-01-001).", "code")
    return text


def _service_life(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SERVICE_LIFE_MONTHS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "From 1 to {most} months.", "serviceLifeMonths",
                          most=MAX_SERVICE_LIFE_MONTHS)
    return value


def _norm(value: Any, field: str) -> Any:
    """A norm of the item (release per quarter, most per year, most per day): a positive exact
    quantity, or None for no such norm."""
    return None if value is None else clean_quantity(value, field)


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, "true or false.", field)
    return value


NORMS = (("quarterly_release", "quarterlyRelease"), ("yearly_max", "yearlyMax"), ("daily_max", "dailyMax"))


def _cap_day(value: Any) -> dt.date:
    today = clock.today()
    if value is None:
        return today
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(ErrorCode.INVALID, "A date.", "priceCapFrom")
    if value > today + dt.timedelta(days=MAX_CAP_AHEAD_DAYS):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most three years ahead.", "priceCapFrom")
    return value


async def create_classifier_item(
    session: AsyncSession, viewer: Viewer, *, code: Any, name_kk: Any, name_ru: Any, name_en: Any, kind: Any,
    unit: Any, category: Any, price_cap: Any = None, service_life_months: Any = None,
    quarterly_release: Any = None, yearly_max: Any = None, daily_max: Any = None, companion_allowed: Any = False,
) -> ClassifierItem:
    """Admin: a new item (no cap: a custom item, by quote). The cap is in force from today; the
    norms (release per quarter, most per year and per day, a companion allowed) are taken by every
    IRP line issued for it from then on (an officer may only make a line's stricter)."""
    viewer.require_role(Role.ADMIN)
    errors = FieldErrors()
    values = {
        "code": errors.check(_code, code), "name_kk": errors.check(_name, name_kk, "nameKk"),
        "name_ru": errors.check(_name, name_ru, "nameRu"), "name_en": errors.check(_name, name_en, "nameEn"),
        "kind": errors.check(clean_choice, ItemKind, kind, "kind"), "unit": errors.check(clean_choice, Unit, unit, "unit"),
        "category": errors.check(clean_choice, ItemCategory, category, "category"),
        "price_cap": errors.check(clean_price, price_cap, "priceCap") if price_cap is not None else None,
        "service_life_months": errors.check(_service_life, service_life_months),
        "quarterly_release": errors.check(_norm, quarterly_release, "quarterlyRelease"),
        "yearly_max": errors.check(_norm, yearly_max, "yearlyMax"),
        "daily_max": errors.check(_norm, daily_max, "dailyMax"),
        "companion_allowed": errors.check(_flag, companion_allowed, "companionAllowed"),
    }
    errors.raise_if_any()
    if (await session.execute(select(ClassifierItem.id).where(ClassifierItem.code == values["code"]))).first():
        raise DomainError(ErrorCode.DUPLICATE, "An item with this code exists.", "code")
    item = ClassifierItem(**values, price_cap_from=clock.today() if values["price_cap"] else None, is_active=True)
    session.add(item)
    await session.flush()
    audit(session, viewer, "classifier_item.created", item, None, snapshot(item))
    return item


async def update_classifier_item(
    session: AsyncSession, viewer: Viewer, item_id: int, *, name_kk: Any = UNSET, name_ru: Any = UNSET,
    name_en: Any = UNSET, unit: Any = UNSET, kind: Any = UNSET, service_life_months: Any = UNSET,
    is_active: Any = UNSET, price_cap: Any = UNSET, price_cap_from: Any = None,
    quarterly_release: Any = UNSET, yearly_max: Any = UNSET, daily_max: Any = UNSET, companion_allowed: Any = UNSET,
) -> ClassifierItem:
    """Admin: change the given fields. A new ``price_cap`` takes effect on ``price_cap_from``
    (default today): at once if that day has come, otherwise on that day. A norm given as None is
    removed; lines already issued keep the norms they were issued with."""
    viewer.require_role(Role.ADMIN)
    item = await fetch_one_in_scope(
        session, select_for_update(ClassifierItem, clean_id(item_id, "classifier item", "classifierItemId")),
        "classifier item", "classifierItemId",
    )
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for field, value, clean in (("name_kk", name_kk, lambda v: _name(v, "nameKk")),
                                ("name_ru", name_ru, lambda v: _name(v, "nameRu")),
                                ("name_en", name_en, lambda v: _name(v, "nameEn")),
                                ("unit", unit, lambda v: clean_choice(Unit, v, "unit")),
                                ("kind", kind, lambda v: clean_choice(ItemKind, v, "kind")),
                                ("service_life_months", service_life_months, _service_life),
                                ("quarterly_release", quarterly_release, lambda v: _norm(v, "quarterlyRelease")),
                                ("yearly_max", yearly_max, lambda v: _norm(v, "yearlyMax")),
                                ("daily_max", daily_max, lambda v: _norm(v, "dailyMax")),
                                ("companion_allowed", companion_allowed, lambda v: _flag(v, "companionAllowed"))):
        if value is not UNSET:
            values[field] = errors.check(clean, value)
    if is_active is not UNSET:
        if not isinstance(is_active, bool):
            errors.errors.append(DomainError(ErrorCode.INVALID, "true or false.", "isActive"))
        values["is_active"] = is_active
    if price_cap is not UNSET:
        if price_cap is None:
            errors.errors.append(DomainError(ErrorCode.INVALID, "A cap cannot be removed from an item with one; "
                                                                "create a custom item instead.", "priceCap"))
        cap = errors.check(clean_price, price_cap, "priceCap") if price_cap is not None else None
        day = errors.check(_cap_day, price_cap_from)
        if cap is not None and day is not None:
            if day <= clock.today():
                values.update(price_cap=cap, price_cap_from=day, next_price_cap=None, next_price_cap_from=None)
            else:
                values.update(next_price_cap=cap, next_price_cap_from=day)
    errors.raise_if_any()
    if not values:
        return item
    await update_audited(session, viewer, item, "classifier_item.updated", values)
    return item


async def apply_scheduled_caps(db: Database, today: dt.date | None = None) -> int:
    """Every cap set ahead whose day has come (Almaty date by default) replaces the item's cap,
    audited with no actor. Idempotent; returns how many items changed."""
    day = today or clock.today()
    async with db.transaction() as session:
        items = list((await session.execute(
            select(ClassifierItem).where(ClassifierItem.next_price_cap_from <= day).order_by(ClassifierItem.id)
            .with_for_update().execution_options(populate_existing=True)
        )).scalars())
        for item in items:
            before = snapshot(item)
            await session.execute(
                update(ClassifierItem).where(ClassifierItem.id == item.id, ClassifierItem.next_price_cap_from <= day)
                .values(price_cap=ClassifierItem.next_price_cap, price_cap_from=ClassifierItem.next_price_cap_from,
                        next_price_cap=None, next_price_cap_from=None)
                .execution_options(synchronize_session=False))
            await session.refresh(item)
            audit(session, None, "classifier_item.cap_applied", item, before, snapshot(item))
        return len(items)
