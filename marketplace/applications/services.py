"""Applications for what is granted, not bought: an individual assistant, special social
services, an aid missing from the IRP.

Proactive by design (seeds 003 and 004): the state already holds the person's
identity, registration, disability and IRP, so eligibility is read from the
records, never from uploads. ``application_form`` shows, before anything is
submitted, what the records prove (``proven_facts``), whether the person is
eligible and, if not, the reason; an upload of something the records hold is
refused. What the records cannot know (the medical record forms for special
social services, say) is the only thing asked for.

Rules
-----
- INDIVIDUAL_ASSISTANT: an active disability record of group I, difficulty
  moving on record, no carer's allowance paid, and no active personal-assistant
  entitlement already. Term: 10 working days.
- SPECIAL_SOCIAL_SERVICES (at home, day care, residential): an active record;
  the medical record (forms of Appendices 5 and 6) is attached. Term: 17
  working days; the result is a notice of execution or a reasoned refusal.
- MISSING_AID: an active record and a classifier item that no active
  entitlement of the person covers already. Term: 10 working days.
A second pending application of the same kind (for MISSING_AID: the same
item) is DUPLICATE.

Who
---
A RECIPIENT submits for themself or for a person they legally represent
(others: NOT_FOUND). A LOCAL_BODY officer of the application's region (the
person's region at submission) decides; other roles get FORBIDDEN, other
regions NOT_FOUND. Approval issues the matching entitlement through
``records.services.issue_entitlement`` (source APPLICATION): an assistant gets
HOUR units of a PERSONAL_ASSISTANT item, 8 hours per working day of the
period unless the officer says otherwise, with a daily limit of 8.

Concurrency: SUBMITTED → APPROVED/REJECTED is one conditional UPDATE on the
status, taken before the entitlement is issued; a concurrent second decision
waits on the row (PostgreSQL) or the write lock (SQLite), then finds it
decided and gets ALREADY_DECIDED, so an application yields exactly one
entitlement (``applications.entitlement_id`` is also unique). Every step is
audited in the same transaction.

Terms count working days (weekends and Kazakhstan's public holidays skipped,
``marketplace.calendar``) from the submission date in Almaty; a SUBMITTED
application past its due date is overdue, one due within two working days is
due soon. Officers' queues come soonest-due first.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Region, Role
from marketplace.applications.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
)
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace import clock
from marketplace.calendar import add_months, add_working_days, working_days_between
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Unit
from marketplace.claims.models import Receipt
from marketplace.cleaning import clean_id, clean_optional_text, clean_quantity, clean_reason
from marketplace.db import count_rows
from marketplace.errors import DomainError, ErrorCode, N_, not_found, Phrase, ValidationErrors
from marketplace.documents.services import issue_decision_document
from marketplace.queues import due_date_cursor, parse_due_date_cursor
from marketplace.lifecycle import APPLICATION, transition
from marketplace.records.models import (
    DisabilityGroup,
    DisabilityRecord,
    Entitlement,
    EntitlementSource,
    EntitlementStatus,
)
from marketplace.records.services import (
    active_record,
    age_on,
    issue_entitlement,
    require_whole,
)

TERM_WORKING_DAYS: Mapping[ApplicationKind, int] = {
    ApplicationKind.INDIVIDUAL_ASSISTANT: 10,
    ApplicationKind.SPECIAL_SOCIAL_SERVICES: 17,
    ApplicationKind.MISSING_AID: 10,
}
DUE_SOON_WORKING_DAYS = 2
MAX_NOTE = 1000
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_TITLE = 200
MAX_PAGE = 100
MAX_REQUESTED_QUANTITY = Decimal(10000)
MAX_GRANT_DAYS = 5 * 366  # as records.services.MAX_ENTITLEMENT_DAYS


class ServiceForm(str, enum.Enum):
    """Where special social services are given."""

    HOME = "HOME"
    DAY_CARE = "DAY_CARE"
    RESIDENTIAL = "RESIDENTIAL"


class AttachmentKind(str, enum.Enum):
    # What the records cannot know, so the applicant may (or must) attach it:
    MEDICAL_RECORD = "MEDICAL_RECORD"  # forms of Appendices 5 and 6, outpatient record abstract
    COURT_DECISION = "COURT_DECISION"  # incapacity, only when the records have no representative
    VETERAN_STATUS = "VETERAN_STATUS"
    OTHER = "OTHER"
    # What the records hold: never to be uploaded (refused with a reason).
    IDENTITY_DOCUMENT = "IDENTITY_DOCUMENT"
    RESIDENCE_CERTIFICATE = "RESIDENCE_CERTIFICATE"
    DISABILITY_CERTIFICATE = "DISABILITY_CERTIFICATE"
    IRP_EXTRACT = "IRP_EXTRACT"
    CARER_ALLOWANCE_CERTIFICATE = "CARER_ALLOWANCE_CERTIFICATE"


# Attachment kind -> what in the records makes it unnecessary.
HELD_BY_RECORDS: Mapping[AttachmentKind, str] = {
    AttachmentKind.IDENTITY_DOCUMENT: N_("identity document (State database of individuals)"),
    AttachmentKind.RESIDENCE_CERTIFICATE: N_("registration at the permanent residence"),
    AttachmentKind.DISABILITY_CERTIFICATE: N_("disability established by medical-social examination"),
    AttachmentKind.IRP_EXTRACT: N_("individual rehabilitation programme"),
    AttachmentKind.CARER_ALLOWANCE_CERTIFICATE: N_("social payments (carer's allowance)"),
}
REQUIRED_ATTACHMENTS: Mapping[ApplicationKind, tuple[AttachmentKind, ...]] = {
    ApplicationKind.INDIVIDUAL_ASSISTANT: (),
    ApplicationKind.SPECIAL_SOCIAL_SERVICES: (AttachmentKind.MEDICAL_RECORD,),
    ApplicationKind.MISSING_AID: (),
}


def due_date_for(kind: ApplicationKind, submitted_at: dt.datetime) -> dt.date:
    """Submission date in Kazakhstan + the kind's term in working days (weekends and holidays skipped)."""
    return add_working_days(clock.local_date(submitted_at), TERM_WORKING_DAYS[kind])


