"""Notifications: derived from the audit trail, written in the same transaction, delivered after commit.

How a notification comes to be
------------------------------
Every state change in the portal already adds an ``AuditEvent`` to its
session (``audit.services.record``). One SQLAlchemy ``before_flush`` listener
on the ``Session`` class (``install``, run when this module is imported)
looks at the new AuditEvents of each flush; for an action that concerns
someone (``NOTICES``) it works out who (the recipient's accounts and those of
their legal representative, the provider's accounts, the region's officers),
renders the title and body in each account's language
(``messages.TEMPLATES``) and adds ``Notification`` rows to the same flush. So
a notification exists exactly when the change it reports was committed, and
no service had to be touched to produce it. The account that made the change
is not told about it, except where the notice is its receipt (an application's
registration, as the e-gov "notice of processing").

Delivery happens after commit (``after_commit`` listener): the in-process bus
wakes this process's live subscriptions, and the delivery adapters (log by
default; e-mail/SMS gateways implement ``delivery.DeliveryAdapter``) get the
message in the background. After a rollback nothing is delivered.

Live subscriptions (``live_notifications``) read the table, which is the
source of truth: they wake on the bus and also poll every ``poll_interval``
seconds, so a notification written by another API process arrives too.

Reading: ``list_notifications``, ``count_unread``, ``mark_read`` (own only).
Reminders: ``notify_terms_due(db, today)`` tells the region's officers about
applications and claims due within two working days, once per subject and day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, event, false, func, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Role
from marketplace.applications.models import Application, ApplicationStatus
from marketplace.audit.models import AuditEvent
from marketplace import clock
from marketplace.calendar import add_working_days, working_days_between
from marketplace.catalog.models import ClassifierItem, Listing, Provider, Unit
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.db import Database, count_rows, utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.notifications import delivery, messages
from marketplace.notifications.delivery import OutgoingMessage
from marketplace.notifications.messages import Localized, Money
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order, Review, ServiceLog
from marketplace.quotes.models import Quote
from marketplace.records.models import Entitlement
from marketplace.transport.models import Trip, Vehicle

log = logging.getLogger("tirek.notifications")

MAX_PAGE = 100
MAX_MARK = 500
DUE_SOON_WORKING_DAYS = 2
_PENDING = "tirek.notifications.pending"

# Audiences: who, among the accounts, a notice goes to.
PERSON = "person"  # the recipient's own accounts and their legal representative's
PROVIDER = "provider"  # the provider organisation's accounts
REGION = "region"  # the LOCAL_BODY officers of the region


@dataclass
class Notice:
    """What to tell, before it is known which accounts (and languages) it goes to."""

    template: str
    audience: tuple[str, int]
    subject_type: str
    subject_id: int
    params: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    actor_account_id: int | None = None
    include_actor: bool = False
    dedup_key: str | None = None


@dataclass(frozen=True)
class _Recipient:
    account_id: int
    language: Language
    email: str | None
    phone: str | None


# -- helpers reading the subject (synchronous: they run inside a flush) -----------------------
def _name(item: ClassifierItem | None) -> Localized:
    if item is None:
        return Localized("", "", "")
    return Localized(item.name_kk, item.name_ru, item.name_en)


def _listing_title(listing: Listing) -> Localized:
    return Localized(listing.title_kk, listing.title_ru, listing.title_en)


def _value(ev: AuditEvent, key: str, default: Any = None) -> Any:
    return (ev.after or {}).get(key, default)


def _notice(ev: AuditEvent, template: str, audience: tuple[str, int], params: dict[str, Any],
            *, include_actor: bool = False, **payload: Any) -> Notice:
    return Notice(
        template=template, audience=audience, subject_type=ev.subject_type, subject_id=ev.subject_id,
        params=params, payload={"action": ev.action, **payload}, actor_account_id=ev.actor_account_id,
        include_actor=include_actor,
    )


def _order_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    order = s.get(Order, ev.subject_id)
    if order is None:
        return []
    item = s.get(ClassifierItem, order.classifier_item_id)
    if item is not None and item.unit == Unit.TRIP:
        return []  # an invataxi order is announced by its trip's own notices
    provider = s.get(Provider, order.provider_id)
    params = {
        "order": order.id, "item": _name(item), "quantity": order.quantity,
        "provider": provider.name if provider else "",
        "reason": _value(ev, "decline_reason", order.decline_reason),
    }
    audience = {
        "order.placed": (PROVIDER, order.provider_id),
        "order.accepted": (PERSON, order.person_id),
        "order.declined": (PERSON, order.person_id),
        "order.delivered": (PERSON, order.person_id),
        "order.cancelled": (PROVIDER, order.provider_id),
        "order.confirmed": (PROVIDER, order.provider_id),
    }[ev.action]
    return [_notice(ev, ev.action, audience, params, order_id=order.id)]


def _service_log_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    entry = s.get(ServiceLog, ev.subject_id)
    if entry is None:
        return []
    provider = s.get(Provider, entry.provider_id)
    params = {
        "provider": provider.name if provider else "", "hours": entry.hours, "date": entry.service_date,
        "start": entry.start_time, "end": entry.end_time, "worker": entry.worker_name,
        "note": _value(ev, "note", entry.note),
    }
    if ev.action == "service_log.logged":
        audience = (PERSON, entry.person_id)
    else:
        audience = (PROVIDER, entry.provider_id)
    return [_notice(ev, ev.action, audience, params, order_id=entry.order_id, service_log_id=entry.id)]


def _claim_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    claim = s.get(CompensationClaim, ev.subject_id)
    if claim is None:
        return []
    item = s.get(ClassifierItem, claim.classifier_item_id)
    provider = s.get(Provider, claim.provider_id) if claim.provider_id else None
    by_provider = claim.kind != ClaimKind.SELF_PURCHASE
    amount = claim.amount_approved if claim.amount_approved is not None else claim.amount_claimed
    params = {
        "claim": claim.id, "item": _name(item), "provider": provider.name if provider else "",
        "amount": Money(amount), "due": claim.due_date, "reason": _value(ev, "reject_reason", claim.reject_reason),
        "claimed": Money(claim.amount_claimed),
    }
    ids = {"claim_id": claim.id, "order_id": claim.order_id}
    claimant = (PROVIDER, claim.provider_id) if by_provider and claim.provider_id else (PERSON, claim.person_id)
    notices: list[Notice] = []
    if ev.action == "claim.submitted":
        notices.append(_notice(ev, "claim.submitted", (REGION, claim.region_id), params, **ids))
        if by_provider:
            # The recipient sees what is claimed for their service: fake acts are caught by the person they name.
            notices.append(_notice(ev, "claim.submitted.person", (PERSON, claim.person_id), params, **ids))
    elif ev.action == "claim.approved" and claim.reduction_reason:
        # Less than claimed: the claimant reads why.
        notices.append(_notice(ev, "claim.approved.partly", claimant,
                               {**params, "reason": _value(ev, "reduction_reason", claim.reduction_reason)}, **ids))
    else:
        notices.append(_notice(ev, ev.action, claimant, params, **ids))
        if ev.action == "claim.paid" and by_provider:
            notices.append(_notice(ev, "claim.paid.person", (PERSON, claim.person_id), params, **ids))
    return notices


def _application_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    app = s.get(Application, ev.subject_id)
    if app is None:
        return []
    kind = messages.APPLICATION_KINDS.get(app.kind.value, Localized(app.kind.value, app.kind.value, app.kind.value))
    params: dict[str, Any] = {
        "application": app.id, "kind": kind, "due": app.due_date, "reason": _value(ev, "reason", app.reason),
    }
    ids = {"application_id": app.id, "entitlement_id": app.entitlement_id}
    if ev.action == "application.submitted":
        return [
            _notice(ev, "application.submitted", (PERSON, app.person_id), params, include_actor=True, **ids),
            _notice(ev, "application.submitted.officer", (REGION, app.region_id), params, **ids),
        ]
    if ev.action == "application.approved" and app.entitlement_id is not None:
        ent = s.get(Entitlement, app.entitlement_id)
        if ent is not None:
            params.update(item=_name(s.get(ClassifierItem, ent.classifier_item_id)), quantity=ent.quantity,
                          valid_from=ent.valid_from, valid_until=ent.valid_until)
    return [_notice(ev, ev.action, (PERSON, app.person_id), params, **ids)]


def _entitlement_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    if _value(ev, "source") != "IRP":
        return []  # a line granted on application is announced by the application's decision
    ent = s.get(Entitlement, ev.subject_id)
    if ent is None:
        return []
    params = {"item": _name(s.get(ClassifierItem, ent.classifier_item_id)), "quantity": ent.quantity,
              "valid_from": ent.valid_from, "valid_until": ent.valid_until}
    return [_notice(ev, "entitlement.issued", (PERSON, ent.person_id), params, entitlement_id=ent.id)]


def _listing_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    listing = s.get(Listing, ev.subject_id)
    if listing is None:
        return []
    params = {"listing": _listing_title(listing), "note": _value(ev, "review_note", listing.review_note)}
    return [_notice(ev, ev.action, (PROVIDER, listing.provider_id), params, listing_id=listing.id)]


_TRIP_AUDIENCE = {
    "trip.requested": PROVIDER,
    "trip.confirmed": PERSON,
    "trip.time_proposed": PERSON,
    "trip.proposal_accepted": PROVIDER,
    "trip.declined": PERSON,
    "trip.cancelled": PROVIDER,
    "trip.done": PERSON,
    "trip.completed": PROVIDER,
}


def _trip_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    trip = s.get(Trip, ev.subject_id)
    if trip is None:
        return []
    vehicle = s.get(Vehicle, trip.vehicle_id) if trip.vehicle_id else None
    extras = Localized(
        *("".join(getattr(x, lang) for x, on in ((messages.TRIP_EXTRAS["wheelchair"], trip.needs_wheelchair),
                                                 (messages.TRIP_EXTRAS["companion"], trip.with_companion)) if on)
          for lang in ("kk", "ru", "en"))
    )
    params = {
        "trip": trip.id, "order": trip.order_id, "when": trip.starts_at, "proposed": trip.proposed_starts_at,
        "pickup": trip.pickup_address, "dropoff": trip.dropoff_address, "extras": extras,
        "vehicle": vehicle.plate_number if vehicle else "", "model": vehicle.model if vehicle else "",
        "reason": _value(ev, "reason"),
    }
    who = _TRIP_AUDIENCE[ev.action]
    audience = (PROVIDER, trip.provider_id) if who == PROVIDER else (PERSON, trip.person_id)
    return [_notice(ev, ev.action, audience, params, trip_id=trip.id, order_id=trip.order_id)]


# Quotes: who is told of each step (the actor never is; ``quote.ordered`` is told by ``order.placed``).
_QUOTE_AUDIENCE = {
    "quote.requested": (PROVIDER,),
    "quote.submitted": (REGION, PERSON),
    "quote.revised": (REGION, PERSON),
    "quote.approved": (PERSON, PROVIDER),
    "quote.rejected": (PERSON, PROVIDER),
    "quote.withdrawn": (PROVIDER,),
    "quote.expired": (PERSON, PROVIDER),
}


def _quote_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    quote = s.get(Quote, ev.subject_id)
    if quote is None:
        return []
    listing = s.get(Listing, quote.listing_id)
    provider = s.get(Provider, quote.provider_id)
    price = quote.approved_unit_price or quote.unit_price
    params = {
        "quote": quote.id, "item": _name(s.get(ClassifierItem, quote.classifier_item_id)),
        "listing": _listing_title(listing) if listing else "", "provider": provider.name if provider else "",
        "quantity": quote.quantity, "price": Money(price * quote.quantity) if price is not None else "",
        "due": quote.due_date, "reason": _value(ev, "reject_reason", quote.reject_reason),
    }
    ids = {"quote_id": quote.id, "listing_id": quote.listing_id}
    where = {PROVIDER: quote.provider_id, PERSON: quote.person_id, REGION: quote.region_id}
    return [_notice(ev, f"{ev.action}.{who}", (who, where[who]), params, **ids) for who in _QUOTE_AUDIENCE[ev.action]]


def _provider_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    """The provider is told when it is verified, suspended or reinstated, with the admin's reason."""
    new, old = _value(ev, "verification_status"), (ev.before or {}).get("verification_status")
    template = {"VERIFIED": "provider.reinstated" if old == "SUSPENDED" else "provider.verified",
                "SUSPENDED": "provider.suspended"}.get(new or "")
    if template is None:
        return []
    return [_notice(ev, template, (PROVIDER, ev.subject_id), {"reason": _value(ev, "reason", "")},
                    provider_id=ev.subject_id)]


