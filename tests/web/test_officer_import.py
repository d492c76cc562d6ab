"""The IRP CSV import in a browser, JavaScript on and off: an officer sends no file (refused at
the field), then a file with a bad row: the good rows land, the bad one is reported on the page
with its line and field, and as a CSV download; the same file sent again creates nothing twice.
axe and the page checks on every page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from marketplace.identifiers import make_iin
from marketplace.records.irp_import import COLUMNS
from tests.web.signing import sign_in

FIND = "query($iin: String!) { personByIin(iin: $iin) { fullName } }"


def irp_file(iins: list[str]) -> bytes:
    today = dt.date.today()
    good = {"last_name": "Жұмабаева", "first_name": "Әсел", "region_code": "ASTANA", "group": "II",
            "cause": "GENERAL_DISEASE", "nosology_code": "G80", "exam_format": "IN_PERSON",
            "record_valid_from": str(today - dt.timedelta(days=10)), "classifier_code": "TSR-01-001", "quantity": "1",
            "valid_from": str(today), "valid_until": str(today + dt.timedelta(days=300))}
    tag = random.randint(10000, 99999)
    rows = [{**good, "iin": iin, "decision_number": f"MSE-WEB-{tag}-{n}", "line_number": f"IRP-WEB-{tag}-{n}"}
            for n, iin in enumerate(iins)]
    rows[1]["quantity"] = "-3"  # the bad row: line 3 of the file
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def test_officer_imports_a_file_with_a_bad_row(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    serial = random.randint(100, 900)
    iins = [make_iin(dt.date(1979, 3, 1 + n), "F", serial + n) for n in range(3)]
    data = irp_file(iins)
    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "officer", then="/officer/imports")
    assert v.path == "/officer/imports"
    await v.check("import", lang="ru")
    await v.click("main form button[type=submit]")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#irp-file"
    await v.check("import, failed", lang="ru")

    await page.set_input_files("#irp-file", files=[{"name": "irp.csv", "mimeType": "text/csv", "buffer": data}])
    await v.click("main form button[type=submit]")
    assert "done=imported" in page.url
    await v.check("import report", lang="ru")
    assert await page.locator("main [data-rows]").get_attribute("data-rows") == "3"
    assert await page.locator("main [data-failed]").get_attribute("data-failed") == "1"
    assert await page.locator("main [data-lines]").get_attribute("data-lines") == "2"
    refused = page.locator("main [data-line='3']")
    assert await refused.count() == 1 and await refused.get_attribute("data-field") == "quantity"
    for iin in (iins[0], iins[2]):
        assert server.graphql(FIND, {"iin": iin}, login="officer")["personByIin"]["fullName"]

    download = await v.context.request.get(f"{server.url}/officer/imports/report.csv")
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO((await download.text()).lstrip("\ufeff"))))
    assert [(r["line"], r["field"]) for r in rows] == [("3", "quantity")]

    # The same file again: nothing twice.
    await page.set_input_files("#irp-file", files=[{"name": "irp.csv", "mimeType": "text/csv", "buffer": data}])
    await v.click("main form button[type=submit]")
    await v.check("import report", lang="ru")
    assert await page.locator("main [data-lines]").get_attribute("data-lines") == "0"
    assert await page.locator("main [data-failed]").get_attribute("data-failed") == "1"