def grant_start() -> dt.date:
    """The first day of a granted entitlement by default: today in Kazakhstan."""
    return clock.today()


def is_overdue(app: Application, today: dt.date | None = None) -> bool:
    return app.status == ApplicationStatus.SUBMITTED and app.due_date < (today or clock.today())


def is_due_soon(app: Application, today: dt.date | None = None) -> bool:
    """Undecided, not overdue yet, and due within two working days."""
    day = today or clock.today()
    return app.status == ApplicationStatus.SUBMITTED and day <= app.due_date <= add_working_days(
        day, DUE_SOON_WORKING_DAYS
    )


def working_days_left(app: Application, today: dt.date | None = None) -> int | None:
    """Working days until the due date (negative once overdue); None once decided."""
    if app.status != ApplicationStatus.SUBMITTED:
        return None
    return working_days_between(today or clock.today(), app.due_date)


# -- input cleaning ---------------------------------------------------------------------------
def _kind(value: Any) -> ApplicationKind:
    try:
        return value if isinstance(value, ApplicationKind) else ApplicationKind(value)
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, "One of {allowed}.", "kind", allowed=list(ApplicationKind)
        ) from exc


def clean_details(kind: ApplicationKind, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """The applicant's own choices (not facts: those come from the records)."""
    given = dict(details or {})
    unknown = set(given) - {"service_form", "classifier_item_id", "quantity", "note"}
    if unknown:
        raise DomainError(ErrorCode.INVALID, "Unknown detail(s): {names}.", "details", names=sorted(unknown))
    out: dict[str, Any] = {}
    note = clean_optional_text(given.get("note"), "details.note", MAX_NOTE, multiline=True)
    if note:
        out["note"] = note
    if kind == ApplicationKind.SPECIAL_SOCIAL_SERVICES:
        form = given.get("service_form")
        if form is None:
            raise DomainError(ErrorCode.REQUIRED, "Choose the form: HOME, DAY_CARE or RESIDENTIAL.",
                              "details.serviceForm")
        try:
            out["service_form"] = ServiceForm(form).value
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "One of HOME, DAY_CARE, RESIDENTIAL.", "details.serviceForm") from exc
    if kind in (ApplicationKind.MISSING_AID, ApplicationKind.SPECIAL_SOCIAL_SERVICES):
        item_id = given.get("classifier_item_id")
        if item_id is not None:
            out["classifier_item_id"] = clean_id(item_id, "classifier item", "details.classifierItemId")
        elif kind == ApplicationKind.MISSING_AID:
            raise DomainError(ErrorCode.REQUIRED, "Name the aid from the classifier.", "details.classifierItemId")
    if kind == ApplicationKind.MISSING_AID and given.get("quantity") is not None:
        out["quantity"] = str(clean_quantity(given["quantity"], "details.quantity",
                                             max_value=MAX_REQUESTED_QUANTITY))
    return out


