"""A wrong quantity on the listing's order form, in a browser with JavaScript on and off: the
page comes back (after its redirect) with the error summary focused at the top, the message at
the field, what was typed kept, and "Error:" in the title; axe passes on it."""

from __future__ import annotations

from tests.web.conftest import DEMO_PASSWORD
from tests.web.test_ordering import WHEELCHAIR_OFFER


async def test_a_wrong_quantity_is_explained_at_the_top_and_at_the_field(visit, portal) -> None:  # type: ignore[no-untyped-def]
    supplier = portal.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    found = portal.graphql(WHEELCHAIR_OFFER, {"p": supplier}, login="recipient")["searchListings"]["edges"]
    listing = next(e["node"]["listing"]["id"] for e in found if e["node"]["coverage"]["covered"])

    v = await visit(portal, language="en")
    page = v.page
    await v.go(f"/sign-in?next=/listings/{listing}")
    await page.fill("#username", "recipient")
    await page.fill("#password", DEMO_PASSWORD)
    await v.press("Enter")
    assert v.path == f"/listings/{listing}"
    # A good quantity first (a draft from an earlier visit is replaced): on to the check page.
    await page.fill("#quantity", "1")
    await v.click("form[action$='/order'] button[type=submit]")
    assert v.path == "/order/check"
    await v.go("/language/en?next=" + f"/listings/{listing}")
    await v.check("listing", lang="en")

    await page.fill("#quantity", "a few")
    await v.click("form[action$='/order'] button[type=submit]")
    assert v.path == f"/listings/{listing}"
    assert (await page.title()).startswith("Error:")
    assert await v.summary_focused()
    link = page.locator(".govuk-error-summary a[href='#quantity']")
    assert await link.inner_text() == "Enter how many as a number, like 1"
    assert "Enter how many as a number, like 1" in await page.locator("#quantity-error").inner_text()
    assert await page.locator("#quantity").input_value() == "a few"
    await v.check("listing, failed", lang="en")
    if v.js:  # GOV.UK Frontend's error summary moves focus to the field it names
        await page.locator(".govuk-error-summary").focus()
        await link.click()
        assert await page.evaluate("document.activeElement.id") == "quantity"
