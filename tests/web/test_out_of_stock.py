"""A listing the recipient's programme covers but whose provider has none in stock, in a browser
with JavaScript on and off: the page says so in place of the order form and links to the offers
of the same item that are in stock (the search, filtered, shows only those); a hand-made post of
the order form is refused with the stock message, and no order is made. axe passes on both pages."""

from __future__ import annotations

import re
import time

from tests.web.signing import sign_in

OFFERS = """query($p: ID!) { searchListings(filter: { providerId: $p, categories: [MOBILITY], inStock: true }, first: 50) {
  edges { node { listing { id classifierItem { code } } coverage { covered } } } } }"""
IN_STOCK = """query($code: String!) { searchListings(filter: { classifierCodes: [$code], inStock: true }, first: 100) {
  edges { node { listing { id } } } } }"""
EMPTY_SHELF = """mutation($l: ID!) { updateListing(listingId: $l, input: { stock: 0 }) {
  listing { stock status } errors { code message } } }"""
ORDERS = "{ orders(first: 100) { nodes { id } } }"


def in_stock_offers(portal, code: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The offers in stock the recipient finds (her region's, as the search page shows them)."""
    found = portal.graphql(IN_STOCK, {"code": code}, login="recipient")["searchListings"]["edges"]
    return {e["node"]["listing"]["id"] for e in found}


async def test_an_empty_shelf_shows_no_order_form_but_the_offers_in_stock(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    portal = fresh_portal
    provider = portal.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    hits = [e["node"] for e in portal.graphql(OFFERS, {"p": provider}, login="recipient")["searchListings"]["edges"]]
    # An offer whose item has other offers in stock, so the link has somewhere to lead.
    empty = next(h["listing"] for h in hits if h["coverage"]["covered"]
                 and in_stock_offers(portal, h["listing"]["classifierItem"]["code"]) - {h["listing"]["id"]})
    code = empty["classifierItem"]["code"]
    emptied = portal.graphql(EMPTY_SHELF, {"l": empty["id"]}, login="provider")["updateListing"]
    assert emptied["errors"] == [] and emptied["listing"] == {"stock": 0, "status": "PUBLISHED"}, emptied
    deadline = time.monotonic() + 30  # the catalogue's index follows the database within moments
    while empty["id"] in in_stock_offers(portal, code):
        assert time.monotonic() < deadline, "the search index never learnt of the empty shelf"
        time.sleep(0.2)
    before = portal.graphql(ORDERS, login="recipient")["orders"]["nodes"]

    v = await visit(portal, language="en")
    page = v.page
    await sign_in(v, "recipient", then=f"/listings/{empty['id']}")
    await v.go(f"/language/en?next=/listings/{empty['id']}")
    assert v.path == f"/listings/{empty['id']}"
    await v.check("listing", lang="en")
    assert await page.locator("main form[action$='/order']").count() == 0
    notice = page.locator("main [data-out-of-stock]")
    assert "none in stock now" in await notice.inner_text()

    await v.click(notice.locator("a"))
    assert v.path == "/search"
    await v.check("search", lang="en")
    assert await page.locator("#in_stock").is_checked()
    shown = {m.group(1) for href in await page.locator("main li.tirek-card a[href^='/listings/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))") if (m := re.fullmatch(r"/listings/([^/?#]+)", href))}
    assert shown and empty["id"] not in shown and shown <= in_stock_offers(portal, code)

    # The form is gone from the page, but a post made by hand is still refused by the rule.
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = await page.request.post(f"{portal.url}/listings/{empty['id']}/order",
                                       form={"csrf_token": token or "", "quantity": "1"}, max_redirects=0)
    assert (response.status, response.headers["location"]) == (303, "/order/check")
    await v.go("/order/check")
    await v.click("main form[action='/order/check'] button[type=submit]")
    assert v.path == f"/listings/{empty['id']}"
    assert "Not enough in stock." in await page.locator(".govuk-error-summary").inner_text()
    assert portal.graphql(ORDERS, login="recipient")["orders"]["nodes"] == before