@dataclass
class _Attachment:
    kind: AttachmentKind
    file_id: int | None
    title: str | None


def _clean_attachments(attachments: Sequence[Mapping[str, Any]] | None) -> list[_Attachment]:
    items = list(attachments or [])
    if len(items) > MAX_ATTACHMENTS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} attachments.", "attachments",
                          count=MAX_ATTACHMENTS)
    out: list[_Attachment] = []
    for i, a in enumerate(items):
        try:
            kind = AttachmentKind(a.get("kind"))
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "Not an attachment kind.", f"attachments.{i}.kind") from exc
        file_id = a.get("file_id")
        if file_id is not None:
            file_id = clean_id(file_id, "file", f"attachments.{i}.fileId")
        title = clean_optional_text(a.get("title"), f"attachments.{i}.title", MAX_ATTACHMENT_TITLE)
        out.append(_Attachment(kind, file_id, title))
    return out


# -- what the records prove ------------------------------------------------------------------
@dataclass
class Assessment:
    """The records' answer for one person and kind: facts, and a refusal if not eligible."""

    kind: ApplicationKind
    person: Person
    record: DisabilityRecord | None
    facts: list[dict[str, Any]] = field(default_factory=list)
    refusal: DomainError | None = None
    item: ClassifierItem | None = None

    @property
    def eligible(self) -> bool:
        return self.refusal is None

    def fact(self, fact_code: str, source: str, **data: Any) -> None:
        self.facts.append({"code": fact_code, "source": source, "data": data})

    def refuse(self, code: ErrorCode, message: str, field: str = "kind", **params: Any) -> None:
        if self.refusal is None:  # the first reason is the one given
            self.refusal = DomainError(code, message, field, **params)


