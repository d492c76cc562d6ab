"""The administrator in a browser, JavaScript on and off: the providers awaiting verification
first (on the home page), one verified by keyboard alone, then suspended (refused without the
reason, at the field) and reinstated; the classifier with caps and norms, a cap changed ahead
from a date (the old cap stays in force until then) and one changed from today. axe and the
page checks on every page."""

from __future__ import annotations

import datetime as dt

from marketplace.clock import KAZAKHSTAN_TIME
from tests.web.signing import sign_in

PENDING = "{ me { provider { id name verificationStatus } } }"
ITEM = "query($id: ID!) { node(id: $id) { ... on ClassifierItem { priceCap nextPriceCap nextPriceCapFrom } } }"


async def test_admin_verifies_suspends_and_reinstates_a_provider(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    waiting = server.graphql(PENDING, login="provider-pending")["me"]["provider"]
    assert waiting["verificationStatus"] == "PENDING"
    v = await visit(server, language="en")
    page = v.page
    await sign_in(v, "admin")
    assert v.path == "/"
    await v.check("providers", lang="en")
    assert await page.locator(f"main [data-provider='{waiting['id']}']").count() == 1
    await v.click(page.locator(f"main a[href='/admin/providers/{waiting['id']}']"))
    await v.check("provider", lang="en")
    await v.tab_to(f"main form[action='/admin/providers/{waiting['id']}/verify'] button")
    await v.press("Enter")
    assert "done=verify" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "VERIFIED"
    await v.check("provider", lang="en")
    assert server.graphql(PENDING, login="provider-pending")["me"]["provider"]["verificationStatus"] == "VERIFIED"

    suspend = f"main form[action='/admin/providers/{waiting['id']}/suspend'] button"
    await v.click(suspend)
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#suspend-reason"
    await v.check("provider, failed", lang="en")
    await page.fill("#suspend-reason", "The licence has expired")
    await v.click(suspend)
    assert "done=suspend" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "SUSPENDED"
    await v.check("provider", lang="en")
    await v.click(f"main form[action='/admin/providers/{waiting['id']}/reinstate'] button")
    assert await page.locator("main [data-status]").get_attribute("data-status") == "VERIFIED"
    await v.go("/admin/providers?status=PENDING")
    await v.check("providers", lang="en")
    assert await page.locator(f"main [data-provider='{waiting['id']}']").count() == 0  # no longer waiting


async def test_admin_changes_a_cap_from_a_date(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await visit(server, language="en")
    page = v.page
    await sign_in(v, "admin", then="/admin/classifier?category=HYGIENE")
    await v.check("classifier", lang="en")
    assert "released a quarter" in await page.locator("main [data-item='TSR-06-001']").inner_text()
    await v.click(page.locator("main [data-item='TSR-06-001'] a"))
    await v.check("classifier item", lang="en")
    item_id = v.path.rsplit("/", 1)[1]
    before = server.graphql(ITEM, {"id": item_id}, login="admin")["node"]["priceCap"]

    # Refused: no cap typed, a date that is none.
    await page.fill("#cap-from", "31.02.2027")
    await v.click("main form[action$='/cap'] button")
    assert await v.summary_focused()
    links = await page.locator(".govuk-error-summary a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert links == ["#price-cap", "#cap-from"]
    await v.check("classifier item, failed", lang="en")

    # A new cap from the first of next year: set ahead, the old one in force until then.
    ahead = dt.date(dt.datetime.now(KAZAKHSTAN_TIME).year + 1, 1, 1)
    await v.tab_to("#price-cap")
    await page.keyboard.type("1450")
    await page.fill("#cap-from", ahead.strftime("%d.%m.%Y"))
    await v.tab_to("main form[action$='/cap'] button")
    await v.press("Enter")
    assert "done=cap" in page.url
    await v.check("classifier item", lang="en")
    assert await page.locator("main [data-next-cap-from]").get_attribute("data-next-cap-from") == ahead.isoformat()
    seen = server.graphql(ITEM, {"id": item_id}, login="admin")["node"]
    assert seen == {"priceCap": before, "nextPriceCap": "1450.00", "nextPriceCapFrom": ahead.isoformat()}

    # From today: in force at once.
    await page.fill("#price-cap", "1400")
    await v.click("main form[action$='/cap'] button")
    assert await page.locator("main [data-cap]").get_attribute("data-cap") == "1400.00"
    assert server.graphql(ITEM, {"id": item_id}, login="admin")["node"]["priceCap"] == "1400.00"
