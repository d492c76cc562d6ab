"""What to tell whom: the notices an audit event gives rise to, and the accounts they reach.

Every state change in the portal adds an ``AuditEvent`` to its session (``audit.services.record``).
For an action that concerns someone (``NOTICES``) this module works out who (the recipient's
accounts and those of their legal representative, the provider's accounts, the region's
officers), renders the title and body in each account's language (``messages.TEMPLATES``) and adds
``Notification`` rows to the same flush (``add_notifications``, run by ``events``). The account that
made the change is not told about it, except where the notice is its receipt (an application's
registration, as the e-gov "notice of processing").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Account, Language, Person, Role
from marketplace.applications.models import Application
from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import ClassifierItem, Listing, Provider, Unit
from marketplace.claims.models import ClaimKind, CompensationClaim
from marketplace.db import utcnow
from marketplace.notifications import messages
from marketplace.notifications.messages import Localized, Money
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order, Review, ServiceLog
from marketplace.quotes.models import Quote
from marketplace.records.models import Entitlement
from marketplace.transport.models import Trip, Vehicle

#: ``session.info`` key of the rows added in this transaction, delivered after commit (``events``).
PENDING = "tirek.notifications.pending"

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
class Recipient:
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
def resolve(s: Session, audiences: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[Recipient]]:
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
    found: dict[tuple[str, int], list[Recipient]] = defaultdict(list)
    for acc_id, role, language, person_id, provider_id, region_id, person_phone, org_email, org_phone in rows:
        if role == Role.RECIPIENT:
            target = Recipient(acc_id, language, None, person_phone)
            for pid, ps in reach.items():
                if person_id in ps:
                    found[(PERSON, pid)].append(target)
        elif role == Role.PROVIDER:
            found[(PROVIDER, provider_id)].append(Recipient(acc_id, language, org_email, org_phone))
        elif role == Role.LOCAL_BODY:
            found[(REGION, region_id)].append(Recipient(acc_id, language, None, None))
    return found


def add_notifications(s: Session, notices: Sequence[Notice]) -> list[Notification]:
    """Render each notice for each account it reaches and add the rows to the session."""
    if not notices:
        return []
    accounts = resolve(s, (n.audience for n in notices))
    pending = s.info.setdefault(PENDING, [])
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