def _review_notices(s: Session, ev: AuditEvent) -> list[Notice]:
    """The author of a review is told of the provider's reply, and of its hiding with the reason."""
    review = s.get(Review, ev.subject_id)
    if review is None:
        return []
    listing = s.get(Listing, review.listing_id)
    params = {"listing": _listing_title(listing) if listing else "", "reply": review.reply_text or "",
              "reason": review.hidden_reason or ""}
    return [_notice(ev, ev.action, (PERSON, review.person_id), params, review_id=review.id)]


NOTICES: dict[str, Callable[[Session, AuditEvent], list[Notice]]] = {
    **{a: _order_notices for a in ("order.placed", "order.accepted", "order.declined", "order.delivered",
                                   "order.cancelled", "order.confirmed")},
    "service_log.logged": _service_log_notices,
    "service_log.disputed": _service_log_notices,
    **{a: _claim_notices for a in ("claim.submitted", "claim.approved", "claim.rejected", "claim.paid")},
    **{a: _application_notices for a in ("application.submitted", "application.approved", "application.rejected")},
    "entitlement.issued": _entitlement_notices,
    "listing.approved": _listing_notices,
    "listing.rejected": _listing_notices,
    **{a: _trip_notices for a in _TRIP_AUDIENCE},
    **{a: _quote_notices for a in _QUOTE_AUDIENCE},
    "provider.verification_changed": _provider_notices,
    "review.replied": _review_notices,
    "review.hidden": _review_notices,
}


