"""On a person's page, in a browser, JavaScript on and off: the officer registers a disability
record (an empty form refused at its fields, a date that is not one refused at its field with the
rest of what was typed kept) and issues an IRP line on it (a quantity that is not a number refused
at the field); a resend of the line's form issues nothing twice. axe and the page checks on each."""

from __future__ import annotations

import datetime as dt
import uuid

from marketplace import clock
from marketplace.identifiers import make_iin
from tests.web.signing import hidden_inputs, sign_in

REGISTER = """mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { person { id } errors { code message } } }"""
LINES = "query($p: ID!) { entitlements(personId: $p) { id quantity classifierItem { code } } }"


async def test_officer_registers_a_record_and_issues_a_line(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    region = server.graphql("{ me { region { id } } }", login="officer")["me"]["region"]["id"]
    iin = make_iin(dt.date(1979, 5, 17), "F", int(uuid.uuid4().int % 9000) + 500)
    made = server.graphql(REGISTER, {"i": {"iin": iin, "lastName": "Сейтова", "firstName": "Жанар",
                                           "regionId": region}}, login="officer")["registerPerson"]
    assert made["errors"] == [], made
    person = made["person"]["id"]
    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "officer", then=f"/officer/persons/{person}")
    await v.check("person", lang="ru")
    assert await page.locator("main [data-record]").count() == 0

    record = f"main form[action='/officer/persons/{person}/records']"
    await v.click(f"{record} button")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").first.get_attribute("href") == "#record-group"
    assert await page.locator("#record-cause-error").count() == 1
    await v.check("person, failed", lang="ru")
    await page.select_option("#record-group", "I")
    await page.fill("#record-cause", "Общее заболевание")
    await page.fill("#record-nosology", "G80")
    await page.check("#record-exam")
    await page.fill("#record-from", "32.01.2026")
    await v.click(f"{record} button")
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#record-from"
    assert await page.locator("#record-cause").input_value() == "Общее заболевание"  # what was typed stays
    assert await page.locator("#record-group").input_value() == "I"
    await v.check("person, failed", lang="ru")
    await page.fill("#record-from", "01.01.2026")
    await v.click(f"{record} button")
    assert "done=record" in page.url
    await v.check("person", lang="ru")
    assert await page.locator("main [data-record-status=ACTIVE]").count() == 1

    line = f"main form[action='/officer/persons/{person}/lines']"
    wheelchair = await page.locator("#line-item option", has_text="TSR-01-001").first.get_attribute("value")
    await page.select_option("#line-item", wheelchair)
    await page.fill("#line-quantity", "one")
    today = clock.today()
    await page.fill("#line-from", today.strftime("%d.%m.%Y"))
    await page.fill("#line-until", (today + dt.timedelta(days=300)).strftime("%d.%m.%Y"))
    await v.click(f"{line} button")
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#line-quantity"
    assert await page.locator("#line-item").input_value() == wheelchair
    await v.check("person, failed", lang="ru")
    await v.tab_to("#line-quantity")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("1")
    sent = await hidden_inputs(page, line)
    typed = {"item": wheelchair, "quantity": "1", "from": today.strftime("%d.%m.%Y"),
             "until": (today + dt.timedelta(days=300)).strftime("%d.%m.%Y")}
    await v.tab_to(f"{line} button")
    await v.press("Enter")
    assert "done=line" in page.url
    await v.check("person", lang="ru")
    assert await page.locator("main [data-line]").count() == 1
    again = await v.context.request.post(f"{server.url}/officer/persons/{person}/lines", max_redirects=0,
                                         form={**sent, **typed})
    assert again.status == 303 and "done=line" in again.headers["location"]
    lines = server.graphql(LINES, {"p": person}, login="officer")["entitlements"]
    assert [(x["classifierItem"]["code"], float(x["quantity"])) for x in lines] == [("TSR-01-001", 1.0)]