async def assess(
    session: AsyncSession, person: Person, kind: ApplicationKind, details: Mapping[str, Any], today: dt.date,
) -> Assessment:
    """Read the records: what they prove about ``person`` and whether ``kind`` can be granted."""
    rec = await active_record(session, person.id, today)
    a = Assessment(kind=kind, person=person, record=rec)
    region = await session.get(Region, person.region_id)
    a.fact("IDENTITY", "PERSONS", iin=person.iin, full_name=person.full_name,
           birth_date=person.birth_date.isoformat())
    a.fact("RESIDENCE", "PERSONS", region_kk=region.name_kk if region else "",
           region_ru=region.name_ru if region else "", region_en=region.name_en if region else "",
           address=person.address)
    if person.legal_representative_id is not None:
        rep = await session.get(Person, person.legal_representative_id)
        if rep is not None:
            a.fact("LEGAL_REPRESENTATIVE", "PERSONS", full_name=rep.full_name)
    if rec is not None:
        a.fact("DISABILITY", "MSE", group=rec.group.value, valid_from=rec.valid_from.isoformat(),
               valid_until=rec.valid_until.isoformat() if rec.valid_until else None,
               decision_number=rec.decision_number, exam_format=rec.exam_format.value)
    active = list((await session.execute(
        select(Entitlement, ClassifierItem)
        .join(ClassifierItem, ClassifierItem.id == Entitlement.classifier_item_id)
        .where(Entitlement.person_id == person.id, Entitlement.status == EntitlementStatus.ACTIVE,
               Entitlement.valid_until >= today)
        .order_by(ClassifierItem.code)
    )).all())
    a.fact("IRP", "IRP", active_lines=len(active), item_codes=[item.code for _, item in active])

    if rec is None:
        a.refuse(ErrorCode.NO_ACTIVE_RECORD, "The records show no disability in force today.", "personId")

    if kind == ApplicationKind.INDIVIDUAL_ASSISTANT:
        if person.has_mobility_difficulty:
            a.fact("MOBILITY", "MSE")
        if not person.receives_carer_allowance:
            a.fact("CARER_ALLOWANCE", "PAYMENTS", paid=False)
        if rec is not None and rec.group != DisabilityGroup.I:
            if rec.group == DisabilityGroup.CHILD:
                a.refuse(ErrorCode.NOT_ELIGIBLE,
                         "An individual assistant is for persons of disability group I; "
                         "the records show a child's disability.")
            else:
                a.refuse(ErrorCode.NOT_ELIGIBLE,
                         "An individual assistant is for persons of disability group I; the records show group {group}.",
                         group=rec.group)
        if not person.has_mobility_difficulty:
            a.refuse(ErrorCode.NOT_ELIGIBLE,
                     "An individual assistant is for persons who have difficulty moving; the records do not show it.")
        if person.receives_carer_allowance:
            a.refuse(ErrorCode.NOT_ELIGIBLE,
                     "The records show a carer's allowance paid for this person; an individual assistant "
                     "is not provided together with it.")
        held = [e for e, item in active if item.category == ItemCategory.PERSONAL_ASSISTANT and e.valid_from <= today]
        if held:
            a.refuse(ErrorCode.DUPLICATE,
                     "The IRP already has a personal assistant until {day}.", day=held[0].valid_until)
    elif kind == ApplicationKind.SPECIAL_SOCIAL_SERVICES:
        a.fact("AGE", "PERSONS", years=age_on(person.birth_date, today))
        item_id = details.get("classifier_item_id")
        if item_id is not None:
            item = await session.get(ClassifierItem, item_id)
            if item is None or item.category != ItemCategory.SOCIAL_SERVICES or not item.is_active:
                raise DomainError(ErrorCode.INVALID, "Not a special social service of the classifier.",
                                  "details.classifierItemId")
            a.item = item
    elif kind == ApplicationKind.MISSING_AID:
        item = await session.get(ClassifierItem, details.get("classifier_item_id"))
        if item is None:
            raise not_found("classifier item", "details.classifierItemId")
        if not item.is_active:
            raise DomainError(ErrorCode.INVALID, "This classifier item is no longer in use.", "details.classifierItemId")
        if item.category == ItemCategory.PERSONAL_ASSISTANT:
            raise DomainError(ErrorCode.INVALID, "Apply for an INDIVIDUAL_ASSISTANT instead.", "details.classifierItemId")
        a.item = item
        covering = [e for e, i in active if i.id == item.id]
        if covering:
            a.refuse(ErrorCode.DUPLICATE,
                     "{item} is already in the IRP (until {day}).",
                     "details.classifierItemId", item=item.code, day=covering[0].valid_until)
        else:
            a.fact("AID_NOT_IN_IRP", "IRP", code=item.code, name_kk=item.name_kk, name_ru=item.name_ru,
                   name_en=item.name_en)
    return a


@dataclass
class ApplicationForm:
    """What the portal shows before submission: the facts, eligibility, what is still needed."""

    kind: ApplicationKind
    person: Person
    eligible: bool
    refusal: DomainError | None
    proven_facts: list[dict[str, Any]]
    required_attachments: list[AttachmentKind]
    refused_attachments: list[AttachmentKind]
    term_working_days: int
    due_date_if_submitted_today: dt.date


def _refused_attachment_kinds(person: Person) -> list[AttachmentKind]:
    kinds = list(HELD_BY_RECORDS)
    if person.legal_representative_id is not None:
        kinds.append(AttachmentKind.COURT_DECISION)
    return kinds


async def _person_of_applicant(session: AsyncSession, viewer: Viewer, person_id: int | None) -> Person:
    viewer.require_role(Role.RECIPIENT)
    pid = viewer.person_id if person_id is None else clean_id(person_id, "person", "personId")
    if pid is None or not viewer.acts_for_person(pid):
        raise not_found("person", "personId")
    person = await session.get(Person, pid)
    if person is None:
        raise not_found("person", "personId")
    return person