# -- who: accounts of an audience, with language and contacts ----------------------------------
def _resolve(s: Session, audiences: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[_Recipient]]:
    wanted = set(audiences)
    person_ids = {i for kind, i in wanted if kind == PERSON}
    provider_ids = {i for kind, i in wanted if kind == PROVIDER}
    region_ids = {i for kind, i in wanted if kind == REGION}
    # A person is reached through their own account and their legal representative's.
    reach: dict[int, set[int]] = {p: {p} for p in person_ids}
    if person_ids:
        for pid, rep in s.execute(
            select(Person.id, Person.legal_representative_id).where(Person.id.in_(person_ids))
        ).all():
            if rep is not None:
                reach[pid].add(rep)
    reachable = {p for ps in reach.values() for p in ps}
    conditions = []
    if reachable:
        conditions.append(and_(Account.role == Role.RECIPIENT, Account.person_id.in_(reachable)))
    if provider_ids:
        conditions.append(and_(Account.role == Role.PROVIDER, Account.provider_id.in_(provider_ids)))
    if region_ids:
        conditions.append(and_(Account.role == Role.LOCAL_BODY, Account.region_id.in_(region_ids)))
    if not conditions:
        return {}
    rows = s.execute(
        select(Account.id, Account.role, Account.language, Account.person_id, Account.provider_id,
               Account.region_id, Person.phone, Provider.email, Provider.phone)
        .outerjoin(Person, Person.id == Account.person_id)
        .outerjoin(Provider, Provider.id == Account.provider_id)
        .where(Account.is_active.is_(True), or_(*conditions))
        .order_by(Account.id)
    ).all()
    found: dict[tuple[str, int], list[_Recipient]] = defaultdict(list)
    for acc_id, role, language, person_id, provider_id, region_id, person_phone, org_email, org_phone in rows:
        if role == Role.RECIPIENT:
            target = _Recipient(acc_id, language, None, person_phone)
            for pid, ps in reach.items():
                if person_id in ps:
                    found[(PERSON, pid)].append(target)
        elif role == Role.PROVIDER:
            found[(PROVIDER, provider_id)].append(_Recipient(acc_id, language, org_email, org_phone))
        elif role == Role.LOCAL_BODY:
            found[(REGION, region_id)].append(_Recipient(acc_id, language, None, None))
    return found


