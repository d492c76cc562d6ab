"""A LOCAL_BODY officer of the application's region decides: SUBMITTED → APPROVED, issuing the
matching entitlement (source APPLICATION), or REJECTED with a reason; either way a decision
document is issued. The transition is taken before the entitlement is issued, so a concurrent
second decision finds the application decided (ALREADY_DECIDED)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.accounts.models import Person
from marketplace.applications.eligibility import ServiceForm, assess
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.applications.terms import grant_start
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.calendar import add_months, working_days_between
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Unit
from marketplace.cleaning import clean_id, clean_quantity, clean_reason
from marketplace.documents.services import issue_decision_document
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.lifecycle import APPLICATION, transition
from marketplace.records.models import EntitlementSource
from marketplace.records.services import issue_entitlement, require_whole

MAX_GRANT_DAYS = 5 * 366  # as records.services.MAX_ENTITLEMENT_DAYS


async def _application_for_officer(session: AsyncSession, viewer: Viewer, application_id: Any) -> Application:
    viewer.require_local_officer("Applications are decided by an officer of the person's region.", "applicationId")
    return await fetch_in_scope(session, Application, application_id, "application", "applicationId",
                                lambda app: viewer.is_officer_of(app.region_id))


def _already(app: Application) -> DomainError:
    return DomainError(ErrorCode.ALREADY_DECIDED, "This application is already {status}.",
                       "applicationId", status=app.status)


async def _decide(session: AsyncSession, viewer: Viewer, app: Application, new: ApplicationStatus,
                  **values: Any) -> dict[str, Any]:
    """SUBMITTED → new along the application's lifecycle; the snapshot before, or ALREADY_DECIDED.
    The caller writes the audit event, after the decision's other changes."""
    return await transition(
        session, viewer, APPLICATION, app, new, old=[ApplicationStatus.SUBMITTED], action=None, refusal=_already,
        decided_at=clock.now(), decided_by_account_id=viewer.account_id, **values,
    )