async def application_form(
    session: AsyncSession, viewer: Viewer, *, kind: ApplicationKind | str, person_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> ApplicationForm:
    """The form of ``kind`` for the viewer (or a person they represent), filled from the records."""
    k = _kind(kind)
    person = await _person_of_applicant(session, viewer, person_id)
    given = dict(details or {})
    if k == ApplicationKind.SPECIAL_SOCIAL_SERVICES:
        given.setdefault("service_form", ServiceForm.HOME.value)  # the facts do not depend on it
    today = clock.today()
    if k == ApplicationKind.MISSING_AID and given.get("classifier_item_id") is None:
        # No aid chosen yet: only what the records prove in general, and whether a record is in force.
        a = await assess(session, person, ApplicationKind.SPECIAL_SOCIAL_SERVICES, {}, today)
        facts = [f for f in a.facts if f["code"] != "AGE"]
        refusal = a.refusal
    else:
        a = await assess(session, person, k, clean_details(k, given), today)
        facts, refusal = a.facts, a.refusal
    return ApplicationForm(
        kind=k, person=person, eligible=refusal is None, refusal=refusal, proven_facts=facts,
        required_attachments=list(REQUIRED_ATTACHMENTS[k]), refused_attachments=_refused_attachment_kinds(person),
        term_working_days=TERM_WORKING_DAYS[k], due_date_if_submitted_today=due_date_for(k, clock.now()),
    )


# -- submitting ------------------------------------------------------------------------------
async def _check_attachments(
    session: AsyncSession, person: Person, kind: ApplicationKind, attachments: list[_Attachment]
) -> list[dict[str, Any]]:
    errors: list[DomainError] = []
    refused = _refused_attachment_kinds(person)
    for i, a in enumerate(attachments):
        if a.kind in refused:
            what = HELD_BY_RECORDS.get(a.kind, N_("legal representation (court decision)"))
            errors.append(DomainError(
                ErrorCode.INVALID, "The records already hold this ({what}); it need not be uploaded.",
                f"attachments.{i}.kind", what=Phrase(what),
            ))
            continue
        if a.file_id is not None:
            file = await session.get(Receipt, a.file_id)
            if file is None or file.person_id != person.id:
                errors.append(not_found("file", f"attachments.{i}.fileId"))
    given = {a.kind for a in attachments}
    for needed in REQUIRED_ATTACHMENTS[kind]:
        if needed not in given:
            errors.append(DomainError(
                ErrorCode.REQUIRED,
                "Attach the medical record (forms of Appendices 5 and 6, outpatient record abstract): "
                "the records do not hold it.",
                "attachments",
            ))
    if errors:
        raise ValidationErrors(errors)
    return [{"kind": a.kind.value, "file_id": a.file_id, "title": a.title} for a in attachments]


async def submit_application(
    session: AsyncSession,
    viewer: Viewer,
    *,
    kind: ApplicationKind | str,
    person_id: int | None = None,
    details: Mapping[str, Any] | None = None,
    attachments: Sequence[Mapping[str, Any]] | None = None,
) -> Application:
    """A recipient (or their legal representative) applies; eligibility comes from the records.

    Refused: NO_ACTIVE_RECORD, NOT_ELIGIBLE or DUPLICATE with the records' reason; an upload of
    what the records hold (INVALID); a missing required attachment (REQUIRED).
    """
    k = _kind(kind)
    person = await _person_of_applicant(session, viewer, person_id)
    clean = clean_details(k, details)
    files = _clean_attachments(attachments)
    # Serialise concurrent submissions for one person (PostgreSQL; SQLite serialises writers).
    await session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    today = clock.today()
    a = await assess(session, person, k, clean, today)
    if a.refusal is not None:
        raise a.refusal
    stored_files = await _check_attachments(session, person, k, files)
    pending = (await session.execute(
        select(Application).where(
            Application.person_id == person.id, Application.kind == k,
            Application.status == ApplicationStatus.SUBMITTED,
        )
    )).scalars().all()
    for other in pending:
        if k != ApplicationKind.MISSING_AID or other.details.get("classifier_item_id") == clean.get(
            "classifier_item_id"
        ):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "Application №{number} for this is already being considered (due {due}).",
                "kind", number=str(other.id), due=other.due_date,
            )
    now = clock.now()
    app = Application(
        kind=k, person_id=person.id, region_id=person.region_id, submitted_by_account_id=viewer.account_id,
        details={**clean, "proven_facts": a.facts, "attachments": stored_files,
                 "required_attachments": [x.value for x in REQUIRED_ATTACHMENTS[k]]},
        status=ApplicationStatus.SUBMITTED, submitted_at=now, due_date=due_date_for(k, now),
    )
    session.add(app)
    await session.flush()
    audit(session, viewer, "application.submitted", app, None, snapshot(app))
    return app


