"""Proactive intake over HTTP (issue 15): ``POST /imports/irp`` by an officer, the per-row report
answered, kept and downloadable as CSV, a re-upload that creates nothing twice, the person's
flags and contacts from the file, an invitation with a one-time code that sets a password, the
new line announced to the new account; and everyone else refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Account, Person, Role
from marketplace.audit.models import AuditEvent
from marketplace.identifiers import make_iin
from marketplace.notifications import delivery
from marketplace.notifications.models import Notification
from marketplace.records.irp_import import COLUMNS, NORM_COLUMNS, PERSON_COLUMNS
from marketplace.records.models import Entitlement
from tests import factories as f

HEADER = (*COLUMNS, *NORM_COLUMNS, *PERSON_COLUMNS)
IMPORT = "/imports/irp"


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in HEADER} for row in rows)
    return out.getvalue().encode("utf-8")


def _row(n: int, **kw: str) -> dict[str, str]:
    today = f.today()
    return {
        "iin": make_iin(dt.date(1985, 3, 1 + n), "F", 700 + n), "last_name": "Сапарова", "first_name": "Дана",
        "region_code": "ASTANA", "decision_number": f"MSE-UP-{n}", "group": "I", "cause": "GENERAL_DISEASE",
        "nosology_code": "G80", "exam_format": "IN_PERSON", "record_valid_from": str(today - dt.timedelta(days=5)),
        "record_valid_until": str(today + dt.timedelta(days=700)), "classifier_code": "TSR-01-001",
        "quantity": "1", "valid_from": str(today), "valid_until": str(today + dt.timedelta(days=365)),
        "line_number": f"IRP-UP-{n}", "phone": f"+7701555{1000 + n}", "language": "KK",
        "mobility_difficulty": "yes", **kw,
    }


async def _scene(db: Any) -> dict[str, Any]:
    async with db.transaction() as s:
        region = await f.region(s, code="ASTANA")
        other = await f.region(s, code="ALMATY_CITY")
        await f.classifier_item(s, code="TSR-01-001", service_life_months=None)
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id)
        stranger = await f.account(s, Role.LOCAL_BODY, region_id=other.id)
        admin = await f.account(s, Role.ADMIN)
        provider = await f.provider(s, [region])
        seller = await f.account(s, Role.PROVIDER, provider_id=provider.id)
        person = await f.person(s, region)
        recipient = await f.account(s, Role.RECIPIENT, person_id=person.id)
        return {name: acc.username for name, acc in
                {"officer": officer, "stranger": stranger, "admin": admin, "seller": seller,
                 "recipient": recipient}.items()}


async def _count(db: Any, model: Any) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_an_officer_uploads_a_file_with_a_bad_row_and_reads_the_report(db, api, outbox) -> None:  # type: ignore[no-untyped-def]
    users = await _scene(db)
    token = await api.login(users["officer"])
    auth = {"authorization": f"Bearer {token}", "accept-language": "en"}
    rows = [_row(0), _row(1, carers_allowance="yes", mobility_difficulty="no"),
            _row(2, quantity="-1"), _row(3, region_code="ALMATY_CITY"), _row(4, classifier_code="NO-SUCH"), _row(5)]
    body = _csv(rows)

    answer = await api.http.post(IMPORT, content=body, headers={**auth, "content-type": "text/csv"})
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["rows"] == 6 and report["personsCreated"] == 3 and report["entitlementsCreated"] == 3
    assert report["failed"] == 3 and report["invitationsSent"] == 3 and report["unchanged"] == 0
    assert [(e["line"], e["field"], e["code"]) for e in report["errors"]] == [
        (4, "quantity", "OUT_OF_RANGE"), (5, "region_code", "INVALID"), (6, "classifier_code", "NOT_FOUND")] or \
        [e["line"] for e in report["errors"]] == [4, 5, 6]
    assert report["size"] == len(body) and len(report["sha256"]) == 64

    # The report is kept: as JSON and as CSV, for the uploader.
    again = await api.http.get(f"{IMPORT}/{report['id']}", headers=auth)
    assert again.status_code == 200 and again.json()["errors"] == report["errors"]
    download = await api.http.get(report["report"], headers=auth)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0] == ["line", "field", "code", "message"] and [r[0] for r in table[1:]] == ["4", "5", "6"]
    assert all(r[3] for r in table[1:])

    # What the file said of each person, and their invitations.
    async with db.session() as s:
        dana = (await s.execute(select(Person).where(Person.iin == rows[1]["iin"]))).scalar_one()
        assert dana.receives_carer_allowance and not dana.has_mobility_difficulty and dana.phone == rows[1]["phone"]
        first = (await s.execute(select(Person).where(Person.iin == rows[0]["iin"]))).scalar_one()
        assert first.has_mobility_difficulty and first.language.value == "KK"
        account = (await s.execute(select(Account).where(Account.person_id == first.id))).scalar_one()
        assert account.username == first.iin and account.role == Role.RECIPIENT
        notices = (await s.execute(select(Notification.kind).where(Notification.account_id == account.id))).scalars()
        assert "entitlement.issued" in list(notices)  # the new line, announced to the new account
    await delivery.drain()
    invitations = [m for m in outbox.sent if m.kind == "invitation"]
    assert sorted(m.phone for m in invitations) == sorted(rows[i]["phone"] for i in (0, 1, 5))
    message = next(m for m in invitations if m.phone == rows[0]["phone"])
    assert message.language.value == "KK" and "ЖОБ" in message.title
    code = "".join(ch for ch in message.title if ch.isdigit())

    # No password works until the person sets one with the code; then the IIN signs in.
    refused = await api.execute('mutation($u: String!) { login(username: $u, password: "anything at all 1") '
                                '{ errors { code } } }', {"u": first.iin})
    assert refused["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    reset = await api.execute('mutation($c: String!) { resetPassword(code: $c, newPassword: "a new long passphrase") '
                              '{ errors { code } } }', {"c": code})
    assert reset["data"]["resetPassword"]["errors"] == [], reset
    assert await api.login(first.iin, "a new long passphrase")

    # The same file again: nothing twice, nobody invited twice.
    counts = (await _count(db, Person), await _count(db, Entitlement), await _count(db, Account))
    second = await api.http.post(IMPORT, content=body, headers={**auth, "content-type": "text/csv"})
    assert second.status_code == 201
    assert second.json()["unchanged"] == 3 and second.json()["personsCreated"] == 0
    assert second.json()["invitationsSent"] == 0 and second.json()["sha256"] == report["sha256"]
    assert (await _count(db, Person), await _count(db, Entitlement), await _count(db, Account)) == counts


async def test_a_multipart_upload_and_a_file_refused_whole(db, api) -> None:  # type: ignore[no-untyped-def]
    users = await _scene(db)
    auth = {"authorization": f"Bearer {await api.login(users['officer'])}", "accept-language": "en"}
    answer = await api.http.post(IMPORT, headers=auth, files={"file": ("mse.csv", _csv([_row(7)]), "text/csv")})
    assert answer.status_code == 201 and answer.json()["personsCreated"] == 1 and answer.json()["filename"] == "mse.csv"

    no_columns = await api.http.post(IMPORT, content=b"iin,last_name\n1,2\n", headers={**auth, "content-type": "text/csv"})
    assert no_columns.status_code == 201
    assert [(e["line"], e["field"], e["code"]) for e in no_columns.json()["errors"]] == [(0, "header", "INVALID")]
    not_utf8 = await api.http.post(IMPORT, content=_csv([_row(8)]) + "Ёж".encode("cp1251") + b"\n",
                                   headers={**auth, "content-type": "text/csv"})
    assert not_utf8.status_code == 201 and not_utf8.json()["errors"][-1]["code"] == "INVALID"
    missing = await api.http.post(IMPORT, headers=auth, files={"other": ("x.csv", b"x", "text/csv")})
    assert missing.status_code == 400 and missing.json()["errors"][0]["code"] == "REQUIRED"


async def test_who_may_upload_and_read_a_report(db, api) -> None:  # type: ignore[no-untyped-def]
    users = await _scene(db)
    body = _csv([_row(9)])
    officer = {"authorization": f"Bearer {await api.login(users['officer'])}"}
    made = (await api.http.post(IMPORT, content=body, headers={**officer, "content-type": "text/csv"})).json()
    audits = await _count(db, AuditEvent)
    persons = await _count(db, Person)

    anonymous = await api.http.post(IMPORT, content=body, headers={"content-type": "text/csv"})
    assert anonymous.status_code == 401
    for role in ("recipient", "seller"):
        token = {"authorization": f"Bearer {await api.login(users[role])}"}
        assert (await api.http.post(IMPORT, content=body, headers={**token, "content-type": "text/csv"})).status_code == 403
        assert (await api.http.get(made["report"], headers=token)).status_code == 403
    assert (await _count(db, Person), await _count(db, AuditEvent)) == (persons, audits)

    stranger = {"authorization": f"Bearer {await api.login(users['stranger'])}"}
    assert (await api.http.get(made["report"], headers=stranger)).status_code == 404
    assert (await api.http.get(f"{IMPORT}/{made['id']}", headers=stranger)).status_code == 404
    garbage = await api.http.get(f"{IMPORT}/garbage/report.csv", headers=stranger)
    assert garbage.status_code == 400 and garbage.json()["errors"][0]["code"] == "INVALID"
    admin = {"authorization": f"Bearer {await api.login(users['admin'])}"}
    assert (await api.http.get(made["report"], headers=admin)).status_code == 200
    # The stranger's own region: the row is refused, nothing created there.
    foreign = (await api.http.post(IMPORT, content=_csv([_row(10)]), headers={**stranger, "content-type": "text/csv"}))
    assert foreign.status_code == 201 and foreign.json()["failed"] == 1 and foreign.json()["personsCreated"] == 0


async def test_an_officer_corrects_a_persons_flags(db) -> None:  # type: ignore[no-untyped-def]
    from marketplace.errors import DomainError, ErrorCode
    from marketplace.records.services import correct_person_flags

    async with db.transaction() as s:
        region, other = await f.region(s, code="ASTANA"), await f.region(s, code="ALMATY_CITY")
        person = await f.person(s, region)
        officer = f.viewer_of(await f.account(s, Role.LOCAL_BODY, region_id=region.id))
        stranger = f.viewer_of(await f.account(s, Role.LOCAL_BODY, region_id=other.id))
        recipient = f.viewer_of(await f.account(s, Role.RECIPIENT, person_id=person.id))
        person_id = person.id
    for viewer, code in ((stranger, ErrorCode.NOT_FOUND), (recipient, ErrorCode.FORBIDDEN)):
        with pytest.raises(DomainError) as info:
            async with db.transaction() as s:
                await correct_person_flags(s, viewer, person_id, has_mobility_difficulty=True, reason="MSE letter")
        assert info.value.code == code
    with pytest.raises(DomainError) as info:
        async with db.transaction() as s:
            await correct_person_flags(s, officer, person_id, has_mobility_difficulty=True, reason=" ")
    assert info.value.code == ErrorCode.REQUIRED and info.value.field == "reason"
    async with db.transaction() as s:
        await correct_person_flags(s, officer, person_id, has_mobility_difficulty=True, reason="MSE letter 12")
    async with db.session() as s:
        assert (await s.get(Person, person_id)).has_mobility_difficulty
        event = (await s.execute(select(AuditEvent).where(AuditEvent.action == "person.flags_corrected"))).scalar_one()
        assert event.after["reason"] == "MSE letter 12" and event.after["has_mobility_difficulty"] is True
