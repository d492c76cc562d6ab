"""The recipient's journey end to end in a browser, with JavaScript on and off: sign in as the
demo recipient, find a wheelchair the state pays for, order it by keyboard alone through the
check-your-answers page, see the balance reserved, (the provider delivers it over the API),
confirm receipt, review. axe-core and the page checks run on every page."""

from __future__ import annotations

import re

from tests.web.conftest import DEMO_PASSWORD

FULLY_PAID_HIT = """(provider) => {
  const digits = el => (el ? el.textContent : '').replace(/[^0-9]/g, '');
  for (const card of document.querySelectorAll('main li.tirek-card')) {
    const state = card.querySelector('[data-pays=state]'), you = card.querySelector('[data-pays=you]');
    if (!state || !you || !card.textContent.includes(provider)) continue;
    if (Number(digits(state)) > 0 && Number(digits(you)) === 0) return card.querySelector('a').getAttribute('href');
  }
  return null;
}"""

WHEELCHAIR_LINE = """{ myEntitlements { id reserved consumed balance classifierItem { code category name(language: RU) } } }"""


def digits(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text) or "0")


async def test_order_a_wheelchair_and_review_it(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    supplier = server.graphql("{ me { provider { name } } }", login="provider")["me"]["provider"]["name"]
    line = next(e for e in server.graphql(WHEELCHAIR_LINE, login="recipient")["myEntitlements"]
                if e["classifierItem"]["category"] == "MOBILITY")
    assert (line["reserved"], line["consumed"]) == ("0", "0") or float(line["reserved"]) == 0

    v = await visit(server, language="ru")
    page = v.page
    await v.go("/sign-in")
    await v.check("sign-in", lang="ru")
    await page.fill("#username", "recipient")
    await page.fill("#password", DEMO_PASSWORD)
    await v.press("Enter")
    assert v.path == "/"
    await v.check("home", lang="kk")  # Aigerim's account speaks Kazakh

    # Balances first: her wheelchair line, nothing reserved yet.
    card = page.locator(f"#entitlement-{line['id']}")
    assert digits(await card.locator("[data-balance=reserved]").inner_text()) == 0
    left_before = digits(await card.locator("[data-balance=left] strong").inner_text())
    assert left_before >= 1

    # From the line to its offers, then narrowed with a word.
    await v.click(card.locator("a[href^='/search']"))
    await v.check("search", lang="kk")
    await page.fill("main #q", "wheelchair")
    await v.click("main form[role=search] button[type=submit]")
    await v.check("search results", lang="kk")
    href = await page.evaluate(FULLY_PAID_HIT, supplier)
    assert href, "no hit of the demo supplier that the state pays for in full"

    await v.go(href)
    await v.check("listing", lang="kk")
    assert digits(await page.locator("main [data-pays=you]").first.inner_text()) == 0
    state_pays = digits(await page.locator("main [data-pays=state]").first.inner_text())
    assert state_pays > 0

    # Ordering by keyboard alone.
    await v.tab_to("#quantity")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("1")
    await v.press("Enter")
    assert v.path == "/order/check"
    await v.check("check your order", lang="kk")
    assert digits(await page.locator("main [data-pays=state]").inner_text()) == state_pays
    assert digits(await page.locator("main [data-pays=you]").inner_text()) == 0
    assert digits(await page.locator("main [data-balance=after]").inner_text()) == left_before - 1
    await v.tab_to("main form[action='/order/check'] button[type=submit]")
    await v.press("Enter")
    placed = re.fullmatch(r"/orders/([^/]+)/placed", v.path)
    assert placed, v.path
    order_id = placed.group(1)
    await v.check("order placed", lang="kk")

    # The balance is reserved, on the home page.
    await v.go("/")
    card = page.locator(f"#entitlement-{line['id']}")
    assert digits(await card.locator("[data-balance=reserved]").inner_text()) == 1
    assert digits(await card.locator("[data-balance=left] strong").inner_text()) == left_before - 1
    await v.check("home", lang="kk")

    # The provider accepts and delivers (over the API, as its own portal would).
    for mutation in ("acceptOrder", "markDelivered"):
        done = server.graphql(f"mutation($o: ID!) {{ {mutation}(orderId: $o) {{ order {{ status }} errors {{ code }} }} }}",
                              {"o": order_id}, login="provider")[mutation]
        assert done["errors"] == [], done

    await v.go("/orders")
    await v.check("my orders", lang="kk")
    await v.click(page.locator(f"main a[href='/orders/{order_id}']"))
    await v.check("order", lang="kk")
    await v.click(f"form[action='/orders/{order_id}/confirm'] button")
    assert "done=confirmed" in page.url
    await v.check("order", lang="kk")

    # The review: five stars and a sentence.
    await page.locator("label[for=rating]").click()
    await page.fill("#review-text", "Жақсы арба, уақытында әкелді.")
    await v.click(f"form[action='/orders/{order_id}/review'] button")
    assert "done=reviewed" in page.url
    await v.check("order", lang="kk")

    order = server.graphql('query($o: ID!) { order(id: $o) { status entitlement { reserved consumed } } }',
                           {"o": order_id}, login="recipient")["order"]
    assert order["status"] == "CONFIRMED"
    assert float(order["entitlement"]["reserved"]) == 0 and float(order["entitlement"]["consumed"]) == 1
    orders = server.graphql("{ orders(first: 50) { nodes { id } } }", login="recipient")["orders"]["nodes"]
    assert [o["id"] for o in orders] == [order_id]  # one order, however the forms were sent
    assert len(v.checked) >= 10
