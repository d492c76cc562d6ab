"""The provider's service hours and what it is owed, in a browser, JavaScript on and off: hours
logged on an accepted sign-language order by keyboard alone (an empty form refused field by
field; the same form sent twice logs once; a worker's overlapping hours refused at the start
time, naming the other booking's time), the hours page worker by worker; then a delivered
order the recipient confirmed is claimed from the money page (once, however often the button
is sent), the officer approves and pays it, and the provider reads the payment received and
downloads every claim as CSV. axe and the page checks on every page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid


from marketplace.clock import KAZAKHSTAN_TIME
from marketplace.identifiers import make_iin
from tests.web.signing import hidden_inputs, sign_in

HITS = """query($p: ID!) { searchListings(query: "", first: 50, filter: {providerId: $p, inStock: true}) { edges { node {
  listing { id classifierItem { unit } } coverage { covered entitlementId } } } } }"""
PLACE = """mutation($l: ID!, $e: ID!, $q: Decimal!, $k: String!) { placeOrder(listingId: $l, entitlementId: $e,
  quantity: $q, idempotencyKey: $k) { order { id } errors { code } } }"""
LOGS = "query($id: ID!) { order(id: $id) { serviceLogs { id workerName startTime endTime } } }"
CLAIMS = "{ claims(first: 50) { nodes { id status order { id } } } }"


def order_from_provider(server, hourly: bool, quantity: str) -> str:  # type: ignore[no-untyped-def]
    provider_id = server.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    hits = server.graphql(HITS, {"p": provider_id}, login="recipient")["searchListings"]["edges"]
    for edge in hits:
        node = edge["node"]
        if node["coverage"]["covered"] and (node["listing"]["classifierItem"]["unit"] == "HOUR") == hourly:
            placed = server.graphql(PLACE, {"l": node["listing"]["id"], "e": node["coverage"]["entitlementId"],
                                            "q": quantity, "k": uuid.uuid4().hex}, login="recipient")["placeOrder"]
            if placed["order"]:
                return str(placed["order"]["id"])
    raise AssertionError("the recipient found nothing to order from the demo provider")


def accept(server, order_id: str) -> None:  # type: ignore[no-untyped-def]
    done = server.graphql("mutation($o: ID!) { acceptOrder(orderId: $o) { errors { code } } }", {"o": order_id},
                          login="provider")["acceptOrder"]
    assert done["errors"] == []


async def test_provider_logs_hours_worker_by_worker(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    order_id = order_from_provider(server, hourly=True, quantity="4")
    accept(server, order_id)
    # Placed yesterday, so yesterday's night hours have ended whatever the hour is now.
    server.placed_days_ago(order_id, 1)
    now = dt.datetime.now(KAZAKHSTAN_TIME) - dt.timedelta(days=1)
    v = await visit(server, language="ru")
    page = v.page
    await sign_in(v, "provider", then=f"/provider/orders/{order_id}")
    await v.check("incoming order", lang="ru")
    form = f"main form[action='/provider/orders/{order_id}/hours']"

    # Sent empty: each field says what it needs.
    await v.click(f"{form} button[type=submit]")
    assert await v.summary_focused()
    links = await page.locator(".govuk-error-summary a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert links == ["#worker-iin", "#worker-name", "#service-date", "#start-time", "#end-time"]
    await v.check("incoming order, failed", lang="ru")

    # Filled in by keyboard alone and sent with Enter.
    worker_iin = make_iin(dt.date(1990, 5, 17), "F", 4321)
    await v.tab_to("#worker-iin")
    await page.keyboard.type(worker_iin)
    await page.keyboard.press("Tab")
    await page.keyboard.type("Гүлнар Әбдіқызы")
    await page.keyboard.press("Tab")
    await page.keyboard.type(now.strftime("%d.%m.%Y"))
    await page.keyboard.press("Tab")
    await page.keyboard.type("00:30")
    await page.keyboard.press("Tab")
    await page.keyboard.type("01:30")
    sent = await hidden_inputs(page, form)
    await v.press("Enter")
    assert "done=hours" in page.url
    await v.check("incoming order", lang="ru")
    assert await page.locator("main [data-worker='Гүлнар Әбдіқызы']").count() == 1
    # The same form sent again: logged once.
    again = await v.context.request.post(f"{server.url}/provider/orders/{order_id}/hours", max_redirects=0, form={
        **sent, "worker_iin": worker_iin, "worker_name": "Гүлнар Әбдіқызы", "service_date": now.strftime("%d.%m.%Y"),
        "start_time": "00:30", "end_time": "01:30"})
    assert again.status == 303
    assert len(server.graphql(LOGS, {"id": order_id}, login="provider")["order"]["serviceLogs"]) == 1

    # Overlapping hours of the same worker: refused at the start time, with the other booking's time.
    assert await page.locator("#worker-iin").input_value() == worker_iin  # the worker stays filled in
    await page.fill("#service-date", now.strftime("%d.%m.%Y"))
    await page.fill("#start-time", "01:00")
    await page.fill("#end-time", "02:00")
    await v.click(f"{form} button[type=submit]")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#start-time"
    message = await page.locator("#start-time-error").inner_text()
    assert "00:30" in message and "01:30" in message, message
    await v.check("incoming order, failed", lang="ru")
    assert len(server.graphql(LOGS, {"id": order_id}, login="provider")["order"]["serviceLogs"]) == 1

    await v.click(page.locator("header a[href='/provider/hours']"))
    await v.check("service hours", lang="ru")
    worker = page.locator("main [data-worker='Гүлнар Әбдіқызы']")
    assert await worker.count() == 1 and "1" in await worker.inner_text()


async def test_provider_claims_and_reads_the_payment(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    order_id = order_from_provider(server, hourly=False, quantity="1")
    accept(server, order_id)
    for mutation, login in (("markDelivered", "provider"), ("confirmReceipt", "recipient")):
        done = server.graphql(f"mutation($o: ID!) {{ {mutation}(orderId: $o) {{ errors {{ code }} }} }}",
                              {"o": order_id}, login=login)[mutation]
        assert done["errors"] == []
    v = await visit(server, language="en")
    page = v.page
    await sign_in(v, "provider")
    await v.go("/language/en?next=/provider/money")
    assert v.path == "/provider/money"
    await v.check("money", lang="en")
    button = f"main form[action='/provider/money/claim/{order_id}'] button"
    sent = await hidden_inputs(page, f"main form[action='/provider/money/claim/{order_id}']")
    await v.tab_to(button)
    await v.press("Enter")
    assert "done=claimed" in page.url
    await v.check("money", lang="en")
    assert await page.locator(f"main form[action='/provider/money/claim/{order_id}']").count() == 0
    again = await v.context.request.post(f"{server.url}/provider/money/claim/{order_id}", form=sent, max_redirects=0)
    assert again.status == 303
    claims = [c for c in server.graphql(CLAIMS, login="provider")["claims"]["nodes"] if c["order"]["id"] == order_id]
    assert len(claims) == 1 and claims[0]["status"] == "SUBMITTED"
    claim_id = claims[0]["id"]
    await v.go("/provider/money")
    assert await page.locator(f"ul[aria-labelledby=waiting] [data-claim='{claim_id}'] [data-due]").count() == 1

    # The officer approves and pays; the provider reads the payment received.
    approved = server.graphql("mutation($c: ID!) { approveClaim(claimId: $c) { errors { code } } }",
                              {"c": claim_id}, login="officer")["approveClaim"]
    assert approved["errors"] == []
    paid = server.graphql('mutation($c: ID!) { markClaimPaid(claimId: $c, idempotencyKey: "pay-1", '
                          'paymentReference: "PP-2026-0042") { errors { code } } }', {"c": claim_id},
                          login="officer")["markClaimPaid"]
    assert paid["errors"] == []
    await v.go("/provider/money")
    await v.check("money", lang="en")
    received = page.locator(f"ul[aria-labelledby=paid] [data-claim='{claim_id}']")
    assert "PP-2026-0042" in await received.inner_text()
    assert await page.locator("main [data-sum=paid]").inner_text() != "0.00 ₸"

    exported = await v.context.request.get(f"{server.url}/provider/money.csv")
    assert exported.status == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO((await exported.text()).lstrip("\ufeff"))))
    row = next(r for r in rows if r["claim"] == claim_id)
    assert (row["status"], row["order"], row["payment_reference"]) == ("PAID", order_id, "PP-2026-0042")
