"""Persons, disability records and IRP entitlements: kept by the region's officer.

Who may do what:
- a LOCAL_BODY officer registers and changes the persons, records and
  entitlements of their own region; an ADMIN may do it anywhere;
- a RECIPIENT reads their own (and their represented persons') records and
  entitlements; a PROVIDER sees none of it.
Anything outside the viewer's scope is NOT_FOUND, exactly as a missing id.
Every change leaves an AuditEvent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope, fetch_one_in_scope
from marketplace.accounts.models import Language, Person, Region, Role, Sex
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import ClassifierItem, ItemCategory, Unit
from marketplace.catalog.validation import clean_phone
from marketplace.cleaning import clean_choice, clean_optional_text, clean_quantity, clean_required_text
from marketplace.clock import today
from marketplace.errors import DomainError, ErrorCode, not_found, Phrase
from marketplace.identifiers import REASONS, InvalidIdentifier, iin_birth_date, iin_sex, validate_iin
from marketplace.lifecycle import DISABILITY_RECORD, ENTITLEMENT, transition
from marketplace.calendar import add_months
from marketplace.records import norms
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, EntitlementSource
from marketplace.records.models import EntitlementStatus, ExamFormat, RecordStatus

# ICD-10: a letter, two digits, optionally a dot and one or two more digits (G80, G80.1, S78.01).
NOSOLOGY_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$")
MAX_ENTITLEMENT_DAYS = 5 * 366  # an IRP line runs at most about five years
MAX_RECORD_YEARS_AHEAD = 1  # a record may start at most a year from today
MAX_CAUSE = 64
MAX_DECISION = 40
MAX_LINE = 60
MAX_NAME = 100
# Units counted in whole things: half a wheelchair or half a course is nonsense.
WHOLE_UNITS = frozenset({Unit.PIECE, Unit.PAIR, Unit.COURSE, Unit.TRIP, Unit.DAY})
# A child under 18 has the CHILD category; groups I-III are set from 16 on.
CHILD_AGE_LIMIT = 18


# -- cleaning helpers (shared with orders) ------------------------------------
def require_whole(quantity: Decimal, unit: Unit, field: str = "quantity") -> None:
    if unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        raise DomainError(ErrorCode.INVALID, "Counted in whole units ({unit}).", field, unit=unit)


def invalid_identifier(exc: InvalidIdentifier, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_IIN, "Not a valid {kind}: {reason} ({rule}).", field,
                       kind=exc.kind, reason=Phrase(REASONS[exc.reason]), rule=exc.reason)


def clean_iin(value: str | None, field: str = "iin") -> str:
    try:
        return validate_iin(value or "")
    except InvalidIdentifier as exc:
        raise invalid_identifier(exc, field) from exc


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- scope ----------------------------------------------------------------------
def _require_keeper(viewer: Viewer) -> None:
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)


def _keeps(viewer: Viewer, region_id: int) -> bool:
    return viewer.is_admin or viewer.is_officer_of(region_id)


async def _person_for_keeper(session: AsyncSession, viewer: Viewer, person_id: int, *, lock: bool = False) -> Person:
    stmt = select(Person).where(Person.id == person_id)
    if lock:
        # Serialises the checks-then-insert of concurrent officers on one person
        # (PostgreSQL; SQLite already serialises writers with BEGIN IMMEDIATE).
        stmt = stmt.with_for_update()
    return await fetch_one_in_scope(session, stmt, "person", "personId", lambda person: _keeps(viewer, person.region_id))


async def _visible_person(session: AsyncSession, viewer: Viewer, person_id: int) -> Person:
    viewer.require_authenticated()
    return await fetch_in_scope(session, Person, person_id, "person", "personId",
                                lambda person: viewer.can_see_person(person.id, person.region_id))


async def active_record(session: AsyncSession, person_id: int, on: dt.date) -> DisabilityRecord | None:
    """The person's record that is active on ``on``, if any."""
    return (
        await session.execute(
            select(DisabilityRecord)
            .where(
                DisabilityRecord.person_id == person_id,
                DisabilityRecord.status == RecordStatus.ACTIVE,
                DisabilityRecord.valid_from <= on,
                or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= on),
            )
            .order_by(DisabilityRecord.valid_from.desc(), DisabilityRecord.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


# -- persons --------------------------------------------------------------------
async def register_person(
    session: AsyncSession,
    viewer: Viewer,
    *,
    iin: str,
    last_name: str,
    first_name: str,
    region_id: int,
    middle_name: str | None = None,
    language: Language = Language.RU,
    phone: str | None = None,
    address: str | None = None,
    has_mobility_difficulty: bool = False,
    receives_carer_allowance: bool = False,
    legal_representative_id: int | None = None,
) -> Person:
    """Register a person; birth date and sex come from the IIN. Officers register in their region."""
    _require_keeper(viewer)
    if not viewer.is_admin and not viewer.is_officer_of(region_id):
        raise DomainError(ErrorCode.FORBIDDEN, "You can register persons of your own region only.", "regionId")
    if await session.get(Region, region_id) is None:
        raise not_found("region", "regionId")
    iin = clean_iin(iin)
    try:
        birth_date = iin_birth_date(iin)
        sex = Sex(iin_sex(iin))
    except InvalidIdentifier as exc:  # pragma: no cover - validate_iin already checked these digits
        raise invalid_identifier(exc, "iin") from exc
    if birth_date > today():
        raise DomainError(ErrorCode.INVALID_IIN, "The IIN gives a birth date in the future.", "iin")
    last = clean_required_text(last_name, "lastName", MAX_NAME)
    first = clean_required_text(first_name, "firstName", MAX_NAME)
    middle = clean_optional_text(middle_name, "middleName", MAX_NAME)
    phone = clean_phone(phone)  # the same rule as a provider's phone
    address = clean_optional_text(address, "address", 300)
    if legal_representative_id is not None and await session.get(Person, legal_representative_id) is None:
        raise not_found("person", "legalRepresentativeId")
    if (await session.execute(select(Person.id).where(Person.iin == iin))).first() is not None:
        # The IIN is unique nationwide; saying so is needed to avoid a duplicate person.
        raise DomainError(ErrorCode.DUPLICATE, "A person with this IIN is already registered.", "iin")
    person = Person(
        iin=iin,
        last_name=last,
        first_name=first,
        middle_name=middle,
        birth_date=birth_date,
        sex=sex,
        region_id=region_id,
        language=language,
        phone=phone,
        address=address,
        has_mobility_difficulty=bool(has_mobility_difficulty),
        receives_carer_allowance=bool(receives_carer_allowance),
        legal_representative_id=legal_representative_id,
    )
    session.add(person)
    await _flush_unique(session, "A person with this IIN is already registered.", "iin")
    audit(session, viewer, "person.registered", person, None, snapshot(person))
    return person


async def set_person_flags(
    session: AsyncSession,
    viewer: Viewer,
    person: Person,
    *,
    has_mobility_difficulty: bool | None = None,
    receives_carer_allowance: bool | None = None,
    reason: str,
) -> Person:
    """Set what the records say of a person (None leaves a flag as it is); audited with the reason.
    The caller has checked the person is the viewer's to keep."""
    before = snapshot(person)
    if has_mobility_difficulty is not None:
        person.has_mobility_difficulty = has_mobility_difficulty
    if receives_carer_allowance is not None:
        person.receives_carer_allowance = receives_carer_allowance
    after = snapshot(person)
    if after != before:
        await session.flush()
        audit(session, viewer, "person.flags_corrected", person, before, {**after, "reason": reason})
    return person


async def correct_person_flags(
    session: AsyncSession,
    viewer: Viewer,
    person_id: int,
    *,
    has_mobility_difficulty: bool | None = None,
    receives_carer_allowance: bool | None = None,
    reason: str | None,
) -> Person:
    """An officer of the person's region (or the admin) corrects the person's flags, with a reason:
    mobility difficulty (an assistant needs it with group I) and carer's allowance (it rules an
    assistant out). A person of another region is NOT_FOUND."""
    _require_keeper(viewer)
    why = clean_required_text(reason, "reason", 500, multiline=True)
    if has_mobility_difficulty is None and receives_carer_allowance is None:
        raise DomainError(ErrorCode.REQUIRED, "Say which flag to correct.", "hasMobilityDifficulty")
    person = await _person_for_keeper(session, viewer, person_id, lock=True)
    return await set_person_flags(session, viewer, person, has_mobility_difficulty=has_mobility_difficulty,
                                  receives_carer_allowance=receives_carer_allowance, reason=why)


async def _flush_unique(session: AsyncSession, message: str, field: str) -> None:
    """Flush; a unique violation by a concurrent insert becomes DUPLICATE (the caller's transaction rolls back)."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if "unique" in str(exc.orig).lower() or "duplicate" in str(exc.orig).lower():
            raise DomainError(ErrorCode.DUPLICATE, message, field) from exc
        raise


async def get_person(session: AsyncSession, viewer: Viewer, person_id: int) -> Person:
    return await _visible_person(session, viewer, person_id)


async def find_person_by_iin(session: AsyncSession, viewer: Viewer, iin: str) -> Person:
    """An officer (of the person's region) or an admin: the person with this IIN. A malformed IIN
    is INVALID_IIN; a person of another region is NOT_FOUND, exactly like one never registered."""
    _require_keeper(viewer)
    wanted = clean_iin(iin, "iin")
    return await fetch_one_in_scope(session, select(Person).where(Person.iin == wanted), "person", "iin",
                                    lambda person: _keeps(viewer, person.region_id))


# -- disability records ---------------------------------------------------------
async def register_disability(
    session: AsyncSession,
    viewer: Viewer,
    *,
    person_id: int,
    group: DisabilityGroup,
    cause: str,
    nosology_code: str,
    exam_format: ExamFormat,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    decision_number: str | None = None,
) -> DisabilityRecord:
    """Register a disability set by MSE. One active record per person at a time:
    a record overlapping an active one is refused (close or extend that one)."""
    _require_keeper(viewer)
    person = await _person_for_keeper(session, viewer, person_id, lock=True)
    group = clean_choice(DisabilityGroup, group, "group")
    exam_format = clean_choice(ExamFormat, exam_format, "examFormat")
    cause = clean_required_text(cause, "cause", MAX_CAUSE, multiline=True)  # type: ignore[assignment]
    code = (nosology_code or "").strip().upper()
    if not NOSOLOGY_RE.match(code):
        raise DomainError(ErrorCode.INVALID, "An ICD-10 code such as G80 or G80.1.", "nosologyCode")
    decision = clean_optional_text(decision_number, "decisionNumber", MAX_DECISION)
    if valid_from < person.birth_date:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Starts before the person was born.", "validFrom")
    if valid_from > add_months(today(), 12 * MAX_RECORD_YEARS_AHEAD):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Starts more than a year from today.", "validFrom")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends before it starts.", "validUntil")
    if valid_until is not None and valid_until > add_months(valid_from, 12 * 100):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Give no end date for a lifelong disability.", "validUntil")
    age = age_on(person.birth_date, valid_from)
    if group == DisabilityGroup.CHILD and age >= CHILD_AGE_LIMIT:
        raise DomainError(ErrorCode.INVALID, "The CHILD category is for persons under 18.", "group")
    if decision is not None and (
        await session.execute(select(DisabilityRecord.id).where(DisabilityRecord.decision_number == decision))
    ).first():
        raise DomainError(ErrorCode.DUPLICATE, "This MSE decision is already registered.", "decisionNumber")
    overlapping = (
        await session.execute(
            select(DisabilityRecord.id).where(
                DisabilityRecord.person_id == person.id,
                DisabilityRecord.status == RecordStatus.ACTIVE,
                or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= valid_from),
                *([DisabilityRecord.valid_from <= valid_until] if valid_until is not None else []),
            )
        )
    ).first()
    if overlapping is not None:
        raise DomainError(
            ErrorCode.DUPLICATE,
            "The person has an active record for this period; close or extend it instead.",
            "validFrom",
        )
    rec = DisabilityRecord(
        person_id=person.id,
        region_id=person.region_id,
        group=group,
        cause=cause,
        nosology_code=code,
        exam_format=exam_format,
        valid_from=valid_from,
        valid_until=valid_until,
        status=RecordStatus.ACTIVE,
        decision_number=decision,
    )
    session.add(rec)
    await _flush_unique(session, "This MSE decision is already registered.", "decisionNumber")
    audit(session, viewer, "record.registered", rec, None, snapshot(rec))
    return rec


async def _record_for_keeper(session: AsyncSession, viewer: Viewer, record_id: int) -> DisabilityRecord:
    _require_keeper(viewer)
    return await fetch_in_scope(session, DisabilityRecord, record_id, "disability record", "recordId",
                                lambda rec: _keeps(viewer, rec.region_id))


async def close_disability_record(session: AsyncSession, viewer: Viewer, record_id: int) -> DisabilityRecord:
    """ACTIVE → CLOSED. Orders already placed keep their reservations; new orders need an active record."""
    rec = await _record_for_keeper(session, viewer, record_id)
    await transition(
        session, viewer, DISABILITY_RECORD, rec, RecordStatus.CLOSED, action="record.closed",
        refusal=lambda _: DomainError(ErrorCode.INVALID_TRANSITION, "This record is already closed.", "recordId"),
    )
    return rec


async def extend_disability_record(
    session: AsyncSession, viewer: Viewer, record_id: int, new_valid_until: dt.date | None
) -> DisabilityRecord:
    """Move an active record's review date later (None: no end date, a lifelong disability)."""
    rec = await _record_for_keeper(session, viewer, record_id)
    if new_valid_until is not None:
        if rec.valid_until is None:
            raise DomainError(ErrorCode.INVALID, "This record has no end date to extend.", "validUntil")
        if new_valid_until <= rec.valid_until:
            raise DomainError(ErrorCode.OUT_OF_RANGE, "The new end date must be later than the current one.", "validUntil")
        if new_valid_until > add_months(rec.valid_from, 12 * 100):
            raise DomainError(ErrorCode.OUT_OF_RANGE, "Give no end date for a lifelong disability.", "validUntil")
    # An active record of the person starting later (before the new end, if any) would overlap.
    later = (
        await session.execute(
            select(DisabilityRecord.id).where(
                DisabilityRecord.person_id == rec.person_id,
                DisabilityRecord.id != rec.id,
                DisabilityRecord.status == RecordStatus.ACTIVE,
                DisabilityRecord.valid_from > rec.valid_from,
                *([DisabilityRecord.valid_from <= new_valid_until] if new_valid_until is not None else []),
            )
        )
    ).first()
    if later is not None:
        raise DomainError(ErrorCode.DUPLICATE, "A later active record would overlap.", "validUntil")
    before = snapshot(rec)
    result = await session.execute(
        update(DisabilityRecord)
        .where(DisabilityRecord.id == rec.id, DisabilityRecord.status == RecordStatus.ACTIVE)
        .values(valid_until=new_valid_until)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A closed record cannot be extended.", "recordId")
    await session.refresh(rec)
    audit(session, viewer, "record.extended", rec, before, snapshot(rec))
    return rec


async def get_record(session: AsyncSession, viewer: Viewer, record_id: int) -> DisabilityRecord:
    """A disability record, for whoever may see its person (as ``list_records``)."""
    viewer.require_authenticated()
    rec = await session.get(DisabilityRecord, record_id)
    if rec is None:
        raise not_found("disability record", "id")
    try:
        await _visible_person(session, viewer, rec.person_id)
    except DomainError:
        raise not_found("disability record", "id") from None
    return rec


async def list_records(session: AsyncSession, viewer: Viewer, person_id: int) -> list[DisabilityRecord]:
    person = await _visible_person(session, viewer, person_id)
    rows = await session.execute(
        select(DisabilityRecord)
        .where(DisabilityRecord.person_id == person.id)
        .order_by(DisabilityRecord.valid_from.desc(), DisabilityRecord.id.desc())
    )
    return list(rows.scalars())


# -- entitlements (IRP lines) ---------------------------------------------------
async def issue_entitlement(
    session: AsyncSession,
    viewer: Viewer,
    *,
    person_id: int,
    classifier_item_id: int,
    quantity: Decimal,
    valid_from: dt.date,
    valid_until: dt.date,
    line_number: str | None = None,
    quarterly_release: Decimal | None = None,
    daily_limit: Decimal | None = None,
    with_companion: bool = False,
    source: EntitlementSource = EntitlementSource.IRP,
) -> Entitlement:
    """Add a line to a person's IRP.

    Refused when: the person has no active record for the period
    (NO_ACTIVE_RECORD); an earlier entitlement for an item with a service life
    started less than that life before ``valid_from`` (SERVICE_LIFE_NOT_EXPIRED,
    the message names the first possible date; a CLOSED entitlement of which
    nothing was used does not count); an active entitlement for the same item
    overlaps the period (DUPLICATE); a personal assistant for someone not
    eligible, a companion for someone not in group I or a child (NOT_ELIGIBLE).
    """
    _require_keeper(viewer)
    person = await _person_for_keeper(session, viewer, person_id, lock=True)
    item = await session.get(ClassifierItem, classifier_item_id)
    if item is None:
        raise not_found("classifier item", "classifierItemId")
    if not item.is_active:
        raise DomainError(ErrorCode.INVALID, "This classifier item is no longer in use.", "classifierItemId")
    qty = clean_quantity(quantity)
    require_whole(qty, item.unit)
    if valid_until < valid_from:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends before it starts.", "validUntil")
    if (valid_until - valid_from).days > MAX_ENTITLEMENT_DAYS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "An entitlement runs at most five years.", "validUntil")
    if valid_until < today():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "This period is already over.", "validUntil")
    if valid_from > add_months(today(), 12 * MAX_RECORD_YEARS_AHEAD):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Starts more than a year from today.", "validFrom")
    release = None
    if quarterly_release is not None:
        release = clean_quantity(quarterly_release, "quarterlyRelease")
        require_whole(release, item.unit, "quarterlyRelease")
    limit = clean_quantity(daily_limit, "dailyLimit") if daily_limit is not None else None
    line = clean_optional_text(line_number, "lineNumber", MAX_LINE)

    # The record: an active one covering the start of the period and not over today.
    rec = (
        await session.execute(
            select(DisabilityRecord)
            .where(
                DisabilityRecord.person_id == person.id,
                DisabilityRecord.status == RecordStatus.ACTIVE,
                DisabilityRecord.valid_from <= max(valid_from, today()),
                or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= max(valid_from, today())),
            )
            .order_by(DisabilityRecord.valid_from.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if rec is None:
        raise DomainError(ErrorCode.NO_ACTIVE_RECORD, "The person has no active disability record.", "personId")

    # Eligibility set by law.
    if item.category == ItemCategory.PERSONAL_ASSISTANT:
        if rec.group != DisabilityGroup.I or not person.has_mobility_difficulty:
            raise DomainError(
                ErrorCode.NOT_ELIGIBLE,
                "A personal assistant is for persons of group I with difficulty moving.",
                "classifierItemId",
            )
        if person.receives_carer_allowance:
            raise DomainError(
                ErrorCode.NOT_ELIGIBLE,
                "Not for a person whose carer is paid a carer's allowance.",
                "classifierItemId",
            )
    line_norms = norms.line_norms(item, rec.group, quantity=qty, quarterly_release=release, daily_limit=limit,
                                  with_companion=with_companion)

    # Service life: a wheelchair issued in 2024 with a 5-year life cannot be issued again before 2029.
    earlier = list(
        (
            await session.execute(
                select(Entitlement).where(
                    Entitlement.person_id == person.id,
                    Entitlement.classifier_item_id == item.id,
                )
            )
        ).scalars()
    )
    counted = [e for e in earlier if not (e.status == EntitlementStatus.CLOSED and e.consumed == 0 and e.reserved == 0)]
    if item.service_life_months:
        months = item.service_life_months
        blocking = [
            e
            for e in counted
            if e.valid_from <= valid_from < add_months(e.valid_from, months)
            or valid_from < e.valid_from < add_months(valid_from, months)
        ]
        if blocking:
            possible = max(add_months(e.valid_from, months) for e in blocking)
            raise DomainError(
                ErrorCode.SERVICE_LIFE_NOT_EXPIRED,
                "The service life of {months} months has not run out: possible from {day}.",
                "validFrom", months=months, day=possible,
            )
    overlapping = [
        e
        for e in counted
        if e.status == EntitlementStatus.ACTIVE and e.valid_from <= valid_until and valid_from <= e.valid_until
    ]
    if overlapping:
        raise DomainError(
            ErrorCode.DUPLICATE,
            "The person already has an active entitlement for this item in this period.",
            "classifierItemId",
        )
    if line is not None and (
        await session.execute(select(Entitlement.id).where(Entitlement.line_number == line))
    ).first():
        raise DomainError(ErrorCode.DUPLICATE, "This IRP line is already registered.", "lineNumber")
    await norms.check_yearly_lines(session, item, person.id, quantity=qty, valid_from=valid_from,
                                   valid_until=valid_until)

    ent = Entitlement(
        person_id=person.id,
        region_id=person.region_id,
        classifier_item_id=item.id,
        quantity=qty,
        reserved=Decimal("0"),
        consumed=Decimal("0"),
        valid_from=valid_from,
        valid_until=valid_until,
        quarterly_release=line_norms.quarterly_release,
        daily_limit=line_norms.daily_limit,
        with_companion=line_norms.with_companion,
        status=EntitlementStatus.ACTIVE,
        source=clean_choice(EntitlementSource, source, "source"),
        line_number=line,
    )
    session.add(ent)
    await _flush_unique(session, "This IRP line is already registered.", "lineNumber")
    audit(session, viewer, "entitlement.issued", ent, None, snapshot(ent))
    return ent


async def close_entitlement(session: AsyncSession, viewer: Viewer, entitlement_id: int) -> Entitlement:
    """ACTIVE → CLOSED: no new orders. Orders already placed keep their reservation
    and can still be delivered, confirmed (consumed) or cancelled (released)."""
    _require_keeper(viewer)
    ent = await fetch_in_scope(session, Entitlement, entitlement_id, "entitlement", "entitlementId",
                               lambda ent: _keeps(viewer, ent.region_id))
    await transition(
        session, viewer, ENTITLEMENT, ent, EntitlementStatus.CLOSED, action="entitlement.closed",
        refusal=lambda _: DomainError(ErrorCode.INVALID_TRANSITION, "This entitlement is already closed.",
                                      "entitlementId"),
    )
    return ent


async def get_entitlement(session: AsyncSession, viewer: Viewer, entitlement_id: int) -> Entitlement:
    viewer.require_authenticated()
    return await fetch_in_scope(session, Entitlement, entitlement_id, "entitlement", "entitlementId",
                                lambda ent: viewer.can_see_person(ent.person_id, ent.region_id))


async def list_entitlements(
    session: AsyncSession, viewer: Viewer, person_id: int, *, include_closed: bool = True
) -> list[Entitlement]:
    """A person's IRP lines with their balances (``Entitlement.balance``), newest first."""
    person = await _visible_person(session, viewer, person_id)
    stmt = select(Entitlement).where(Entitlement.person_id == person.id)
    if not include_closed:
        stmt = stmt.where(Entitlement.status == EntitlementStatus.ACTIVE)
    rows = await session.execute(stmt.order_by(Entitlement.valid_from.desc(), Entitlement.id.desc()))
    return list(rows.scalars())


async def my_entitlements(
    session: AsyncSession, viewer: Viewer, *, include_closed: bool = False
) -> list[Entitlement]:
    """The signed-in recipient's entitlements and those of the persons they represent.

    Each carries ``balance`` (quantity − reserved − consumed); for quota items
    ``marketplace.orders.pricing.available`` tells what is released and free now.
    """
    viewer.require_role(Role.RECIPIENT)
    ids = viewer.person_ids
    if not ids:
        return []
    stmt = select(Entitlement).where(Entitlement.person_id.in_(ids))
    if not include_closed:
        stmt = stmt.where(Entitlement.status == EntitlementStatus.ACTIVE, Entitlement.valid_until >= today())
    rows = await session.execute(
        stmt.order_by(Entitlement.person_id, Entitlement.valid_until, Entitlement.id)
    )
    return list(rows.scalars())
