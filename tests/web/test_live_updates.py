"""What script adds, and that nothing needs it (JavaScript on and off):

- search: ticking a filter refreshes the results in place (fetched from the same GET address),
  the count is announced by its status region, the focus stays on the checkbox, and the address
  bar follows; without script the same filter is applied by the form's button, with the same
  results;
- the order form: the quantity typed previews what the state pays, what you pay and what will be
  left, in a polite live region; without script the region says what is left now."""

from __future__ import annotations

import re

from tests.web.signing import sign_in

COUNT = '{ searchListings(query: "", filter: { categories: [MOBILITY] }) { totalCount } }'
LINE = """{ myEntitlements { id balance classifierItem { category } } }"""
COVERED = """query($p: ID!) { searchListings(filter: { providerId: $p, categories: [MOBILITY], inStock: true }, first: 20) {
  edges { node { listing { id } coverage { covered statePays youPay entitlementId } } } } }"""


def number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text) or "0")


async def test_search_filters_refresh_in_place(visit, portal, js: bool) -> None:  # type: ignore[no-untyped-def]
    mobility = portal.graphql(COUNT)["searchListings"]["totalCount"]
    v = await visit(portal, language="en")
    page = v.page
    await v.go("/search")
    await v.check("search", lang="en")
    everything = number(await page.locator("#search-count").inner_text())
    assert everything > mobility > 0
    assert await page.locator("#search-count").get_attribute("role") == "status"

    await v.tab_to("#category-MOBILITY")
    if js:
        await page.keyboard.press("Space")  # no navigation: the results change in place
        await page.wait_for_function(f"document.getElementById('search-count').textContent.includes('{mobility} offer')")
        assert await page.evaluate("document.activeElement.id") == "category-MOBILITY"
        assert "category=MOBILITY" in page.url
        assert await page.locator("#category-MOBILITY").is_checked()
        shown = await page.locator("#search-results li.tirek-card").count()
        assert shown == min(mobility, 20)
        # The address bar is a real page with the same results (a bookmark, a reload, Back).
        await page.reload()
        assert await page.locator("#category-MOBILITY").is_checked()
        assert number(await page.locator("#search-count").inner_text()) == mobility
        await v.check("search", lang="en")  # a filter keeps the page's title
        # Unticking brings everything back, still without leaving the page.
        await page.locator("#category-MOBILITY").focus()
        await page.keyboard.press("Space")
        await page.wait_for_function(f"document.getElementById('search-count').textContent.includes('{everything} offer')")
        assert "category=MOBILITY" not in page.url
    else:
        await page.keyboard.press("Space")
        assert number(await page.locator("#search-count").inner_text()) == everything  # nothing moves by itself
        await v.click("main form[role=search] button[type=submit]")
        assert "category=MOBILITY" in page.url
        assert number(await page.locator("#search-count").inner_text()) == mobility
        await v.check("search", lang="en")  # a filter keeps the page's title


async def test_the_order_form_previews_the_balance(visit, portal, js: bool) -> None:  # type: ignore[no-untyped-def]
    provider = portal.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    hit = next(e["node"] for e in portal.graphql(COVERED, {"p": provider}, login="recipient")["searchListings"]["edges"]
               if (e["node"]["coverage"] or {}).get("covered"))
    balance = next(float(line["balance"]) for line in portal.graphql(LINE, login="recipient")["myEntitlements"]
                   if line["id"] == hit["coverage"]["entitlementId"])
    assert balance >= 1

    v = await visit(portal, language="en")
    page = v.page
    await sign_in(v, "recipient", then=f"/listings/{hit['listing']['id']}")
    await v.go(f"/language/en?next=/listings/{hit['listing']['id']}")
    preview = page.locator("#balance-preview")
    assert await preview.get_attribute("aria-live") == "polite"
    if js:
        await page.wait_for_function("document.getElementById('balance-preview').textContent.startsWith('For 1:')")
    else:
        assert "left on your programme line" in await preview.inner_text()
    await v.check("listing", lang="en")

    await v.tab_to("#quantity")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("1")
    if js:
        await page.wait_for_function("document.getElementById('balance-preview').textContent.startsWith('For 1:')")
        text = await preview.inner_text()
        state = float(hit["coverage"]["statePays"])
        assert f"{state:,.2f}" in text, text
        assert text.rstrip(".").endswith("will be left on your programme line")
        assert f"; {balance - 1:g} will be left" in text, text
        # More than the line has: said so, nothing to compute.
        await page.keyboard.press("Control+A")
        await page.keyboard.type(str(int(balance) + 5))
        await page.wait_for_function("document.getElementById('balance-preview').textContent.includes('only')")
        assert await page.evaluate("document.activeElement.id") == "quantity"  # typing never moves the focus
    else:
        assert "left on your programme line" in await preview.inner_text()
