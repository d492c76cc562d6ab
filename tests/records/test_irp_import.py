"""The IRP CSV import: good rows land, bad rows are reported by line, a re-run duplicates nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace.accounts.models import Person, Role
from marketplace.audit.models import AuditEvent
from marketplace.identifiers import make_iin
from marketplace.records.irp_import import COLUMNS, import_irp
from marketplace.records.models import DisabilityRecord, Entitlement
from tests import factories as f


def _csv(rows: list[dict[str, str]]) -> str:
    lines = [",".join(COLUMNS)]
    lines += [",".join(row.get(c, "") for c in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


async def _counts(db) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        counts = []
        for model in (Person, DisabilityRecord, Entitlement, AuditEvent):
            counts.append((await s.execute(select(func.count()).select_from(model))).scalar_one())
        return tuple(counts)  # type: ignore[return-value]


async def test_import_reports_bad_rows_keeps_good_ones_and_reruns_cleanly(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        region = await f.region(s, code="ASTANA")
        other = await f.region(s, code="ALMATY_CITY")
        await f.classifier_item(s, code="TSR-01-001", service_life_months=None)
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id)
    viewer = f.viewer_of(officer)
    today = f.today()
    good = {
        "last_name": "Иванова", "first_name": "Анна", "region_code": "ASTANA", "group": "II",
        "cause": "GENERAL_DISEASE", "nosology_code": "G80", "exam_format": "IN_ABSENTIA",
        "record_valid_from": str(today - dt.timedelta(days=10)), "record_valid_until": str(today + dt.timedelta(days=300)),
        "classifier_code": "TSR-01-001", "quantity": "1", "valid_from": str(today),
        "valid_until": str(today + dt.timedelta(days=300)),
    }
    rows = []
    for n in range(5):
        rows.append({**good, "iin": make_iin(dt.date(1990, 1, 1 + n), "F", 500 + n),
                     "decision_number": f"MSE-{n}", "line_number": f"IRP-{n}"})
    bad = [
        {**good, "iin": "123456789012", "decision_number": "MSE-B1", "line_number": "IRP-B1"},  # checksum
        {**good, "iin": make_iin(dt.date(1991, 2, 2), "M", 9), "decision_number": "MSE-B2", "line_number": "IRP-B2",
         "quantity": "-3"},
        {**good, "iin": make_iin(dt.date(1991, 2, 3), "M", 9), "decision_number": "MSE-B3", "line_number": "IRP-B3",
         "classifier_code": "NO-SUCH"},
        {**good, "iin": make_iin(dt.date(1991, 2, 4), "M", 9), "decision_number": "MSE-B4", "line_number": "IRP-B4",
         "region_code": "ALMATY_CITY"},  # outside the officer's region
        {**good, "iin": make_iin(dt.date(1991, 2, 5), "M", 9), "decision_number": "MSE-B5", "line_number": "IRP-B5",
         "group": "IV"},
        {**good, "iin": make_iin(dt.date(1991, 2, 6), "M", 9), "decision_number": "", "line_number": "IRP-B6"},
    ]
    text = _csv(rows[:2] + bad + rows[2:])
    assert other.id  # the other region exists: refusal is by scope, not by absence

    report = await import_irp(db, viewer, text)
    assert report.rows == 11
    assert report.persons_created == 5 and report.records_created == 5 and report.entitlements_created == 5
    assert sorted(e.line for e in report.errors) == [4, 5, 6, 7, 8, 9]
    codes = {e.line: e.code for e in report.errors}
    assert codes[4] == "INVALID_IIN" or codes[4] == "INVALID"
    assert codes[6] == "NOT_FOUND" and codes[9] == "REQUIRED"
    persons, records, lines, audits = await _counts(db)
    assert (persons, records, lines) == (5, 5, 5)
    assert audits >= 15  # every created object is audited

    again = await import_irp(db, viewer, text)
    assert again.persons_created == again.records_created == again.entitlements_created == 0
    assert again.unchanged == 5 and again.failed == 6
    assert await _counts(db) == (persons, records, lines, audits)
