"""The officer's other two decisions from the work queue, in a browser, JavaScript on and off: an
application refused (without a reason: refused at the reason; with one: the person reads it, and
no IRP line is issued) and a quote approved for less than quoted (a price that is not a number, or
above the quote, refused at the price with what was typed kept; a lower one approved, the rest
left to the recipient as a co-payment both parties see). axe and the page checks on every page."""

from __future__ import annotations

from decimal import Decimal

from tests.web.signing import signed_in
from tests.web.test_officer_decisions import waiting_application_and_quote

APPLICATION = "query($id: ID!) { application(id: $id) { status reason entitlement { id } } }"
QUOTE = "query($id: ID!) { quote(id: $id) { status unitPrice approvedUnitPrice coPayment stateShare quantity } }"
WHY = "The medical report does not show that the person needs help every day; bring the new one"


async def test_officer_refuses_an_application_and_approves_a_quote_for_less(  # type: ignore[no-untyped-def]
        visit, fresh_portal) -> None:
    server = fresh_portal
    application, quote = waiting_application_and_quote(server)
    v = await signed_in(visit, server, "officer", language="ru")
    page = v.page

    # The application: refused without a reason, at the reason; then with one.
    await v.click(page.locator(f"main a[href='/officer/applications/{application}']"))
    await v.check("application", lang="ru")
    refuse = f"main form[action='/officer/applications/{application}/reject']"
    await v.refused(f"{refuse} button", "#reject-reason")
    await v.check("application, failed", lang="ru")
    assert server.graphql(APPLICATION, {"id": application}, login="recipient")["application"]["status"] == "SUBMITTED"
    await v.tab_to("#reject-reason")
    await page.keyboard.type(WHY)
    await v.send_by_keyboard(f"{refuse} button")
    assert "done=rejected" in page.url
    await v.check("application", lang="ru")
    seen = server.graphql(APPLICATION, {"id": application}, login="recipient")["application"]
    assert seen == {"status": "REJECTED", "reason": WHY, "entitlement": None}
    assert await page.locator(f"main form[action='/officer/applications/{application}/approve']").count() == 0

    # The quote: a price that is not one, and one above the quote, refused at the price.
    await v.go("/")
    await v.click(page.locator(f"main a[href='/officer/quotes/{quote}']"))
    approve = f"main form[action='/officer/quotes/{quote}/approve']"
    for typed in ("четыре миллиона", "5000000"):
        await page.fill("#approve-price", typed)
        await v.click(f"{approve} button")
        assert await v.summary_focused()
        assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#approve-price", typed
        assert await page.locator("#approve-price").input_value() == typed
        await v.check("quote, failed", lang="ru")
    assert server.graphql(QUOTE, {"id": quote}, login="provider")["quote"]["status"] == "QUOTED"
    # A lower price: approved; the rest is the recipient's to pay on ordering.
    await page.fill("#approve-price", "4000000")
    await v.click(f"{approve} button")
    assert "done=approved" in page.url
    await v.check("quote", lang="ru")
    for login in ("recipient", "provider"):
        decided = server.graphql(QUOTE, {"id": quote}, login=login)["quote"]
        assert decided["status"] == "APPROVED" and Decimal(decided["approvedUnitPrice"]) == Decimal(4000000), decided
        quantity = Decimal(decided["quantity"])
        assert Decimal(decided["stateShare"]) == Decimal(4000000) * quantity
        assert Decimal(decided["coPayment"]) == (Decimal(decided["unitPrice"]) - Decimal(4000000)) * quantity
    assert await page.locator(approve).count() == 0
