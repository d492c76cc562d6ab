"""The IRP import over HTTP (``POST /imports/irp``): an officer's CSV file, the good rows land,
each bad row comes back with its line, field, code and a message in the officer's language;
other roles are refused, nothing is imported."""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import Role
from marketplace.identifiers import make_iin
from marketplace.records.irp_import import COLUMNS
from tests import factories as f

PERSONS = "query($iin: String!) { personByIin(iin: $iin) { id } }"


def csv_file(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(row.get(c, "") for c in COLUMNS) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


async def test_an_officer_imports_a_file_with_a_bad_row(api, db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        region = await f.region(s, code="ASTANA")
        await f.classifier_item(s, code="TSR-01-001", service_life_months=None)
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id)
        supplier = await f.provider(s, [region])
        recipient = await f.account(s, Role.PROVIDER, provider_id=supplier.id)
    today = f.today()
    good = {"last_name": "Иванова", "first_name": "Анна", "region_code": "ASTANA", "group": "II",
            "cause": "GENERAL_DISEASE", "nosology_code": "G80", "exam_format": "IN_PERSON",
            "record_valid_from": str(today - dt.timedelta(days=10)), "classifier_code": "TSR-01-001", "quantity": "1",
            "valid_from": str(today), "valid_until": str(today + dt.timedelta(days=300))}
    first_iin, second_iin = make_iin(dt.date(1990, 1, 1), "F", 501), make_iin(dt.date(1990, 1, 2), "F", 502)
    rows = [{**good, "iin": first_iin, "decision_number": "MSE-1", "line_number": "IRP-1"},
            {**good, "iin": make_iin(dt.date(1990, 1, 3), "M", 503), "decision_number": "MSE-2", "line_number": "IRP-2",
             "quantity": "-3"},
            {**good, "iin": second_iin, "decision_number": "MSE-3", "line_number": "IRP-3"}]
    file = {"file": ("irp.csv", csv_file(rows), "text/csv")}

    assert (await api.http.post("/imports/irp", files=file)).status_code == 401
    refused = await api.http.post("/imports/irp", files=file,
                                  headers={"authorization": f"Bearer {await api.login(recipient.username)}"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN"

    token = await api.login(officer.username)
    answer = await api.http.post("/imports/irp", files=file,
                                 headers={"authorization": f"Bearer {token}", "accept-language": "ru"})
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (report["rows"], report["failed"], report["personsCreated"], report["entitlementsCreated"]) == (3, 1, 2, 2)
    [error] = report["errors"]
    assert error["line"] == 3 and error["field"] == "quantity" and error["code"]
    assert error["message"] and error["message"].isascii() is False  # said in Russian, the officer's language
    for iin in (first_iin, second_iin):
        assert (await api.data(PERSONS, {"iin": iin}, token=token))["personByIin"]["id"]

    missing = await api.http.post("/imports/irp", files={"other": ("x.csv", b"a", "text/csv")},
                                  headers={"authorization": f"Bearer {token}"})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "file"
