"""The provider's work in a browser, JavaScript on and off: the work home puts the new orders
first; an order declined without a reason is refused at the field (the summary focused), then
accepted by keyboard alone, accepted again by a double click without a second transition, and
marked delivered; another order declined with a reason the recipient can read. Then a listing
made with kk/ru/en fields (each input marked with its lang), refused empty, saved once however
often the form is sent, edited, sent for review, sent back by the officer with a reason the
provider reads on the listing and the work home, and archived. axe and the page checks on
every page."""

from __future__ import annotations

import re
import uuid

from tests.web.signing import hidden_inputs, signed_in

ORDERABLE = """query($p: ID!) { searchListings(query: "", first: 50, filter: {providerId: $p, inStock: true}) { edges { node {
  listing { id } coverage { covered entitlementId } } } } }"""
PLACE = """mutation($l: ID!, $e: ID!, $k: String!) { placeOrder(listingId: $l, entitlementId: $e, quantity: "1",
  idempotencyKey: $k) { order { id } errors { code } } }"""
ORDER = "query($id: ID!) { order(id: $id) { status declineReason } }"
LISTINGS = "query($p: ID!) { providerListings(providerId: $p, first: 50) { totalCount nodes { id status } } }"


def place_orders(server, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The recipient orders ``count`` times from the demo provider (over the API)."""
    provider_id = server.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    hits = server.graphql(ORDERABLE, {"p": provider_id}, login="recipient")["searchListings"]["edges"]
    covered = [e["node"] for e in hits if e["node"]["coverage"]["covered"]]
    made = []
    for hit in covered:  # one order a line: a wheelchair line holds one wheelchair
        if len(made) == count:
            break
        placed = server.graphql(PLACE, {"l": hit["listing"]["id"], "e": hit["coverage"]["entitlementId"],
                                        "k": uuid.uuid4().hex}, login="recipient")["placeOrder"]
        if placed["order"]:
            made.append(placed["order"]["id"])
    assert len(made) == count, f"the recipient could order {len(made)} of {count} from the demo provider"
    return made


async def test_provider_accepts_declines_and_delivers_orders(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    first, second = place_orders(server, 2)
    v = await signed_in(visit, server, "provider", language="ru")
    page = v.page
    assert v.path == "/"
    await v.check("work home", lang="ru")
    assert await page.locator("[data-count=placed]").inner_text() == "(2)"
    assert await page.locator(f"#to-accept ~ ul [data-order='{first}']").count() == 1
    await v.click(page.locator("header a[href='/provider/orders']"))
    await v.check("incoming orders", lang="ru")
    assert await page.locator(f"main [data-order='{first}']").count() == 1

    # Declined without a reason: refused at the field.
    await v.go(f"/provider/orders/{first}")
    await v.check("incoming order", lang="ru")
    await v.refused(f"main form[action='/provider/orders/{first}/decline'] button[type=submit]", "#decline-reason")
    assert await page.locator("#decline-reason-error").count() == 1
    await v.check("incoming order, failed", lang="ru")

    # Accepted by keyboard alone; the same form sent again (a double click) is no error.
    await v.go(f"/provider/orders/{first}")
    sent = await hidden_inputs(page, f"main form[action='/provider/orders/{first}/accept']")
    await v.send_by_keyboard(f"main form[action='/provider/orders/{first}/accept'] button")
    assert "done=accepted" in page.url
    await v.check("incoming order", lang="ru")
    assert await page.locator("main [data-status]").get_attribute("data-status") == "ACCEPTED"
    again = await v.context.request.post(f"{server.url}/provider/orders/{first}/accept", form=sent, max_redirects=0)
    assert again.status == 303 and "done=accepted" in again.headers["location"]
    await v.click(f"main form[action='/provider/orders/{first}/deliver'] button")
    assert "done=delivered" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "DELIVERED"
    await v.check("incoming order", lang="ru")
    assert server.graphql(ORDER, {"id": first}, login="recipient")["order"]["status"] == "DELIVERED"

    # The other one declined, with the reason the recipient reads.
    await v.go(f"/provider/orders/{second}")
    await page.fill("#decline-reason", "Нет в наличии до марта")
    await v.click(f"main form[action='/provider/orders/{second}/decline'] button[type=submit]")
    assert "done=declined" in page.url
    await v.check("incoming order", lang="ru")
    seen = server.graphql(ORDER, {"id": second}, login="recipient")["order"]
    assert seen == {"status": "DECLINED", "declineReason": "Нет в наличии до марта"}
    await v.go("/")
    assert await page.locator("[data-count=placed]").inner_text() == "(0)"
    await v.go("/provider/orders?status=DELIVERED")
    await v.check("incoming orders delivered", lang="ru")
    assert await page.locator(f"main [data-order='{first}']").count() == 1


async def test_provider_makes_a_listing_and_reads_why_it_was_sent_back(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    provider_id = server.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    before = server.graphql(LISTINGS, {"p": provider_id}, login="provider")["providerListings"]["totalCount"]
    v = await signed_in(visit, server, "provider", language="en", then="/provider/listings")
    page = v.page
    await v.go("/language/en?next=/provider/listings")
    assert v.path == "/provider/listings"
    await v.check("listings", lang="en")
    await v.click(page.locator("main a[href='/provider/listings/new']"))
    await v.check("new listing", lang="en")
    # Each text field is marked with the language it is written in.
    for code in ("kk", "ru", "en"):
        assert await page.locator(f"#title-{code}").get_attribute("lang") == code
        assert await page.locator(f"#description-{code}").get_attribute("lang") == code

    # Sent empty: every problem in the summary, each a link to its field.
    await v.refused("main form button[type=submit]", "#item", "#unit-price", "#regions", "#delivery")
    await v.check("new listing, failed", lang="en")

    # Filled in (by keyboard where it matters) and saved as a draft.
    await page.select_option("#item", index=1)
    await page.fill("#unit-price", "150000")
    await v.tab_to("#regions")
    await page.keyboard.press("Space")
    await page.locator("label[for=delivery-2]").click()
    await page.fill("#lead-time", "7")
    await page.fill("#title-kk", "Есту аппараты")
    await page.fill("#title-ru", "Слуховой аппарат")
    await page.fill("#title-en", "Hearing aid")
    await page.fill("#description-ru", "Цифровой заушный аппарат, настройка включена.")
    sent = await hidden_inputs(page, "main form")
    form = {**sent, "item": await page.locator("#item").input_value(), "unit_price": "150000",
            "regions": await page.locator("#regions").get_attribute("value"), "delivery": "PICKUP",
            "lead_time": "7", "title_ru": "Слуховой аппарат"}
    await v.click("main form button[type=submit]")
    found = re.fullmatch(r"/provider/listings/([^/]+)", v.path)
    assert found and "done=created" in page.url, page.url
    listing_id = found.group(1)
    await v.check("listing", lang="en")
    assert await page.locator("main [data-status]").get_attribute("data-status") == "DRAFT"
    assert await page.locator("main [lang=kk]").first.inner_text() == "Есту аппараты"
    # The same form sent again: the same listing, not a second one.
    again = await v.context.request.post(server.url + "/provider/listings/new", form=form, max_redirects=0)
    assert again.status == 303 and again.headers["location"] == f"/provider/listings/{listing_id}"
    after = server.graphql(LISTINGS, {"p": provider_id}, login="provider")["providerListings"]["totalCount"]
    assert after == before + 1

    # Edited: the form starts from the listing as it is.
    await v.click(page.locator(f"main a[href='/provider/listings/{listing_id}/edit']"))
    await v.check("edit listing", lang="en")
    assert await page.locator("#title-en").input_value() == "Hearing aid"
    await page.fill("#title-en", "Digital hearing aid")
    await v.click("main form button[type=submit]")
    assert "done=saved" in page.url
    assert await page.locator("main h1").inner_text() == "Digital hearing aid"

    # Sent for review; the officer sends it back with a reason, which the provider reads.
    await v.click(f"main form[action='/provider/listings/{listing_id}/submit'] button")
    assert "done=submitted" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "PENDING_REVIEW"
    await v.check("listing", lang="en")
    rejected = server.graphql(
        'mutation($l: ID!) { reviewListing(listingId: $l, decision: REJECT, reason: "Add the model and its warranty") '
        "{ listing { status } errors { code } } }", {"l": listing_id}, login="officer")["reviewListing"]
    assert rejected == {"listing": {"status": "REJECTED"}, "errors": []}
    await v.go("/")
    await v.check("work home", lang="en")
    assert "Add the model and its warranty" in await page.locator("ul[aria-labelledby=sent-back]").inner_text()
    await v.go(f"/provider/listings/{listing_id}")
    assert await page.locator("main [data-review-note]").inner_text() == "Add the model and its warranty"
    await v.check("listing", lang="en")

    # Archived, with a reason kept in the trail.
    await page.fill("#archive-reason", "The model is discontinued")
    await v.click(f"main form[action='/provider/listings/{listing_id}/archive'] button")
    assert "done=archived" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "ARCHIVED"
    await v.check("listing", lang="en")
    assert await page.locator(f"main a[href='/provider/listings/{listing_id}/edit']").count() == 0
