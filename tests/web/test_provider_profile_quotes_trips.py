"""The provider's own pages in a browser, JavaScript on and off, axe and the page checks on every
page: the organisation's profile (refused contacts shown at their fields with what was typed kept,
also after a reload, then saved); quote requests (a price refused at its fields, quoted once
however often the form is sent, then the officer's refusal with its reason, a request the
recipient withdrew, an approved quote at the price the state pays); invataxi (a vehicle refused,
added once, changed and taken out of service; a trip confirmed on a vehicle, refused on one with
no wheelchair place, marked done; another proposed a new time (a refused one kept over a reload)
and then declined with the reason the recipient reads). And the refusals: a recipient, or another provider, gets not found from
these pages and their forms, and nothing changes."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid

from marketplace.clock import KAZAKHSTAN_TIME
from schema.core.ids import parse_global_id
from tests.web.signing import hidden_inputs, sign_in, signed_in

PROFILE = "query($p: ID!) { provider(id: $p) { phone email website accessibility regions { id } } }"
MY_PROVIDER = "{ me { provider { id } } }"
CUSTOM_HAND = """{ searchListings(filter: { classifierCodes: ["TSR-02-007"] }, first: 20) {
  edges { node { listing { id } coverage { reason entitlementId } } } } }"""
REQUEST = """mutation($l: ID!, $e: ID!) { requestQuote(listingId: $l, entitlementId: $e, quantity: "1",
  note: "Левая кисть, могу прийти на примерку во вторник") { quote { id } errors { code message } } }"""
QUOTE = "query($q: ID!) { quote(id: $q) { status revision unitPrice leadTimeDays specification } }"
TRIP_OFFERS = """{ searchListings(filter: { categories: [TRANSPORT] }, first: 20) {
  edges { node { listing { id } coverage { covered entitlementId } } } } }"""
BOOK = """mutation($i: BookTripInput!) { bookTrip(input: $i) { trip { id } errors { code message } } }"""
TRIP = "query($t: ID!) { trip(id: $t) { status proposedStartsAt awaitingConfirmation vehicle { plateNumber } order { declineReason } } }"
VEHICLES = "{ vehicles(first: 50) { nodes { id plateNumber model seats isActive wheelchairAccessible } } }"


def ask_for_a_hand(server) -> str:  # type: ignore[no-untyped-def]
    """The demo recipient asks the demo supplier for a price of the bionic hand (over the API)."""
    hits = server.graphql(CUSTOM_HAND, login="recipient")["searchListings"]["edges"]
    hit = next(h["node"] for h in hits if (h["node"]["coverage"] or {}).get("reason") == "NEEDS_QUOTE"
               and h["node"]["coverage"]["entitlementId"])
    asked = server.graphql(REQUEST, {"l": hit["listing"]["id"], "e": hit["coverage"]["entitlementId"]},
                           login="recipient")["requestQuote"]
    assert asked["errors"] == [], asked
    return str(asked["quote"]["id"])


def book_trip(server, days_ahead: int, hour: int, wheelchair: bool = True) -> str:  # type: ignore[no-untyped-def]
    """The demo recipient books an invataxi trip (over the API)."""
    hit = next(e["node"] for e in server.graphql(TRIP_OFFERS, login="recipient")["searchListings"]["edges"]
               if e["node"]["coverage"]["covered"])
    day = dt.datetime.now(KAZAKHSTAN_TIME).date() + dt.timedelta(days=days_ahead)
    booked = server.graphql(BOOK, {"i": {
        "listingId": hit["listing"]["id"], "entitlementId": hit["coverage"]["entitlementId"],
        "startsAt": dt.datetime.combine(day, dt.time(hour, 0), tzinfo=KAZAKHSTAN_TIME).isoformat(),
        "pickupAddress": "Астана, пр. Мәңгілік Ел, 25", "dropoffAddress": "Астана, ул. Кенесары, 40",
        "needsWheelchair": wheelchair, "idempotencyKey": uuid.uuid4().hex}}, login="recipient")["bookTrip"]
    assert booked["errors"] == [], booked
    return str(booked["trip"]["id"])


def move_trip_back(server, trip_id: str, days: int) -> None:  # type: ignore[no-untyped-def]
    """Date a trip back (in its portal's own database), as if its pickup time had come."""
    number = int(parse_global_id(trip_id)[1])
    with sqlite3.connect(server.database) as connection:
        changed = connection.execute(
            "UPDATE trips SET starts_at = datetime(starts_at, ?), ends_at = datetime(ends_at, ?) WHERE id = ?",
            (f"-{days} days", f"-{days} days", number)).rowcount
    assert changed == 1, trip_id


async def test_provider_keeps_the_organisation_profile(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    provider_id = server.graphql(MY_PROVIDER, login="provider")["me"]["provider"]["id"]
    before = server.graphql(PROFILE, {"p": provider_id})["provider"]
    v = await signed_in(visit, server, "provider", language="en", then="/provider/orders")
    page = v.page
    await v.go("/language/en?next=/provider/orders")
    await v.click(page.locator("header a[href='/provider/profile']"))
    assert v.path == "/provider/profile"
    await v.check("organisation profile", lang="en")
    assert await page.locator("header a[href='/provider/profile']:not([lang])").get_attribute("aria-current") == "page"
    assert await page.locator("#phone").input_value() != ""

    # A phone and an e-mail that are none: refused at each field, what was typed kept.
    await page.fill("#phone", "12")
    await page.fill("#email", "not-an-email")
    await page.fill("#website", "tirek-supplier.kz")
    await v.refused("main form button[type=submit]", "#phone", "#email")
    assert await page.locator("#phone-error").count() == 1 and await page.locator("#email-error").count() == 1
    assert await page.locator("#email").input_value() == "not-an-email"
    assert await page.locator("#website").input_value() == "tirek-supplier.kz"
    await v.check("organisation profile, failed", lang="en")
    # A reload keeps them too (the draft), and nothing was saved.
    await v.go("/provider/profile")
    assert await page.locator("#email").input_value() == "not-an-email"
    assert await page.locator("#email-error").count() == 1
    assert server.graphql(PROFILE, {"p": provider_id})["provider"] == before

    # No region at all: refused by the page.
    while await page.locator("input[name=regions]:checked").count():
        await page.locator("input[name=regions]:checked").first.uncheck()
    await page.fill("#phone", "+7 701 555 12 34")
    await page.fill("#email", "Office@Tirek-Supplier.kz")
    await v.click("main form button[type=submit]")
    assert await page.locator(".govuk-error-summary a[href='#regions']").count() == 1
    assert await page.locator("#regions-error").count() == 1
    await v.check("organisation profile, failed", lang="en")

    # Fixed, a ramp added by keyboard alone, and saved.
    for region in before["regions"]:
        await page.locator(f"input[name=regions][value='{region['id']}']").check()
    ramp = page.locator("input[name=accessibility][value=ACCESSIBLE_TOILET]")
    was_checked = await ramp.is_checked()
    await page.focus("#website")  # from the field before, by Tab
    await v.tab_to("input[name=accessibility][value=ACCESSIBLE_TOILET]")
    await page.keyboard.press("Space")
    sent = await hidden_inputs(page, "main form")
    await v.send_by_keyboard("main form button[type=submit]")
    assert v.path == "/provider/profile" and "done=saved" in page.url, page.url
    await v.check("organisation profile", lang="en")
    after = server.graphql(PROFILE, {"p": provider_id})["provider"]
    assert after["phone"] == "+77015551234" and after["email"] == "Office@tirek-supplier.kz"
    assert after["website"] == "https://tirek-supplier.kz"
    assert ("ACCESSIBLE_TOILET" in after["accessibility"]) != was_checked
    assert sorted(r["id"] for r in after["regions"]) == sorted(r["id"] for r in before["regions"])
    assert await page.locator("#email").input_value() == "Office@tirek-supplier.kz"
    # The same form sent again (a double click) is no error and changes nothing more.
    again = await v.context.request.post(server.url + "/provider/profile", form={
        **sent, "phone": "+7 701 555 12 34", "email": "other@tirek-supplier.kz"}, max_redirects=0)
    assert again.status == 303 and again.headers["location"] == "/provider/profile?done=saved"
    assert server.graphql(PROFILE, {"p": provider_id})["provider"] == after


async def test_provider_answers_quote_requests(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    quote_id = ask_for_a_hand(server)
    v = await signed_in(visit, server, "provider", language="ru")
    page = v.page
    await v.click(page.locator("header a[href='/provider/quotes']"))
    await v.check("quote requests", lang="ru")
    assert await page.locator(f"main [data-quote='{quote_id}'] [data-quote-status=REQUESTED]").count() == 1
    await v.click(page.locator(f"main a[href='/provider/quotes/{quote_id}']"))
    await v.check("quote request", lang="ru")
    assert "примерку во вторник" in await page.locator("main [data-note]").inner_text()

    # A price that is none, no specification: refused at the fields, typed kept.
    await page.fill("#unit-price", "дорого")
    await page.fill("#lead-time", "45")
    await v.refused("main form[action$='/submit'] button[type=submit]", "#unit-price", "#specification")
    assert await page.locator("#unit-price").input_value() == "дорого"
    await v.check("quote request, failed", lang="ru")
    # A lead time the API refuses (too long), shown at its field.
    await page.fill("#unit-price", "4 700 000")
    await page.fill("#lead-time", "99999")
    await page.fill("#specification", "Бионическая кисть, левая, 6 схватов")
    await v.refused("main form[action$='/submit'] button[type=submit]", "#lead-time")
    assert await page.locator("#lead-time-error").count() == 1
    assert await page.locator("#specification").input_value() == "Бионическая кисть, левая, 6 схватов"
    await v.check("quote request, failed", lang="ru")
    assert server.graphql(QUOTE, {"q": quote_id}, login="provider")["quote"]["status"] == "REQUESTED"

    # Quoted, by keyboard; the same form sent again is the same revision, not a second one.
    await page.fill("#lead-time", "45")
    sent = await hidden_inputs(page, "main form[action$='/submit']")
    await v.send_by_keyboard("main form[action$='/submit'] button[type=submit]")
    assert "done=quoted" in page.url, page.url
    await v.check("quote request", lang="ru")
    assert await page.locator("main [data-quote-status=QUOTED]").count() == 1
    again = await v.context.request.post(f"{server.url}/provider/quotes/{quote_id}/submit", form={
        **sent, "unit_price": "4700000", "lead_time": "45", "specification": "x"}, max_redirects=0)
    assert again.status == 303
    quoted = server.graphql(QUOTE, {"q": quote_id}, login="provider")["quote"]
    assert quoted == {"status": "QUOTED", "revision": 1, "unitPrice": "4700000.00", "leadTimeDays": 45,
                      "specification": "Бионическая кисть, левая, 6 схватов"}

    # The officer refuses it, with a reason the provider reads; nothing left to answer.
    rejected = server.graphql('mutation($q: ID!) { rejectQuote(quoteId: $q, reason: "Цена выше рыночной") '
                              "{ quote { status } errors { code } } }", {"q": quote_id}, login="officer")["rejectQuote"]
    assert rejected == {"quote": {"status": "REJECTED"}, "errors": []}
    await v.go(f"/provider/quotes/{quote_id}")
    await v.check("quote request", lang="ru")
    assert await page.locator("main [data-reject-reason]").inner_text() == "Цена выше рыночной"
    assert await page.locator("main form[action$='/submit']").count() == 0

    # Asked again, then withdrawn by the recipient: the provider sees so.
    withdrawn_id = ask_for_a_hand(server)
    assert server.graphql("mutation($q: ID!) { withdrawQuote(quoteId: $q) { errors { code } } }",
                          {"q": withdrawn_id}, login="recipient")["withdrawQuote"]["errors"] == []
    await v.go("/provider/quotes?status=WITHDRAWN")
    await v.check("quote requests withdrawn", lang="ru")
    assert await page.locator(f"main [data-quote='{withdrawn_id}']").count() == 1
    assert await page.locator(f"main [data-quote='{quote_id}']").count() == 0
    await v.click(page.locator(f"main a[href='/provider/quotes/{withdrawn_id}']"))
    await v.check("quote request", lang="ru")
    assert await page.locator("main [data-withdrawn]").count() == 1
    assert await page.locator("main form[action$='/submit']").count() == 0

    # Asked a third time, quoted, approved by the officer at less: the price the state pays shown.
    approved_id = ask_for_a_hand(server)
    await v.go(f"/provider/quotes/{approved_id}")
    await page.fill("#unit-price", "4500000")
    await page.fill("#specification", "Бионическая кисть, левая")
    await v.click("main form[action$='/submit'] button[type=submit]")
    assert "done=quoted" in page.url
    approved = server.graphql('mutation($q: ID!) { approveQuote(quoteId: $q, approvedUnitPrice: "4000000") '
                              "{ quote { status } errors { code } } }", {"q": approved_id}, login="officer")["approveQuote"]
    assert approved == {"quote": {"status": "APPROVED"}, "errors": []}
    await v.go(f"/provider/quotes/{approved_id}")
    await v.check("quote request", lang="ru")
    assert await page.locator("main [data-quote-status=APPROVED]").count() == 1
    price = await page.locator("main [data-approved-price]").inner_text()
    assert re.sub(r"\D", "", price.split(",")[0]) == "4000000"


async def test_invataxi_keeps_vehicles_and_answers_trips(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    first = book_trip(server, days_ahead=3, hour=10)
    second = book_trip(server, days_ahead=4, hour=15, wheelchair=False)
    v = await signed_in(visit, server, "invataxi", language="ru")
    page = v.page
    await v.click(page.locator("header a[href='/provider/trips']"))
    await v.check("invataxi trips", lang="ru")
    assert await page.locator(f"main [data-trip='{first}'] [data-trip-status=REQUESTED]").count() == 1
    await v.click(page.locator("main a[href='/provider/vehicles']"))
    await v.check("vehicles", lang="ru")
    assert await page.locator("main [data-vehicle]").count() == 2

    # A new vehicle: sent empty, then with a plate already listed; refused at the fields, kept.
    await v.click(page.locator("main a[href='/provider/vehicles/new']"))
    await v.check("new vehicle", lang="ru")
    await page.fill("#seats", "")
    await v.refused("main form button[type=submit]", "#plate", "#model", "#seats")
    await v.check("new vehicle, failed", lang="ru")
    await page.fill("#plate", "001INV01")
    await page.fill("#model", "Mercedes Sprinter, подъёмник")
    await page.fill("#seats", "6")
    await v.refused("main form button[type=submit]", "#plate")
    assert await page.locator("#plate-error").count() == 1
    assert await page.locator("#model").input_value() == "Mercedes Sprinter, подъёмник"
    await v.check("new vehicle, failed", lang="ru")

    # Added once, however often the form is sent.
    await page.fill("#plate", "777INV01")
    sent = await hidden_inputs(page, "main form")
    await v.click("main form button[type=submit]")
    found = re.fullmatch(r"/provider/vehicles/([^/]+)", v.path)
    assert found and "done=added" in page.url, page.url
    vehicle_id = found.group(1)
    await v.check("vehicle", lang="ru")
    region = await page.locator("input[name=regions]").first.get_attribute("value")
    again = await v.context.request.post(server.url + "/provider/vehicles/new", form={
        **sent, "plate": "778INV01", "model": "Mercedes Sprinter", "seats": "6", "regions": region, "wheelchair": "yes"},
        max_redirects=0)
    assert again.status == 303 and again.headers["location"].startswith(f"/provider/vehicles/{vehicle_id}")
    cars = server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"]
    assert sorted(c["plateNumber"] for c in cars) == ["001INV01", "002INV01", "777INV01"]

    # Changed: too many seats refused by the API at the field; then taken out of service.
    await page.fill("#seats", "45")
    await v.click("main form button[type=submit]")
    assert await page.locator("#seats-error").count() == 1
    assert await page.locator("#seats").input_value() == "45"
    await v.check("vehicle, failed", lang="ru")
    await page.fill("#seats", "8")
    await page.locator("#active").uncheck()
    await v.click("main form button[type=submit]")
    assert "done=saved" in page.url
    await v.check("vehicle", lang="ru")
    mine = next(c for c in server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"] if c["id"] == vehicle_id)
    assert (mine["seats"], mine["isActive"], mine["model"]) == (8, False, "Mercedes Sprinter, подъёмник")
    await v.go("/provider/vehicles")
    assert await page.locator(f"main [data-vehicle='{vehicle_id}'] [data-active=no]").count() == 1

    # The first trip (a wheelchair): no vehicle chosen, then one with no wheelchair place, refused.
    cars = {c["plateNumber"]: c["id"] for c in server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"]}
    await v.go(f"/provider/trips/{first}")
    await v.check("trip", lang="ru")
    assert await page.locator(f"input[name=vehicle][value='{vehicle_id}']").count() == 0  # out of service
    await v.refused(f"main form[action='/provider/trips/{first}/confirm'] button[type=submit]", "#trip-vehicle")
    await v.check("trip, failed", lang="ru")
    await page.locator(f"input[name=vehicle][value='{cars['002INV01']}']").check()
    await v.click(f"main form[action='/provider/trips/{first}/confirm'] button[type=submit]")
    assert await page.locator("#trip-vehicle-error").count() == 1
    assert await page.locator(f"input[name=vehicle][value='{cars['002INV01']}']").is_checked()
    assert server.graphql(TRIP, {"t": first}, login="invataxi")["trip"]["status"] == "REQUESTED"
    # Confirmed on the accessible one, by keyboard.
    await v.tab_to(f"input[name=vehicle][value='{cars['002INV01']}']")  # the checked one of the group
    await page.keyboard.press("ArrowUp")
    await v.send_by_keyboard(f"main form[action='/provider/trips/{first}/confirm'] button[type=submit]")
    assert "done=confirmed" in page.url, page.url
    await v.check("trip", lang="ru")
    assert await page.locator("main [data-trip-status=CONFIRMED]").count() == 1
    # Not done before its pickup time (the API says so); done once it has come.
    await v.click(f"main form[action='/provider/trips/{first}/done'] button")
    assert await page.locator(".govuk-error-summary").count() == 1
    await v.check("trip, failed", lang="ru")
    move_trip_back(server, first, days=4)
    await v.go(f"/provider/trips/{first}")
    await v.click(f"main form[action='/provider/trips/{first}/done'] button")
    assert "done=done" in page.url
    await v.check("trip", lang="ru")
    seen = server.graphql(TRIP, {"t": first}, login="recipient")["trip"]
    assert seen["awaitingConfirmation"] is True and seen["vehicle"]["plateNumber"] == "001INV01"

    # The second: another time proposed (a date that is none refused first), then declined.
    await v.go(f"/provider/trips/{second}")
    await page.fill("#propose-date", "31.02.2027")
    await page.fill("#propose-time", "16:30")
    await v.click(f"main form[action='/provider/trips/{second}/propose'] button")
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#propose-date"
    assert await page.locator("#propose-time").input_value() == "16:30"
    await v.check("trip, failed", lang="ru")
    # Opened again (a reload, another page and back): what was typed and why it was refused stay.
    await v.go(f"/provider/trips/{second}")
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#propose-date"
    assert await page.locator("#propose-date").input_value() == "31.02.2027"
    assert await page.locator("#propose-time").input_value() == "16:30"
    day = dt.datetime.now(KAZAKHSTAN_TIME).date() + dt.timedelta(days=4)
    await page.fill("#propose-date", day.strftime("%d.%m.%Y"))
    await v.click(f"main form[action='/provider/trips/{second}/propose'] button")
    assert "done=proposed" in page.url
    await v.check("trip", lang="ru")
    await v.go(f"/provider/trips/{second}")  # done: no refusal left to show
    assert await page.locator(".govuk-error-summary").count() == 0
    proposed = server.graphql(TRIP, {"t": second}, login="recipient")["trip"]
    assert proposed["status"] == "RESCHEDULE_PROPOSED"
    assert dt.datetime.fromisoformat(proposed["proposedStartsAt"]) == dt.datetime.combine(
        day, dt.time(16, 30), tzinfo=KAZAKHSTAN_TIME)
    await v.refuse_with_reason(f"main form[action='/provider/trips/{second}/decline'] button", "#decline-reason",
                               "Все машины заняты в этот день", failed="trip, failed", lang="ru", done="declined")
    await v.check("trip", lang="ru")
    declined = server.graphql(TRIP, {"t": second}, login="recipient")["trip"]
    assert declined["status"] == "CANCELLED" and declined["order"]["declineReason"] == "Все машины заняты в этот день"
    await v.go("/provider/trips?status=CANCELLED")
    await v.check("invataxi trips cancelled", lang="ru")
    assert await page.locator(f"main [data-trip='{second}']").count() == 1


async def test_others_are_refused_these_pages_and_forms(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    """A recipient, the supplier (no transport) and the invataxi provider (not the quote's) each
    get not found for what is not theirs, by address and by form; nothing changes."""
    server = fresh_portal
    quote_id = ask_for_a_hand(server)
    trip_id = book_trip(server, days_ahead=5, hour=11)
    ford = next(c["id"] for c in server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"]
                if c["plateNumber"] == "001INV01")
    supplier = server.graphql(MY_PROVIDER, login="provider")["me"]["provider"]["id"]
    supplier_before = server.graphql(PROFILE, {"p": supplier})["provider"]
    cars_before = server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"]
    region = server.graphql("{ regions { id } }")["regions"][0]["id"]
    posts = {
        f"/provider/quotes/{quote_id}/submit": {"unit_price": "100", "lead_time": "1", "specification": "x",
                                                 "idempotency_key": "k"},
        f"/provider/trips/{trip_id}/confirm": {"vehicle": ford},
        f"/provider/trips/{trip_id}/decline": {"reason": "x"},
        f"/provider/vehicles/{ford}": {"model": "x", "seats": "2", "regions": region, "idempotency_key": "k"},
        "/provider/profile": {"provider_id": supplier, "phone": "+7 701 000 00 01", "email": "x@example.kz",
                              "regions": region, "idempotency_key": "k"},
    }
    not_theirs = {
        "recipient": ["/provider/profile", "/provider/quotes", f"/provider/quotes/{quote_id}", "/provider/trips",
                      f"/provider/trips/{trip_id}", "/provider/vehicles", f"/provider/vehicles/{ford}"],
        "provider": [f"/provider/trips/{trip_id}", f"/provider/vehicles/{ford}"],
        "invataxi": [f"/provider/quotes/{quote_id}"],
    }
    forms = {"recipient": list(posts), "provider": [p for p in posts if "/trips/" in p or "/vehicles/" in p],
             "invataxi": [f"/provider/quotes/{quote_id}/submit", "/provider/profile"]}
    for login, addresses in not_theirs.items():
        v = await visit(server, language="en")
        await sign_in(v, login)
        for address in addresses:
            answer = await v.go(address)
            assert answer.status == 404, (login, address, answer.status)
        await v.check("not found")
        token = (await hidden_inputs(v.page, "form[action='/sign-out']"))["csrf_token"]
        for address in forms[login]:
            answer = await v.context.request.post(server.url + address, form={**posts[address], "csrf_token": token},
                                                  max_redirects=0)
            assert answer.status == 404, (login, address, answer.status)
            assert "Ford" not in await answer.text() and "4500000" not in await answer.text()
    assert server.graphql(QUOTE, {"q": quote_id}, login="recipient")["quote"]["status"] == "REQUESTED"
    assert server.graphql(TRIP, {"t": trip_id}, login="recipient")["trip"]["status"] == "REQUESTED"
    assert server.graphql(PROFILE, {"p": supplier})["provider"] == supplier_before
    assert server.graphql(VEHICLES, login="invataxi")["vehicles"]["nodes"] == cars_before
