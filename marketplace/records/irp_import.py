"""Bulk import of MSE decisions and IRP lines from a CSV file.

One row = one person (found by IIN, or registered), one disability record
(by MSE decision number) and one IRP line (by line number). Every row is
validated by the same services an officer uses; a bad row is reported with
its line number and skipped, the good ones land. Re-running the same file
creates nothing twice: persons, records and lines already there are matched
by IIN, decision number and line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts import invitations
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Language, Person, Region
from marketplace.catalog.models import ClassifierItem
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.i18n import translate
from marketplace.notifications import delivery
from marketplace.records import services
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat

COLUMNS = (
    "iin", "last_name", "first_name", "middle_name", "region_code",
    "decision_number", "group", "cause", "nosology_code", "exam_format", "record_valid_from", "record_valid_until",
    "classifier_code", "quantity", "valid_from", "valid_until", "line_number",
)
# Optional: an officer's stricter norms for the line (the classifier item's own when left out).
NORM_COLUMNS = ("quarterly_release", "daily_limit", "with_companion")
# Optional: what the records know of the person (an assistant needs group I *and* mobility
# difficulty; a carer's allowance rules an assistant out), the phone an invitation goes to, the
# language the person is written to in. On a person already registered a flag given here is the
# records' word and replaces the old one (audited); an empty cell leaves it.
PERSON_COLUMNS = ("mobility_difficulty", "carers_allowance", "phone", "language")
REQUIRED = set(COLUMNS) - {"middle_name", "record_valid_until"}
MAX_FILE_BYTES = 200 * 1024 * 1024
BATCH = 200


@dataclass
class RowError:
    line: int
    field: str | None
    code: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    persons_created: int = 0
    records_created: int = 0
    entitlements_created: int = 0
    unchanged: int = 0
    invitations_sent: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len({e.line for e in self.errors})


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID, "{name} must be a date YYYY-MM-DD.", name, name=name) from exc


def _decimal(value: str, name: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(ErrorCode.INVALID, "{name} must be a number.", name, name=name) from exc
    if not number.is_finite():
        raise DomainError(ErrorCode.INVALID, "{name} must be a number.", name, name=name)
    return number


def _flag(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise DomainError(ErrorCode.INVALID, "{name} must be true or false.", name, name=name)


def _enum(cls, value: str, name: str):  # type: ignore[no-untyped-def]
    try:
        return cls(value.strip().upper())
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID, "{name} must be one of {allowed}.", name, name=name,
                          allowed=list(cls)) from exc


def read_rows(source: str | Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line numbers in the file (the header is line 1), read as they come: a text,
    or a text stream (a file opened with ``newline=""``) that is never read whole."""
    reader = csv.DictReader(io.StringIO(source) if isinstance(source, str) else source)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(ErrorCode.INVALID, "The header lacks columns: {columns}.", "header", columns=missing)
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


