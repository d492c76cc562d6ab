"""The officer decides applications and quotes from the work queue, in a browser, JavaScript on
and off: both kinds are linked from the queue, soonest due first; an application's page shows
what the records prove and its term, hours a day that are not a number are refused at the field
(what was typed kept), then it is granted and the IRP line it issued is shown, a resend deciding
nothing twice; a quote refused without a reason is refused at the reason, then refused with one
both parties read. An officer of another region, and a recipient, find neither page. axe and the
page checks on every page."""

from __future__ import annotations

from tests.web.signing import hidden_inputs, sign_in

APPLY = """mutation { submitApplication(kind: INDIVIDUAL_ASSISTANT) { application { id dueDate } errors { code message } } }"""
CUSTOM_HAND = """{ searchListings(filter: { classifierCodes: ["TSR-02-007"] }, first: 20) {
  edges { node { listing { id } coverage { reason entitlementId } } } } }"""
REQUEST = """mutation($l: ID!, $e: ID!) { requestQuote(listingId: $l, entitlementId: $e, note: "Левая кисть") {
  quote { id } errors { code message } } }"""
SUBMIT = """mutation($q: ID!) { submitQuote(quoteId: $q, unitPrice: "4500000", leadTimeDays: 45,
  specification: "Бионическая кисть, 6 схватов") { quote { revision } errors { code message } } }"""
APPLICATION = "query($id: ID!) { application(id: $id) { status entitlement { dailyLimit } } }"
QUOTE = "query($id: ID!) { quote(id: $id) { status rejectReason } }"
REASON = "The specification names no warranty; ask the workshop for one and quote again"


def waiting_application_and_quote(server) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The demo recipient applies for an assistant and asks for the bionic hand's price, which the
    provider quotes (over the API, as their portals would)."""
    applied = server.graphql(APPLY, login="recipient")["submitApplication"]
    assert applied["errors"] == [], applied
    hits = server.graphql(CUSTOM_HAND, login="recipient")["searchListings"]["edges"]
    listing, line = next((h["node"]["listing"]["id"], h["node"]["coverage"]["entitlementId"]) for h in hits
                         if (h["node"]["coverage"] or {}).get("reason") == "NEEDS_QUOTE"
                         and h["node"]["coverage"]["entitlementId"])
    asked = server.graphql(REQUEST, {"l": listing, "e": line}, login="recipient")["requestQuote"]
    assert asked["errors"] == [], asked
    quoted = server.graphql(SUBMIT, {"q": asked["quote"]["id"]}, login="provider")["submitQuote"]
    assert quoted["errors"] == [], quoted
    return applied["application"]["id"], asked["quote"]["id"]


async def test_officer_decides_an_application_and_a_quote(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    application, quote = waiting_application_and_quote(server)
    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "officer")
    await v.check("work queue", lang="ru")
    items = page.locator("main [data-queue-item]")
    dues = await items.evaluate_all("els => els.map(e => e.dataset.due)")
    assert dues == sorted(dues)
    assert await page.locator(f"main [data-queue-item=application][data-id='{application}'] "
                              f"a[href='/officer/applications/{application}']").count() == 1
    assert await page.locator(f"main [data-queue-item=quote][data-id='{quote}'] "
                              f"a[href='/officer/quotes/{quote}']").count() == 1

    # The application: what the records prove, the term; hours a day that are not a number.
    await v.click(page.locator(f"main a[href='/officer/applications/{application}']"))
    await v.check("application to decide", lang="ru")
    assert await page.locator("main [data-status=SUBMITTED]").count() == 1
    assert await page.locator("main [data-fact]").count() >= 2
    assert await page.locator("main [data-due]").get_attribute("data-due")
    await page.fill("#approve-daily-limit", "six")
    await page.fill("#approve-until", "31.12.2027")
    await v.click(f"main form[action='/officer/applications/{application}/approve'] button")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#approve-daily-limit"
    assert await page.locator("#approve-daily-limit-error").count() == 1
    assert await page.locator("#approve-until").input_value() == "31.12.2027"  # what was typed stays
    await v.check("application to decide, failed", lang="ru")
    # Granted by keyboard alone, six hours a day.
    await v.tab_to("#approve-daily-limit")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("6")
    await v.tab_to(f"main form[action='/officer/applications/{application}/approve'] button")
    sent = await hidden_inputs(page, f"main form[action='/officer/applications/{application}/approve']")
    await v.press("Enter")
    assert "done=approved" in page.url
    await v.check("application to decide", lang="ru")
    assert await page.locator("main [data-status=APPROVED]").count() == 1
    assert await page.locator("main [data-issued]").count() == 1
    # The same form sent again decides nothing twice: it lands on the decision.
    again = await v.context.request.post(f"{server.url}/officer/applications/{application}/approve",
                                         max_redirects=0, form={**sent, "daily_limit": "6"})
    assert again.status == 303 and "done=approved" in again.headers["location"]
    decided = server.graphql(APPLICATION, {"id": application}, login="recipient")["application"]
    assert decided == {"status": "APPROVED", "entitlement": {"dailyLimit": "6"}} or (
        decided["status"] == "APPROVED" and float(decided["entitlement"]["dailyLimit"]) == 6), decided

    # The quote: refused without a reason, at the reason; then with one.
    await v.go("/")
    await v.click(page.locator(f"main a[href='/officer/quotes/{quote}']"))
    await v.check("quote to decide", lang="ru")
    assert await page.locator("main [data-unit-price]").get_attribute("data-unit-price") == "4500000.00"
    reject = f"main form[action='/officer/quotes/{quote}/reject']"
    await v.click(f"{reject} button")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#reject-reason"
    await v.check("quote to decide, failed", lang="ru")
    await page.fill("#reject-reason", REASON)
    await v.click(f"{reject} button")
    assert "done=rejected" in page.url
    await v.check("quote to decide", lang="ru")
    assert server.graphql(QUOTE, {"id": quote}, login="recipient")["quote"] == {"status": "REJECTED",
                                                                                "rejectReason": REASON}
    assert await page.locator("main form").count() == 0  # nothing left to decide
    await v.go("/")
    ids = await page.locator("main [data-queue-item]").evaluate_all("els => els.map(e => e.dataset.id)")
    assert application not in ids and quote not in ids

    # Nobody else finds these pages: an officer of another region, a recipient.
    for login in ("officer-almaty", "recipient"):
        other = await visit(server, language="ru")
        await sign_in(other, login)
        for path in (f"/officer/applications/{application}", f"/officer/quotes/{quote}"):
            answer = await other.page.goto(server.url + path)
            assert answer.status == 404, (login, path)
        refused = await other.context.request.post(f"{server.url}/officer/quotes/{quote}/approve", max_redirects=0,
                                                   form={"csrf_token": "x"})
        assert refused.status in (403, 404)
