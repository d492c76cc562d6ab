"""A parent who represents his daughter, in a browser, JavaScript on and off: he switches from
himself to Dana, the search and the listing then show what the state pays for her, he orders
for her through check-your-answers, and the order is hers (her IRP line reserved, not his);
back to himself, the same listing is not covered. axe and the page checks on every page."""

from __future__ import annotations

import re

from tests.web.signing import sign_in

FAMILY = "{ me { person { id } representedPersons { id fullName } } myEntitlements { id balance reserved person { id } classifierItem { code category } } }"
OFFERS = """query($code: String!, $p: ID) { searchListings(filter: { classifierCodes: [$code], inStock: true }, first: 50, forPersonId: $p) {
  edges { node { listing { id title } coverage { covered youPay statePays entitlementId } } } } }"""


def digits(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text) or "0")


async def test_the_parent_orders_for_his_daughter(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    family = server.graphql(FAMILY, login="parent")
    dana = family["me"]["representedPersons"][0]
    line = next(e for e in family["myEntitlements"] if e["person"]["id"] == dana["id"]
                and e["classifierItem"]["category"] == "MOBILITY")
    offers = server.graphql(OFFERS, {"code": line["classifierItem"]["code"], "p": dana["id"]}, login="parent")
    listing = next(e["node"]["listing"] for e in offers["searchListings"]["edges"]
                   if e["node"]["coverage"]["covered"] and e["node"]["coverage"]["entitlementId"] == line["id"])

    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "parent")
    assert v.path == "/"
    await v.check("home", lang="ru")

    # Acting for Dana.
    await v.click(page.locator("footer a[href^='/acting-for']"))
    assert v.path == "/acting-for"
    await v.check("acting for", lang="ru")
    assert await page.locator("input[name=person]").count() == 2
    await page.locator(f"input[name=person][value='{dana['id']}'] + label").click()
    await v.click("main form[action='/acting-for'] button[type=submit]")
    assert v.path == "/"

    # Her offers: the search shows what the state pays for her.
    await v.go(f"/search?code={line['classifierItem']['code']}")
    await v.check("search results", lang="ru")
    card = page.locator("main li.tirek-card", has=page.locator(f"a[href='/listings/{listing['id']}']"))
    assert digits(await card.locator("[data-pays=state]").inner_text()) > 0
    await v.click(card.locator(f"a[href='/listings/{listing['id']}']").first)
    await v.check("listing", lang="ru")
    assert digits(await page.locator("main [data-pays=state]").first.inner_text()) > 0

    await page.fill("#quantity", "1")
    await v.click("main form[action$='/order'] button[type=submit]")
    assert v.path == "/order/check"
    await v.check("check your order", lang="ru")
    await v.click("main form[action='/order/check'] button[type=submit]")
    placed = re.fullmatch(r"/orders/([^/]+)/placed", v.path)
    assert placed, (v.path, await page.locator("main").inner_text())
    await v.check("order placed", lang="ru")

    order = server.graphql("query($o: ID!) { order(id: $o) { recipient { fullName } entitlement { id reserved } } }",
                           {"o": placed.group(1)}, login="parent")["order"]
    assert order["recipient"]["fullName"] == dana["fullName"]
    assert order["entitlement"]["id"] == line["id"] and float(order["entitlement"]["reserved"]) == float(line["reserved"]) + 1

    # Back to himself: he has no programme of his own, so the same listing is not covered for him.
    await v.go("/acting-for?next=/listings/" + listing["id"])
    await page.locator(f"input[name=person][value='{family['me']['person']['id']}'] + label").click()
    await v.click("main form[action='/acting-for'] button[type=submit]")
    assert v.path == f"/listings/{listing['id']}"
    await v.check("listing", lang="ru")
    assert digits(await page.locator("main [data-pays=state]").first.inner_text()) == 0
