"""Who may apply for what, read from the records: what they prove about a person, the refusal when
the person is not eligible, and the form the portal shows before anything is submitted (the facts,
what must be attached, what must not be because the records hold it)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Region, Role
from marketplace.applications.models import ApplicationKind
from marketplace.applications.terms import TERM_WORKING_DAYS, due_date_for
from marketplace.catalog.models import ClassifierItem, ItemCategory
from marketplace.cleaning import clean_choice, clean_id, clean_optional_text, clean_quantity
from marketplace.errors import DomainError, ErrorCode, N_, not_found
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, EntitlementStatus
from marketplace.records.services import active_record, age_on

MAX_NOTE = 1000
MAX_REQUESTED_QUANTITY = Decimal(10000)


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


# -- input cleaning ---------------------------------------------------------------------------
def clean_kind(value: Any) -> ApplicationKind:
    return clean_choice(ApplicationKind, value, "kind")


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


def refused_attachment_kinds(person: Person) -> list[AttachmentKind]:
    kinds = list(HELD_BY_RECORDS)
    if person.legal_representative_id is not None:
        kinds.append(AttachmentKind.COURT_DECISION)
    return kinds


async def person_of_applicant(session: AsyncSession, viewer: Viewer, person_id: int | None) -> Person:
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
    k = clean_kind(kind)
    person = await person_of_applicant(session, viewer, person_id)
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
        required_attachments=list(REQUIRED_ATTACHMENTS[k]), refused_attachments=refused_attachment_kinds(person),
        term_working_days=TERM_WORKING_DAYS[k], due_date_if_submitted_today=due_date_for(k, clock.now()),
    )
