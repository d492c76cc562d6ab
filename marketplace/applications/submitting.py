"""A recipient (or their legal representative) submits an application: eligibility checked against
the records, the attachments checked (never one the records hold), a second pending application of
the same kind (for MISSING_AID: the same item) refused as DUPLICATE."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person
from marketplace.applications.eligibility import HELD_BY_RECORDS, REQUIRED_ATTACHMENTS, AttachmentKind, assess
from marketplace.applications.eligibility import clean_details, clean_kind, person_of_applicant
from marketplace.applications.eligibility import refused_attachment_kinds
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.applications.terms import due_date_for
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.claims.models import Receipt
from marketplace.cleaning import clean_id, clean_optional_text
from marketplace.errors import DomainError, ErrorCode, N_, not_found, Phrase, ValidationErrors

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_TITLE = 200


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


async def _check_attachments(
    session: AsyncSession, person: Person, kind: ApplicationKind, attachments: list[_Attachment]
) -> list[dict[str, Any]]:
    errors: list[DomainError] = []
    refused = refused_attachment_kinds(person)
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
    k = clean_kind(kind)
    person = await person_of_applicant(session, viewer, person_id)
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