# -- deciding --------------------------------------------------------------------------------
async def _application_for_officer(session: AsyncSession, viewer: Viewer, application_id: Any) -> Application:
    viewer.require_authenticated()
    if viewer.role != Role.LOCAL_BODY:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Applications are decided by an officer of the person's region.", "applicationId"
        )
    aid = clean_id(application_id, "application", "applicationId")
    app = await session.get(Application, aid)
    if app is None or not viewer.is_officer_of(app.region_id):
        raise not_found("application", "applicationId")
    return app


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


# -- reading ---------------------------------------------------------------------------------
def _scope(viewer: Viewer) -> list[Any]:
    viewer.require_authenticated()
    if viewer.is_admin:
        return []
    if viewer.role == Role.RECIPIENT:
        return [Application.person_id.in_(sorted(viewer.person_ids))]
    if viewer.role == Role.LOCAL_BODY:
        return [Application.region_id == viewer.region_id]
    raise DomainError(ErrorCode.FORBIDDEN, "Your role cannot see applications.")


def can_see_application(viewer: Viewer, app: Application) -> bool:
    if viewer.is_admin:
        return True
    if viewer.role == Role.RECIPIENT:
        return app.person_id in viewer.person_ids
    if viewer.role == Role.LOCAL_BODY:
        return app.region_id == viewer.region_id
    return False


async def get_application(session: AsyncSession, viewer: Viewer, application_id: int) -> Application:
    viewer.require_authenticated()
    aid = clean_id(application_id, "application", "applicationId")
    app = await session.get(Application, aid)
    if app is None or not can_see_application(viewer, app):
        raise not_found("application", "applicationId")
    return app


def application_cursor(app: Application) -> list[Any]:
    return due_date_cursor(app.due_date, app.id)


async def list_applications(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: ApplicationStatus | str | None = None,
    kind: ApplicationKind | str | None = None,
    overdue_only: bool = False,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[Application] | int:
    """Applications in the viewer's scope, keyset-paged by (due date, id): an officer's queue
    (their region) and an admin's list come soonest due first, a recipient's latest first.
    ``overdue_only``: SUBMITTED and past the due date. Returns up to ``first + 1`` rows."""
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)
    conditions = _scope(viewer)
    if status is not None:
        try:
            conditions.append(Application.status == ApplicationStatus(status))
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "Not an application status.", "status") from exc
    if kind is not None:
        conditions.append(Application.kind == _kind(kind))
    if overdue_only:
        conditions += [Application.status == ApplicationStatus.SUBMITTED, Application.due_date < clock.today()]
    if count_only:
        return await count_rows(session, select(Application).where(*conditions))
    ascending = viewer.role in (Role.LOCAL_BODY, Role.ADMIN)
    cursor = parse_due_date_cursor(after)
    if cursor is not None:
        due, aid = cursor
        if ascending:
            conditions.append(or_(Application.due_date > due, (Application.due_date == due) & (Application.id > aid)))
        else:
            conditions.append(or_(Application.due_date < due, (Application.due_date == due) & (Application.id < aid)))
    order = ((Application.due_date.asc(), Application.id.asc()) if ascending
             else (Application.due_date.desc(), Application.id.desc()))
    rows = await session.execute(select(Application).where(*conditions).order_by(*order).limit(first + 1))
    return list(rows.scalars())


async def count_overdue(session: AsyncSession, viewer: Viewer) -> int:
    conditions = _scope(viewer) + [
        Application.status == ApplicationStatus.SUBMITTED, Application.due_date < clock.today(),
    ]
    stmt = select(func.count()).select_from(Application).where(*conditions)
    return int((await session.execute(stmt)).scalar_one())
