"""A custom item by quote in a browser, with JavaScript on and off: the demo recipient asks for a
price of the bionic hand from its listing's page (a second request for it leads to the same
quote, not a twin), the provider quotes and the officer approves a lower price (over the API, as
their portals would); the quote's page shows the answer and the decision; ordering without
accepting the difference is refused at the checkbox, with it the order is placed at the
approved price, by keyboard alone."""

from __future__ import annotations

import re

from tests.web.signing import sign_in

CUSTOM_HAND = """{ searchListings(filter: { classifierCodes: ["TSR-02-007"] }, first: 20) {
  edges { node { listing { id provider { name } } coverage { reason entitlementId } } } } }"""
SUBMIT = """mutation($q: ID!) { submitQuote(quoteId: $q, unitPrice: "4500000", leadTimeDays: 45,
  specification: "Бионическая кисть, левая, 6 схватов, примерка в мастерской") { quote { revision } errors { code message } } }"""
APPROVE = """mutation($q: ID!, $r: Int!) { approveQuote(quoteId: $q, revision: $r, approvedUnitPrice: "4000000") {
  quote { status coPayment } errors { code message } } }"""
QUOTE = "query($q: ID!) { quote(id: $q) { status order { id coPayment stateShare } } }"


def digits(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text.split(",")[0].split(".")[0]) or "0")


async def test_ask_for_a_price_and_order_at_the_approved_one(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    hits = server.graphql(CUSTOM_HAND, login="recipient")["searchListings"]["edges"]
    listing_id = next(h["node"]["listing"]["id"] for h in hits
                      if (h["node"]["coverage"] or {}).get("reason") == "NEEDS_QUOTE" and h["node"]["coverage"]["entitlementId"])

    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "recipient", then=f"/listings/{listing_id}")
    assert v.path == f"/listings/{listing_id}"
    await v.check("custom listing", lang="kk")
    assert await page.locator("main form[action$='/order']").count() == 0  # no price to order at yet

    note = "Сол қол, өлшеуге сейсенбіде келе аламын"
    await v.tab_to("#quote-note")
    await page.keyboard.type(note)
    await v.tab_to(f"form[action='/listings/{listing_id}/quote'] button")
    await v.press("Enter")
    found = re.fullmatch(r"/quotes/([^/]+)", v.path)
    assert found and "done=requested" in page.url, page.url
    quote_id = found.group(1)
    await v.check("quote", lang="kk")
    assert await page.locator("main [data-quote-status=REQUESTED]").count() == 1
    assert note in await page.locator("main").inner_text()

    # Asking again (a resubmit, a second tab) leads to the same quote, not a twin.
    await v.go(f"/listings/{listing_id}")
    await v.click(f"form[action='/listings/{listing_id}/quote'] button")
    assert v.path == f"/quotes/{quote_id}"
    mine = server.graphql("{ quotes(first: 20) { totalCount } }", login="recipient")["quotes"]["totalCount"]
    assert mine == 1

    # The provider quotes, the officer approves a lower price than quoted.
    revision = server.graphql(SUBMIT, {"q": quote_id}, login="provider")["submitQuote"]["quote"]["revision"]
    approved = server.graphql(APPROVE, {"q": quote_id, "r": revision}, login="officer")["approveQuote"]
    assert approved["errors"] == [] and approved["quote"]["status"] == "APPROVED", approved

    await v.go("/quotes")
    await v.check("my quotes", lang="kk")
    await v.click(page.locator(f"main a[href='/quotes/{quote_id}']"))
    await v.check("quote", lang="kk")
    assert await page.locator("main [data-quote-status=APPROVED]").count() == 1
    assert digits(await page.locator("main [data-quoted-price]").inner_text()) == 4_500_000
    assert digits(await page.locator("main [data-pays=state]").inner_text()) == 4_000_000
    assert digits(await page.locator("main [data-pays=you]").inner_text()) == 500_000

    # Ordering without accepting the difference: refused at the checkbox.
    await v.click(f"form[action='/quotes/{quote_id}/order'] button")
    assert await v.summary_focused()
    await v.check("quote, error", lang="kk")
    assert await page.locator(".govuk-error-summary a[href='#accept-co-payment']").count() == 1
    assert server.graphql(QUOTE, {"q": quote_id}, login="recipient")["quote"]["status"] == "APPROVED"

    # Accepting it by keyboard, then ordering.
    await v.tab_to("#accept-co-payment")
    await page.keyboard.press("Space")
    assert await page.locator("#accept-co-payment").is_checked()
    await v.tab_to(f"form[action='/quotes/{quote_id}/order'] button")
    await v.press("Enter")
    placed = re.fullmatch(r"/orders/([^/]+)/placed", v.path)
    assert placed, v.path
    await v.check("order placed", lang="kk")

    quote = server.graphql(QUOTE, {"q": quote_id}, login="recipient")["quote"]
    assert quote["status"] == "ORDERED" and quote["order"]["id"] == placed.group(1)
    assert (float(quote["order"]["coPayment"]), float(quote["order"]["stateShare"])) == (500_000, 4_000_000)
    await v.go(f"/quotes/{quote_id}")
    await v.check("quote", lang="kk")
    assert await page.locator(f"main a[href='/orders/{placed.group(1)}']").count() == 1
    assert await page.locator("main form").count() == 0  # nothing left to do on it
