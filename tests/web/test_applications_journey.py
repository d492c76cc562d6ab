"""Applications in a browser, JavaScript on and off: an aid application sent without the aid is
refused with the summary focused; the application for an individual assistant shows what the
records prove (never asks it), goes through check-your-answers, is sent once however often the
page is sent, and its page shows the status and the due date; the list shows it. axe and the
page checks on every page."""

from __future__ import annotations

import re

from tests.web.signing import sign_in

APPLICATIONS = "{ applications(first: 50) { nodes { id kind status } } }"


async def test_apply_for_an_assistant(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    form = server.graphql("{ applicationForm(kind: INDIVIDUAL_ASSISTANT) { eligible provenFacts { code } } }",
                          login="recipient")["applicationForm"]
    assert form["eligible"] and form["provenFacts"]
    v = await visit(server, language="en")
    page = v.page
    await sign_in(v, "recipient", then="/applications")
    await v.go("/language/en?next=/applications")
    await v.check("applications", lang="en")

    # An aid application without the aid: refused by the page, nothing sent.
    await v.click(page.locator("main a[href='/applications/new/missing-aid']"))
    await v.check("apply for an aid", lang="en")
    await v.click("main form button[type=submit]")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a[href='#aid']").count() == 1
    await v.check("apply for an aid, failed", lang="en")

    await v.go("/applications")
    await v.click(page.locator("main a[href='/applications/new/assistant']"))
    await v.check("apply for an assistant", lang="en")
    # What the records prove is shown, each with its source, and not asked.
    shown = await page.locator("#proven-facts [data-fact]").evaluate_all("els => els.map(e => e.dataset.fact)")
    assert shown == [f["code"] for f in form["provenFacts"]]
    assert await page.locator("main form input:not([type=hidden]), main form select").count() == 0
    await page.fill("#note", "Мне нужен помощник по утрам.")
    await v.click("main form button[type=submit]")
    assert v.path == "/applications/check"
    await v.check("check your application", lang="en")
    assert "Мне нужен помощник по утрам." in await page.locator("main").inner_text()
    await v.click("main form[action='/applications/check'] button[type=submit]")
    found = re.fullmatch(r"/applications/([^/]+)", v.path)
    assert found and "done=submitted" in page.url, page.url
    application_id = found.group(1)
    await v.check("application", lang="en")
    assert await page.locator("main [data-due]").count() == 1

    # Sent again (a resubmit of the check page): the same application.
    csrf = await page.locator("footer, header").locator("input[name=csrf_token]").first.input_value()
    again = await v.context.request.post(server.url + "/applications/check", form={"csrf_token": csrf},
                                         max_redirects=0)
    assert again.status == 303 and again.headers["location"] == f"/applications/{application_id}"
    applications = server.graphql(APPLICATIONS, login="recipient")["applications"]["nodes"]
    assert [(a["id"], a["kind"], a["status"]) for a in applications] == [
        (application_id, "INDIVIDUAL_ASSISTANT", "SUBMITTED")]

    await v.go("/applications")
    await v.check("applications", lang="en")
    assert await page.locator(f"main a[href='/applications/{application_id}']").count() == 1