def _add_notifications(s: Session, notices: Sequence[Notice]) -> list[Notification]:
    """Render each notice for each account it reaches and add the rows to the session."""
    if not notices:
        return []
    accounts = _resolve(s, (n.audience for n in notices))
    pending = s.info.setdefault(_PENDING, [])
    created: list[Notification] = []
    now = utcnow()
    for notice in notices:
        seen: set[int] = set()
        for target in accounts.get(notice.audience, []):
            if target.account_id in seen:
                continue
            seen.add(target.account_id)
            if target.account_id == notice.actor_account_id and not notice.include_actor:
                continue
            title, body = messages.render(notice.template, target.language, notice.params)
            row = Notification(
                account_id=target.account_id, kind=notice.template, title=title, body=body,
                subject_type=notice.subject_type, subject_id=notice.subject_id,
                payload={k: v for k, v in notice.payload.items() if v is not None},
                created_at=now, read_at=None, dedup_key=notice.dedup_key,
            )
            s.add(row)
            pending.append((row, target))
            created.append(row)
    return created


# -- the session events -----------------------------------------------------------------------
def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    events = [o for o in session.new if isinstance(o, AuditEvent) and o.action in NOTICES]
    if not events:
        return
    events.sort(key=lambda o: inspect(o).insert_order or 0)
    notices: list[Notice] = []
    for ev in events:
        try:
            notices.extend(NOTICES[ev.action](session, ev))
        except SQLAlchemyError:
            raise  # the transaction is broken anyway: let it fail as it would have
        except Exception:  # a bug in a notice must not cost the change it reports
            log.exception("no notification for %s of %s %s", ev.action, ev.subject_type, ev.subject_id)
    _add_notifications(session, notices)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    out: list[OutgoingMessage] = []
    for row, target in pending:
        state = inspect(row)
        if not state.persistent or state.identity is None:  # rolled back with a savepoint
            continue
        out.append(OutgoingMessage(
            notification_id=state.identity[0], account_id=target.account_id, kind=row.kind,
            language=target.language, title=row.title, body=row.body, email=target.email, phone=target.phone,
        ))
    delivery.bus.publish(m.account_id for m in out)
    delivery.dispatch(out)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Register the listeners on every ORM session of the process (idempotent)."""
    for name, fn in (("before_flush", _before_flush), ("after_commit", _after_commit),
                     ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


install()


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
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)
    stmt = select(Notification).where(Notification.account_id == account_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if count_only:
        return await count_rows(session, stmt)
    if after is not None:
        if isinstance(after, bool) or not isinstance(after, int):
            raise DomainError(ErrorCode.INVALID, "Not a valid cursor.", "after")
        stmt = stmt.where(Notification.id < after)
    rows = await session.execute(stmt.order_by(Notification.id.desc()).limit(first + 1))
    return list(rows.scalars())


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
    accounts = _resolve(sync, (n.audience for n in notices))
    pending = sync.info.setdefault(_PENDING, [])
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
    for attempt in range(3):
        try:
            async with db.transaction() as s:
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
                return created
        except IntegrityError:
            if attempt == 2:
                raise
            # A concurrent run wrote the same reminders first; the next attempt sees them.
    raise AssertionError("unreachable")


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
