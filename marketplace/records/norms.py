"""The classifier's norms on IRP lines, in one place.

Every path that creates a line (an officer's ``issue_entitlement``, ``tirek import-irp``, an
application's approval, the demo seed, ``tirek generate``) takes its norms from ``line_norms``,
and every path that spends one (orders, self-purchase claims) asks ``check_yearly_spending`` and
``quarter_refusal``. The norms are data on ``ClassifierItem``:

- ``quarterly_release`` (absorbent underwear 365): a line of such an item always has a release;
  the officer may give a smaller one, never a larger one;
- ``daily_max`` (personal assistant 8 hours): the line's daily limit, the officer's only stricter;
- ``yearly_max`` (sign language 60 hours): the lines of the item that touch a calendar year hold
  at most that much for the person, and orders and claims placed in the year never spend more;
- ``companion_allowed``: a line may cover a companion, for group I and children only.

A value looser than the norm is refused (OUT_OF_RANGE, naming the field), never clamped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.calendar import add_months
from marketplace.catalog.models import ClassifierItem, Unit
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.clock import local_year
from marketplace.orders.models import Order, OrderStatus
from marketplace.errors import N_, DomainError, ErrorCode, Phrase
from marketplace.records.models import DisabilityGroup, Entitlement, EntitlementStatus

ZERO = Decimal("0.00")
COMPANION_GROUPS = frozenset({DisabilityGroup.I, DisabilityGroup.CHILD})


@dataclass(frozen=True)
class LineNorms:
    """The norms a new IRP line carries."""

    quarterly_release: Decimal | None
    daily_limit: Decimal | None
    with_companion: bool


def line_norms(
    item: ClassifierItem,
    group: DisabilityGroup | None,
    *,
    quantity: Decimal,
    quarterly_release: Decimal | None = None,
    daily_limit: Decimal | None = None,
    with_companion: bool = False,
) -> LineNorms:
    """The norms of a line of ``quantity`` units of ``item`` for a person of ``group``.

    ``quarterly_release`` and ``daily_limit`` are the officer's (already cleaned) values or None
    for the item's own; they may only be stricter than the item's norm."""
    release = _stricter(item.quarterly_release, quarterly_release, quantity, N_("a quarter"), "quarterlyRelease")
    limit = _stricter(item.daily_max, daily_limit, quantity, N_("a day"), "dailyLimit")
    if daily_limit is not None and item.unit == Unit.HOUR and daily_limit > 24:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "A day has 24 hours.", "dailyLimit")
    if item.yearly_max is not None and quantity > item.yearly_max:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {most} a year for this item (the classifier's norm).", "quantity",
                          most=_n(item.yearly_max))
    if with_companion:
        if not item.companion_allowed:
            raise DomainError(ErrorCode.NOT_ELIGIBLE, "This item is not given with a companion.", "withCompanion")
        if group not in COMPANION_GROUPS:
            raise DomainError(ErrorCode.NOT_ELIGIBLE, "A companion is for group I and for children.", "withCompanion")
    return LineNorms(quarterly_release=release, daily_limit=limit, with_companion=bool(with_companion))


def _stricter(norm: Decimal | None, given: Decimal | None, quantity: Decimal, per: str, field: str) -> Decimal | None:
    """The officer's value where given (never looser than the item's norm, never more than the
    line's quantity), else the norm."""
    if given is None:
        return norm
    if norm is not None and given > norm:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {most} {per} for this item (the classifier's norm).", field,
                          most=_n(norm), per=Phrase(per))
    if given > quantity:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most the line's quantity ({quantity}) {per}.", field,
                          quantity=_n(quantity), per=Phrase(per))
    return given


def _n(amount: Decimal) -> Decimal:
    """An amount as people write it: 8, 1460, 2.5 (not 8.00); a message formats it per language."""
    return Decimal(f"{amount.normalize():f}" if amount == amount.to_integral_value() else f"{amount:f}")


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


async def check_yearly_lines(
    session: AsyncSession, item: ClassifierItem, person_id: int, *, quantity: Decimal,
    valid_from: dt.date, valid_until: dt.date,
) -> None:
    """Refuse a new line that would put more than the item's yearly most on the person's lines
    touching any calendar year of its period. An active line counts whole (all of it could be
    spent in that year); a closed one counts what was spent of it."""
    if item.yearly_max is None:
        return
    for year in range(valid_from.year, valid_until.year + 1):
        first, last = _year(year)
        period = (Entitlement.person_id == person_id, Entitlement.classifier_item_id == item.id,
                  Entitlement.valid_from <= last, Entitlement.valid_until >= first)
        held = (await session.execute(
            select(func.coalesce(func.sum(Entitlement.quantity), ZERO))
            .where(*period, Entitlement.status == EntitlementStatus.ACTIVE)
        )).scalar_one()
        spent = (await session.execute(
            select(func.coalesce(func.sum(Entitlement.reserved + Entitlement.consumed), ZERO))
            .where(*period, Entitlement.status == EntitlementStatus.CLOSED)
        )).scalar_one()
        total = Decimal(held) + Decimal(spent)
        if total + quantity > item.yearly_max:
            left = max(ZERO, item.yearly_max - total)
            raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {most} a year for this item: the person's lines already hold {total} in {year}, "
                              "so at most {left} more.", "quantity",
                              most=_n(item.yearly_max), total=_n(total), year=str(year), left=_n(left))