async def _import_row(session: AsyncSession, viewer: Viewer, row: dict[str, str],
                      invitations_out: list[delivery.OutgoingMessage] | None = None) -> tuple[int, int, int]:
    """Apply one row; return how many persons, records and lines it created. A person registered is
    invited (their account opened) when ``invitations_out`` is given: the message goes there."""
    made = [0, 0, 0]
    for name in REQUIRED:
        if not row.get(name):
            raise DomainError(ErrorCode.REQUIRED, "{name} is required.", name, name=name)
    region = (await session.execute(select(Region).where(Region.code == row["region_code"].upper()))).scalar_one_or_none()
    if region is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such region code.", "region_code")
    item = (
        await session.execute(select(ClassifierItem).where(ClassifierItem.code == row["classifier_code"]))
    ).scalar_one_or_none()
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such classifier code.", "classifier_code")

    mobility = _flag(row["mobility_difficulty"], "mobility_difficulty") if row.get("mobility_difficulty") else None
    carers = _flag(row["carers_allowance"], "carers_allowance") if row.get("carers_allowance") else None
    person = (await session.execute(select(Person).where(Person.iin == row["iin"]))).scalar_one_or_none()
    if person is None:
        person = await services.register_person(
            session, viewer, iin=row["iin"], last_name=row["last_name"], first_name=row["first_name"],
            middle_name=row.get("middle_name") or None, region_id=region.id,
            language=_enum(Language, row["language"], "language") if row.get("language") else Language.RU,
            phone=row.get("phone") or None, has_mobility_difficulty=bool(mobility), receives_carer_allowance=bool(carers),
        )
        made[0] = 1
        if invitations_out is not None:  # before the line is issued, so its notice finds the account
            message = await invitations.invite(session, person)
            if message is not None:
                invitations_out.append(message)
    elif person.region_id != region.id:
        raise DomainError(ErrorCode.INVALID, "The person is registered in another region.", "region_code")
    elif mobility is not None or carers is not None:
        await services.set_person_flags(session, viewer, person, has_mobility_difficulty=mobility,
                                        receives_carer_allowance=carers, reason="IRP import")

    record = (
        await session.execute(select(DisabilityRecord).where(DisabilityRecord.decision_number == row["decision_number"]))
    ).scalar_one_or_none()
    if record is None:
        await services.register_disability(
            session, viewer, person_id=person.id, group=_enum(DisabilityGroup, row["group"], "group"),
            cause=row["cause"], nosology_code=row["nosology_code"].upper(),
            exam_format=_enum(ExamFormat, row["exam_format"], "exam_format"),
            valid_from=_date(row["record_valid_from"], "record_valid_from"),
            valid_until=_date(row["record_valid_until"], "record_valid_until") if row.get("record_valid_until") else None,
            decision_number=row["decision_number"],
        )
        made[1] = 1
    elif record.person_id != person.id:
        raise DomainError(ErrorCode.DUPLICATE, "This decision number belongs to another person.", "decision_number")

    line = (
        await session.execute(select(Entitlement).where(Entitlement.line_number == row["line_number"]))
    ).scalar_one_or_none()
    if line is None:
        await services.issue_entitlement(
            session, viewer, person_id=person.id, classifier_item_id=item.id,
            quantity=_decimal(row["quantity"], "quantity"), valid_from=_date(row["valid_from"], "valid_from"),
            valid_until=_date(row["valid_until"], "valid_until"), line_number=row["line_number"],
            quarterly_release=_decimal(row["quarterly_release"], "quarterly_release")
            if row.get("quarterly_release") else None,
            daily_limit=_decimal(row["daily_limit"], "daily_limit") if row.get("daily_limit") else None,
            with_companion=_flag(row.get("with_companion", ""), "with_companion"),
        )
        made[2] = 1
    elif line.person_id != person.id or line.classifier_item_id != item.id:
        raise DomainError(ErrorCode.DUPLICATE, "This IRP line number belongs to another person or item.", "line_number")
    return made[0], made[1], made[2]


async def import_irp(
    db: Database,
    viewer: Viewer,
    source: str | Iterable[str],
    *,
    progress: Callable[[int], None] | None = None,
    invite: bool = True,
) -> ImportReport:
    """Import every good row; report the bad ones. Rows are read as they come and go in batches,
    each row inside a savepoint, so a bad row rolls back alone; each batch commits on its own.
    Each person registered gets an account invitation (sent after the batch's commit)."""
    viewer.require_authenticated()
    report = ImportReport()
    rows = read_rows(source)
    unreadable = False
    while not unreadable:
        batch: list[tuple[int, dict[str, str]]] = []
        try:
            batch.extend(itertools.islice(rows, BATCH))
        except UnicodeDecodeError:  # the rows read so far land; what follows cannot be read
            unreadable = True
        if not batch and not unreadable:
            return report
        messages: list[delivery.OutgoingMessage] = []
        async with db.transaction() as session:
            for line, row in batch:
                report.rows += 1
                invited: list[delivery.OutgoingMessage] = []
                try:
                    async with session.begin_nested():
                        persons, records, lines = await _import_row(session, viewer, row,
                                                                    invited if invite else None)
                except DomainError as exc:  # said in the language of the officer who imports
                    report.errors.append(RowError(line, exc.field, exc.code.value, translate(exc, viewer.language)))
                else:
                    report.persons_created += persons
                    report.records_created += records
                    report.entitlements_created += lines
                    report.unchanged += not (persons or records or lines)
                    messages.extend(invited)  # a refused row's invitation was rolled back with it
                if progress:
                    progress(1)
        report.invitations_sent += len(messages)
        delivery.dispatch(messages)  # after the commit: a rolled-back batch sends nothing
    refusal = DomainError(ErrorCode.INVALID, "The file must be UTF-8 text.", "file")
    report.errors.append(RowError(report.rows + 2, "file", refusal.code.value, translate(refusal, viewer.language)))
    return report


def read_file(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DomainError(ErrorCode.TOO_LONG, "The file is over {count} bytes.", "file", count=MAX_FILE_BYTES)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(ErrorCode.INVALID, "The file must be UTF-8 text.", "file") from exc
