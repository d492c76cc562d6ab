"""Service hours in a browser, with JavaScript on and off: the demo recipient's sign-language
order is accepted and two lines of hours are logged (over the API, as the provider's portal
would); on her order's page she confirms one line and disputes the other with a reason, by
keyboard alone; a dispute without a reason is refused at the field. Only the confirmed line
ends up CONFIRMED; the disputed one keeps her words."""

from __future__ import annotations

import datetime as dt
import secrets


from tests.web.signing import signed_in

SIGN_LANGUAGE_OFFER = """query($p: ID!) { searchListings(filter: { providerId: $p, categories: [SIGN_LANGUAGE] }, first: 20) {
  edges { node { listing { id classifierItem { unit } } coverage { covered entitlementId } } } } }"""
PLACE = """mutation($l: ID!, $e: ID!, $k: String!) { placeOrder(idempotencyKey: $k, listingId: $l, entitlementId: $e,
  quantity: "4", deliveryOption: "AT_HOME_SERVICE") { order { id } errors { field code message } } }"""
LOG = """mutation($o: ID!, $iin: String!, $name: String!, $d: Date!, $s: Time!, $e: Time!) {
  logServiceHours(orderId: $o, workerIin: $iin, workerName: $name, serviceDate: $d, startTime: $s, endTime: $e) {
  serviceLogs { id } errors { field code message } } }"""
LOGS = "query($o: ID!) { order(id: $o) { serviceLogs { id status note workerName } } }"
WORKERS = (("900101417018", "Асель Нурланова"), ("880202317024", "Данияр Сапаров"))


def yesterday_morning() -> tuple[str, str, str]:
    """Yesterday in Kazakhstan (UTC+5) and an hour of it: over, whatever the hour is now (the
    order is dated back to yesterday, so the hours are not before it was placed)."""
    local = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=5) - dt.timedelta(days=1)
    return local.date().isoformat(), "10:00:00", "11:00:00"


def order_with_two_lines(server) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    provider_id = server.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    hits = server.graphql(SIGN_LANGUAGE_OFFER, {"p": provider_id}, login="recipient")["searchListings"]["edges"]
    hit = next(h["node"] for h in hits if (h["node"]["coverage"] or {}).get("covered")
               and h["node"]["listing"]["classifierItem"]["unit"] == "HOUR")
    placed = server.graphql(PLACE, {"l": hit["listing"]["id"], "e": hit["coverage"]["entitlementId"],
                                    "k": secrets.token_hex(8)}, login="recipient")["placeOrder"]
    assert placed["errors"] == [], placed
    order_id = placed["order"]["id"]
    accepted = server.graphql('mutation($o: ID!) { acceptOrder(orderId: $o) { errors { code message } } }',
                              {"o": order_id}, login="provider")["acceptOrder"]
    assert accepted["errors"] == [], accepted
    server.placed_days_ago(order_id, 1)
    day, start, end = yesterday_morning()
    ids = []
    for iin, name in WORKERS:
        logged = server.graphql(LOG, {"o": order_id, "iin": iin, "name": name, "d": day, "s": start, "e": end},
                                login="provider")["logServiceHours"]
        assert logged["errors"] == [], logged
        ids.append(logged["serviceLogs"][0]["id"])
    return order_id, ids


async def test_confirm_one_line_and_dispute_the_other(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    order_id, (first, second) = order_with_two_lines(server)

    v = await signed_in(visit, server, "recipient", language="en", then=f"/orders/{order_id}")
    page = v.page
    await v.check("order with hours", lang="kk")
    assert await page.locator("main [data-hours-status=LOGGED]").count() == 2

    # Confirm the first line, by keyboard alone.
    await v.send_by_keyboard(f"form[action='/orders/{order_id}/hours/{first}/confirm'] button")
    assert "done=hours-confirmed" in page.url
    await v.check("order with hours", lang="kk")
    assert await page.locator(f"#hours-{first} [data-hours-status=CONFIRMED]").count() == 1

    # A dispute needs a reason: refused at the field, the summary focused and linking to it.
    await v.click(f"form[action='/orders/{order_id}/hours/{second}/dispute'] button")
    assert await v.summary_focused()
    await v.check("order with hours, error", lang="kk")
    assert await page.locator(f".govuk-error-summary a[href='#note-{second}']").count() == 1
    assert await page.locator(f"#note-{second}-error").count() == 1
    assert server.graphql(LOGS, {"o": order_id}, login="recipient")["order"]["serviceLogs"][1]["status"] == "LOGGED"

    # With the reason, by keyboard: the line is disputed and keeps the words.
    reason = "Аудармашы 10:00-де кетіп қалды"
    await v.tab_to(f"#note-{second}")
    await page.keyboard.type(reason)
    await v.send_by_keyboard(f"form[action='/orders/{order_id}/hours/{second}/dispute'] button")
    assert "done=hours-disputed" in page.url
    await v.check("order with hours", lang="kk")
    assert reason in await page.locator(f"#hours-{second}").inner_text()

    logs = {log["id"]: log for log in server.graphql(LOGS, {"o": order_id}, login="recipient")["order"]["serviceLogs"]}
    assert (logs[first]["status"], logs[second]["status"], logs[second]["note"]) == ("CONFIRMED", "DISPUTED", reason)
    # Nothing left to decide: no forms on either line.
    assert await page.locator("main form[action*='/hours/']").count() == 0