async def check_yearly_spending(
    session: AsyncSession, item: ClassifierItem, person_id: int, quantity: Decimal, day: dt.date,
) -> None:
    """Refuse spending ``quantity`` of ``item`` on ``day`` when the person's orders and
    self-purchase claims of the item in that calendar year would pass its yearly most.
    Declined and cancelled orders and rejected claims do not count."""
    if item.yearly_max is None:
        return
    start, end = local_year(day.year)
    ordered = (await session.execute(
        select(func.coalesce(func.sum(Order.quantity), ZERO)).where(
            Order.person_id == person_id, Order.classifier_item_id == item.id,
            Order.status.not_in((OrderStatus.DECLINED, OrderStatus.CANCELLED)),
            Order.placed_at >= start, Order.placed_at < end,
        )
    )).scalar_one()
    claimed = (await session.execute(
        select(func.coalesce(func.sum(CompensationClaim.quantity), ZERO)).where(
            CompensationClaim.person_id == person_id, CompensationClaim.classifier_item_id == item.id,
            CompensationClaim.kind == ClaimKind.SELF_PURCHASE, CompensationClaim.status != ClaimStatus.REJECTED,
            CompensationClaim.submitted_at >= start, CompensationClaim.submitted_at < end,
        )
    )).scalar_one()
    spent = Decimal(ordered) + Decimal(claimed)
    if spent + quantity > item.yearly_max:
        left = max(ZERO, item.yearly_max - spent)
        raise DomainError(ErrorCode.INSUFFICIENT_BALANCE, "At most {most} a year for this item: {spent} already ordered in {year}, {left} left this year.",
                          "quantity", most=_n(item.yearly_max), spent=_n(spent), year=str(day.year), left=_n(left))


# -- quarterly releases ---------------------------------------------------------------------------
def quarters_started(valid_from: dt.date, on: dt.date) -> int:
    """How many quarters of an entitlement period have begun by ``on`` (0 before it starts)."""
    if on < valid_from:
        return 0
    months = (on.year - valid_from.year) * 12 + (on.month - valid_from.month)
    if on.day < valid_from.day:
        months -= 1
    return months // 3 + 1


def released_so_far(entitlement: Entitlement, on: dt.date) -> Decimal:
    """How much of a quota entitlement has been released by ``on`` (all of it if not a quota item)."""
    if entitlement.quarterly_release is None:
        return entitlement.quantity
    return min(entitlement.quantity, entitlement.quarterly_release * quarters_started(entitlement.valid_from, on))


def next_release_date(entitlement: Entitlement, on: dt.date) -> dt.date | None:
    """The day the next quarterly release comes, or None when everything is released."""
    if entitlement.quarterly_release is None or released_so_far(entitlement, on) >= entitlement.quantity:
        return None
    return add_months(entitlement.valid_from, 3 * quarters_started(entitlement.valid_from, on))


def available(entitlement: Entitlement, on: dt.date) -> Decimal:
    """What can be ordered now: the balance, bounded by the quarterly releases for quota items."""
    free = entitlement.quantity - entitlement.reserved - entitlement.consumed
    if entitlement.quarterly_release is not None:
        free = min(free, released_so_far(entitlement, on) - entitlement.reserved - entitlement.consumed)
    return max(free, ZERO)


def quarter_refusal(entitlement: Entitlement, on: dt.date) -> DomainError:
    """The refusal of an order or claim larger than what the releases so far leave free."""
    now = available(entitlement, on)
    nxt = next_release_date(entitlement, on)
    if nxt is None:
        return DomainError(ErrorCode.INSUFFICIENT_BALANCE,
                           "{now} can be ordered now of what has been released so far; {left} left on the line in all.",
                           "quantity", now=_n(now), left=_n(entitlement.balance))
    return DomainError(ErrorCode.INSUFFICIENT_BALANCE,
                       "{now} can be ordered now of what has been released so far; {left} left on the line in all; "
                       "the next release of {release} comes on {day}.",
                       "quantity", now=_n(now), left=_n(entitlement.balance),
                       release=_n(entitlement.quarterly_release), day=nxt)


# -- which line pays for an item ------------------------------------------------------------------
def line_item_ids(item: ClassifierItem) -> tuple[int, ...]:
    """The classifier items whose lines may pay for ``item``: itself, and for a "with a companion"
    variant (TSR-10-002) its base item (TSR-10-001)."""
    if item.companion_variant_of_id is not None:
        return (item.id, item.companion_variant_of_id)
    return (item.id,)


def line_covers(entitlement: Entitlement, item: ClassifierItem) -> bool:
    """Whether a line may pay for ``item``: a line of the item itself, or a line of its base item
    that covers a companion (group I and children; the state pays up to the variant's cap)."""
    if entitlement.classifier_item_id == item.id:
        return True
    return entitlement.classifier_item_id == item.companion_variant_of_id and entitlement.with_companion


def check_course(item: ClassifierItem, entitlement: Entitlement, starts_on: dt.date | None, quantity: Decimal,
                 day: dt.date) -> dt.date | None:
    """A course item (``course_days`` set) is ordered one course at a time with its start date, and all
    its days lie inside the line's validity; other items take no start date."""
    if item.course_days is None:
        if starts_on is not None:
            raise DomainError(ErrorCode.INVALID, "Only a course has a start date.", "courseStartsOn")
        return None
    if starts_on is None:
        raise DomainError(ErrorCode.REQUIRED, "Give the day the {days}-day course starts.", "courseStartsOn",
                          days=item.course_days)
    if quantity != 1:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "One course per order.", "quantity")
    if starts_on < day:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "The course cannot start in the past.", "courseStartsOn")
    ends_on = starts_on + dt.timedelta(days=item.course_days - 1)
    if starts_on < entitlement.valid_from or ends_on > entitlement.valid_until:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "The {days} days of the course must lie inside the line's validity, {start} to {end}.",
                          "courseStartsOn", days=item.course_days, start=entitlement.valid_from,
                          end=entitlement.valid_until)
    return starts_on
