"""An invataxi trip in a browser, JavaScript on and off, the booking form by keyboard alone: the
date and the time typed as text (a date that does not exist refused by the page, a time in the
past refused by the API at its field, each with the error summary focused), the trip booked
once however often the form is sent, the provider's other time accepted, the trip cancelled, its
history. axe and the page checks on every page."""

from __future__ import annotations

import datetime as dt
import re

from marketplace.clock import KAZAKHSTAN_TIME
from tests.web.signing import hidden_inputs, signed_in

TRIPS = "{ trips(first: 50) { nodes { id status startsAt proposedStartsAt } } }"


async def type_into(v, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    await v.tab_to(selector)
    await v.page.keyboard.press("Control+A")
    await v.page.keyboard.type(text)


async def test_book_a_trip_by_keyboard(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await signed_in(visit, server, "recipient", language="ru", then="/trips")
    page = v.page
    await v.go("/language/ru?next=/trips")  # the person chooses Russian
    assert v.path == "/trips"
    await v.check("trips", lang="ru")
    await v.tab_to("main a[href='/trips/new']")
    await v.press("Enter")
    await v.check("new trip", lang="ru")

    # A date that does not exist: refused by the page, the summary focused, linked to the field.
    await type_into(v, "#date", "31.02.2027")
    await type_into(v, "#time", "10:00")
    await type_into(v, "#pickup", "Астана, пр. Мәңгілік Ел, 25")
    await type_into(v, "#dropoff", "Астана, ул. Кенесары, 40")
    await v.tab_to("#wheelchair")
    await page.keyboard.press("Space")
    await v.press("Enter")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a[href='#date']").count() == 1
    assert await page.locator("#pickup").input_value() == "Астана, пр. Мәңгілік Ел, 25"  # kept
    await v.check("new trip, failed", lang="ru")

    # A time in the past: the API refuses it, and says so at the date.
    await type_into(v, "#date", "01.01.2020")
    await v.press("Enter")
    assert await page.locator("#date-error").count() == 1
    assert await page.locator(".govuk-error-summary a[href='#date']").count() == 1
    await v.check("new trip, failed", lang="ru")
    assert server.graphql(TRIPS, login="recipient")["trips"]["nodes"] == []

    day = dt.datetime.now(KAZAKHSTAN_TIME).date() + dt.timedelta(days=3)
    await type_into(v, "#date", day.strftime("%d.%m.%Y"))
    sent = await hidden_inputs(page, "main form[action='/trips/new']")
    await v.press("Enter")
    found = re.fullmatch(r"/trips/([^/]+)", v.path)
    assert found and "done=booked" in page.url, page.url
    trip_id = found.group(1)
    await v.check("trip", lang="ru")

    # The form sent again: the same trip.
    again = await v.context.request.post(server.url + "/trips/new", form={
        **sent, "date": day.strftime("%d.%m.%Y"), "time": "10:00", "pickup": "Астана, пр. Мәңгілік Ел, 25",
        "dropoff": "Астана, ул. Кенесары, 40", "wheelchair": "yes"}, max_redirects=0)
    assert again.status == 303 and again.headers["location"] == f"/trips/{trip_id}"
    trips = server.graphql(TRIPS, login="recipient")["trips"]["nodes"]
    assert [t["id"] for t in trips] == [trip_id]
    assert trips[0]["startsAt"].startswith(day.isoformat() + "T") and trips[0]["status"] == "REQUESTED"

    # The provider proposes 11:30 instead; she accepts it.
    later = dt.datetime.combine(day, dt.time(11, 30), tzinfo=KAZAKHSTAN_TIME).isoformat()
    proposed = server.graphql("mutation($t: ID!, $s: DateTime!) { proposeTripTime(tripId: $t, startsAt: $s) "
                              "{ trip { status } errors { code message } } }", {"t": trip_id, "s": later},
                              login="invataxi")["proposeTripTime"]
    assert proposed["errors"] == [], proposed
    await v.go(f"/trips/{trip_id}")
    await v.check("trip", lang="ru")
    assert await page.locator("#proposal").count() == 1
    await v.send_by_keyboard(f"form[action='/trips/{trip_id}/accept'] button")
    assert "done=accepted" in page.url
    await v.check("trip", lang="ru")
    trip = server.graphql("query($t: ID!) { trip(id: $t) { status startsAt } }", {"t": trip_id}, login="recipient")["trip"]
    assert trip["status"] == "REQUESTED"  # at the new time, for the provider to confirm
    assert dt.datetime.fromisoformat(trip["startsAt"]) == dt.datetime.fromisoformat(later)

    # Not going after all: cancelled, and the trip is back in her programme.
    await v.send_by_keyboard(f"form[action='/trips/{trip_id}/cancel'] button")
    assert "done=cancelled" in page.url
    await v.check("trip", lang="ru")
    assert server.graphql("query($t: ID!) { trip(id: $t) { status } }", {"t": trip_id},
                          login="recipient")["trip"]["status"] == "CANCELLED"

    await v.click(page.locator("main a[href^='/history/']"))
    await v.check("history", lang="ru")
    actions = await page.locator("main [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions[0] == "trip.requested" and "trip.time_proposed" in actions and actions[-1] == "trip.cancelled"
    await v.go("/trips")
    await v.check("trips", lang="ru")
    assert await page.locator(f"main a[href='/trips/{trip_id}']").count() == 1