async def _item_for(session: AsyncSession, app: Application, item_id: int | None) -> ClassifierItem:
    """The classifier item the approval grants."""
    kind = app.kind
    if item_id is None and kind != ApplicationKind.INDIVIDUAL_ASSISTANT:
        item_id = app.details.get("classifier_item_id")
    if item_id is not None:
        item = await session.get(ClassifierItem, clean_id(item_id, "classifier item", "classifierItemId"))
        if item is None:
            raise not_found("classifier item", "classifierItemId")
        wanted = {
            ApplicationKind.INDIVIDUAL_ASSISTANT: ItemCategory.PERSONAL_ASSISTANT,
            ApplicationKind.SPECIAL_SOCIAL_SERVICES: ItemCategory.SOCIAL_SERVICES,
        }.get(kind)
        if wanted is not None and item.category != wanted:
            raise DomainError(ErrorCode.INVALID, "Grant an item of the {category} category.", "classifierItemId",
                              category=wanted)
        if kind == ApplicationKind.INDIVIDUAL_ASSISTANT and item.unit != Unit.HOUR:
            raise DomainError(ErrorCode.INVALID, "A personal assistant is granted in hours.", "classifierItemId")
        return item
    category = (ItemCategory.PERSONAL_ASSISTANT if kind == ApplicationKind.INDIVIDUAL_ASSISTANT
                else ItemCategory.SOCIAL_SERVICES)
    stmt = select(ClassifierItem).where(ClassifierItem.category == category, ClassifierItem.is_active.is_(True))
    if kind == ApplicationKind.INDIVIDUAL_ASSISTANT:
        stmt = stmt.where(ClassifierItem.unit == Unit.HOUR, ClassifierItem.kind == ItemKind.SERVICE)
    candidates = list((await session.execute(stmt.order_by(ClassifierItem.code).limit(2))).scalars())
    if kind == ApplicationKind.INDIVIDUAL_ASSISTANT and candidates:
        return candidates[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DomainError(ErrorCode.INVALID, "The classifier has no {category} item to grant.",
                          "classifierItemId", category=category)
    raise DomainError(ErrorCode.REQUIRED, "Name the classifier item that fits the chosen service form.",
                      "classifierItemId")


def _days_in(valid_from: dt.date, valid_until: dt.date, *, working: bool) -> int:
    if working:
        return working_days_between(valid_from - dt.timedelta(days=1), valid_until)
    return (valid_until - valid_from).days + 1


async def approve_application(
    session: AsyncSession,
    viewer: Viewer,
    application_id: int,
    *,
    classifier_item_id: int | None = None,
    quantity: Decimal | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    daily_limit: Decimal | None = None,
) -> Application:
    """Officer: SUBMITTED → APPROVED, issuing the entitlement (source APPLICATION).

    Defaults: from today (``grant_start``) for a year, ended earlier by the disability record's end;
    an assistant gets 8 hours × the working days of the period with a daily limit of 8 (the
    officer may give fewer); day-counted social services get the period's working days (at
    home, day care) or calendar days (residential); a missing aid the quantity asked for, or 1.
    The eligibility rules are checked again against today's records.
    """
    app = await _application_for_officer(session, viewer, application_id)
    if app.status != ApplicationStatus.SUBMITTED:
        raise _already(app)
    if quantity is not None:
        quantity = clean_quantity(quantity)
    if daily_limit is not None:
        daily_limit = clean_quantity(daily_limit, "dailyLimit")
    # Take the transition first: a concurrent approval waits on this row and then finds it
    # decided (ALREADY_DECIDED). Any refusal below rolls it back with everything else.
    before = await _decide(session, viewer, app, ApplicationStatus.APPROVED)
    person = await session.get(Person, app.person_id)
    assert person is not None
    today = clock.today()
    a = await assess(session, person, app.kind, app.details, today)
    if a.refusal is not None:
        raise DomainError(a.refusal.code, "No longer eligible: {reason} Reject it with this reason.",
                          a.refusal.field, reason=a.refusal)
    item = await _item_for(session, app, classifier_item_id)
    start = valid_from or grant_start()
    if not grant_start() - dt.timedelta(days=MAX_GRANT_DAYS) <= start <= add_months(grant_start(), 12):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Starts at most a year from today.", "validFrom")
    if valid_until is not None and not start <= valid_until <= start + dt.timedelta(days=MAX_GRANT_DAYS):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends after it starts, within five years.", "validUntil")
    if valid_until is None:
        end = add_months(start, 12) - dt.timedelta(days=1)
        if a.record is not None and a.record.valid_until is not None:
            end = min(end, a.record.valid_until)
    else:
        end = valid_until
    if end < start:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends before it starts.", "validUntil")
    # The norms (the item's daily most, the officer's only stricter) are checked by issue_entitlement.
    limit = daily_limit if daily_limit is not None else item.daily_max
    if quantity is not None:
        qty = quantity
    elif app.kind == ApplicationKind.INDIVIDUAL_ASSISTANT:
        if limit is None:
            raise DomainError(ErrorCode.REQUIRED, "Give the hours a day: the item has no daily norm.", "dailyLimit")
        qty = Decimal(_days_in(start, end, working=True)) * limit
    elif app.kind == ApplicationKind.SPECIAL_SOCIAL_SERVICES and item.unit == Unit.DAY:
        residential = app.details.get("service_form") == ServiceForm.RESIDENTIAL.value
        qty = Decimal(_days_in(start, end, working=not residential))
    else:
        qty = Decimal(app.details.get("quantity") or 1)
    if qty <= 0:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "The period has no working day; give a longer period.",
                          "validUntil")
    require_whole(qty, item.unit)
    ent = await issue_entitlement(
        session, viewer, person_id=person.id, classifier_item_id=item.id, quantity=qty, valid_from=start,
        valid_until=end, daily_limit=limit, source=EntitlementSource.APPLICATION,
    )
    await session.execute(
        update(Application).where(Application.id == app.id).values(entitlement_id=ent.id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(app)
    audit(session, viewer, "application.approved", app, before, snapshot(app))
    await issue_decision_document(session, app)
    return app


async def reject_application(session: AsyncSession, viewer: Viewer, application_id: int, reason: str) -> Application:
    """Officer: SUBMITTED → REJECTED with a reason the person reads (3..1000 characters)."""
    app = await _application_for_officer(session, viewer, application_id)
    why = clean_reason(reason)
    if app.status != ApplicationStatus.SUBMITTED:
        raise _already(app)
    before = await _decide(session, viewer, app, ApplicationStatus.REJECTED, reason=why)
    audit(session, viewer, "application.rejected", app, before, snapshot(app))
    await issue_decision_document(session, app)
    return app
