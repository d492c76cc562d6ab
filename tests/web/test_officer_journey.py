"""The officer's work in a browser, JavaScript on and off: the work queue of the region puts
what is due soonest first (claims, applications, quotes with their terms; approved claims to
pay; listings to moderate); a claim decided with its receipt shown on the page: approving less
without a reason is refused at the field, then approved for less with the reason, marked paid
once however often the form is sent; another claim refused without a reason at the field, then
rejected with one the recipient reads. axe and the page checks on every page."""

from __future__ import annotations

import uuid

import httpx

from tests.web.signing import PNG, hidden_inputs, sign_in, signed_in

LINES = "{ me { person { id } } myEntitlements { id balance classifierItem { priceCap isCustom } } }"
SUBMIT = """mutation($i: SubmitClaimInput!) { submitClaim(input: $i) { claim { id } errors { code message } } }"""
CLAIM = "query($id: ID!) { claim(id: $id) { status amountApproved reductionReason rejectReason paymentReference } }"


def self_purchase_claims(server, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The recipient claims ``count`` purchases back, each with a receipt of its own (over the API)."""
    found = server.graphql(LINES, login="recipient")
    person_id = found["me"]["person"]["id"]
    lines = [line for line in found["myEntitlements"] if line["classifierItem"]["priceCap"]
             and not line["classifierItem"]["isCustom"] and float(line["balance"]) >= 1]
    server.graphql("{ me { id } }", login="recipient")
    made = []
    for n, line in enumerate(lines[:count]):
        receipt = httpx.post(f"{server.url}/receipts", headers={"authorization": f"Bearer {server.tokens['recipient']}"},
                             data={"personId": person_id}, files={"file": (f"receipt-{n}.png", PNG + bytes([n]), "image/png")},
                             timeout=30).json()
        submitted = server.graphql(SUBMIT, {"i": {
            "claimFor": "SELF_PURCHASE", "personId": person_id, "entitlementId": line["id"], "quantity": "1",
            "amountPaid": "30000", "receiptId": receipt["id"], "idempotencyKey": uuid.uuid4().hex}},
            login="recipient")["submitClaim"]
        assert submitted["errors"] == [], submitted
        made.append(submitted["claim"]["id"])
    assert len(made) == count
    return made


async def test_officer_works_the_queue_and_decides_claims(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    first, second = self_purchase_claims(server, 2)
    v = await signed_in(visit, server, "officer", language="ru")
    page = v.page
    assert v.path == "/"
    await v.check("work queue", lang="ru")
    items = page.locator("main [data-queue-item]")
    dues = await items.evaluate_all("els => els.map(e => e.dataset.due)")
    assert dues == sorted(dues) and len(dues) >= 2  # soonest due first
    ids = await items.evaluate_all("els => els.map(e => e.dataset.id)")
    assert first in ids and second in ids
    overdue = await page.locator("main [data-queue-item][data-overdue]").count()
    assert int(await page.locator("main [data-waiting]").get_attribute("data-overdue") or "-1") == overdue

    # The first claim, its receipt on the page.
    await v.click(page.locator(f"main a[href='/officer/claims/{first}']"))
    await v.check("claim to decide", lang="ru")
    image = page.locator("main img[data-receipt-image]")
    assert await image.evaluate("img => img.complete && img.naturalWidth > 0")
    approvable = await page.locator("main [data-approvable]").get_attribute("data-approvable")
    assert approvable

    # Less than approvable without a reason: refused at the reason.
    form = f"main form[action='/officer/claims/{first}/approve']"
    await page.fill("#approve-amount", "1000")
    await v.refused(f"{form} button", "#approve-reason")
    assert await page.locator("#approve-reason-error").count() == 1
    await v.check("claim to decide, failed", lang="ru")
    assert await page.locator("#approve-amount").input_value() == "1000"  # what was typed stays
    await v.tab_to("#approve-reason")
    await page.keyboard.type("В чеке за позицию 1000 тенге")
    await v.send_by_keyboard(f"{form} button")
    assert "done=approved" in page.url
    await v.check("claim to decide", lang="ru")

    # Marked paid once, however often the form is sent.
    pay = f"main form[action='/officer/claims/{first}/pay']"
    sent = await hidden_inputs(page, pay)
    await page.fill("#payment-reference", "ПП-000731")
    await v.click(f"{pay} button")
    assert "done=paid" in page.url
    await v.check("claim to decide", lang="ru")
    again = await v.context.request.post(f"{server.url}/officer/claims/{first}/pay", max_redirects=0,
                                         form={**sent, "payment_reference": "ПП-000731"})
    assert again.status == 303 and "done=paid" in again.headers["location"]
    decided = server.graphql(CLAIM, {"id": first}, login="recipient")["claim"]
    assert decided == {"status": "PAID", "amountApproved": "1000.00", "reductionReason": "В чеке за позицию 1000 тенге",
                       "rejectReason": None, "paymentReference": "ПП-000731"}

    # The second: rejected, first without a reason.
    await v.go(f"/officer/claims/{second}")
    await v.refuse_with_reason(f"main form[action='/officer/claims/{second}/reject'] button", "#reject-reason",
                               "Чек не читается", failed="claim to decide, failed", lang="ru", done="rejected")
    await v.check("claim to decide", lang="ru")
    assert server.graphql(CLAIM, {"id": second}, login="recipient")["claim"]["rejectReason"] == "Чек не читается"

    # Back to the queue: both are gone from it.
    await v.click(page.locator("main a[href='/']"))
    await v.check("work queue", lang="ru")
    ids = await page.locator("main [data-queue-item]").evaluate_all("els => els.map(e => e.dataset.id)")
    assert first not in ids and second not in ids


async def test_officer_finds_a_person_of_the_region_by_iin(visit, portal) -> None:  # type: ignore[no-untyped-def]
    iin = portal.graphql("{ me { person { iin } } }", login="recipient")["me"]["person"]["iin"]
    v = await visit(portal, language="kk")
    page = v.page
    await sign_in(v, "officer")
    await v.go("/language/kk?next=/officer/persons")
    await v.check("find a person", lang="kk")
    # A malformed IIN: said at the field.
    await page.fill("#iin", "12345")
    await v.refused("main form button[type=submit]", "#iin")
    await v.check("find a person, failed", lang="kk")
    # Found by keyboard alone: the record, the programme's lines with balances, the latest changes.
    await v.tab_to("#iin")
    await page.keyboard.press("Control+A")
    await page.keyboard.type(iin)
    await v.press("Enter")
    assert v.path.startswith("/officer/persons/")
    await v.check("person", lang="kk")
    assert await page.locator("main [data-iin]").inner_text() == iin
    assert await page.locator("main [data-record-status=ACTIVE]").count() == 1
    assert await page.locator("main [data-line]").count() >= 3
    # An officer of another region does not find her.
    other = await visit(portal, language="kk")
    await sign_in(other, "officer-almaty", then=f"/officer/persons?iin={iin}")
    assert await other.page.locator("#iin-error").count() == 1


async def test_officer_moderates_listings_from_the_queue(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await signed_in(visit, server, "officer", language="ru")
    page = v.page
    waiting = await page.locator("main [data-listing]").evaluate_all("els => els.map(e => e.dataset.listing)")
    assert len(waiting) >= 2, "the demo has listings waiting for review in Astana"
    first = waiting[0]
    # Of the others, one whose provider is verified (a listing of one that is not can only be sent
    # back: the page says so and offers no "Publish").
    second = None
    for candidate in waiting[1:]:
        await v.go(f"/officer/listings/{candidate}")
        if await page.locator(f"main form[action='/officer/listings/{candidate}/approve']").count():
            second = candidate
            break
        assert await page.locator("main [data-unverified]").count() == 1
    assert second is not None, "the demo has a listing of a verified provider waiting in Astana"
    await v.go("/")
    await v.click(page.locator(f"main a[href='/officer/listings/{first}']"))
    await v.check("listing to moderate", lang="ru")
    form = f"main form[action='/officer/listings/{first}/reject']"
    await v.refuse_with_reason(f"{form} button", "#review-reason", "Укажите модель и гарантию",
                               failed="listing to moderate, failed", lang="ru", done="sent-back")
    assert await page.locator("main [data-status]").get_attribute("data-status") == "REJECTED"
    await v.check("listing to moderate", lang="ru")

    await v.go(f"/officer/listings/{second}")
    await v.send_by_keyboard(f"main form[action='/officer/listings/{second}/approve'] button")
    assert "done=published" in page.url
    assert await page.locator("main [data-status]").get_attribute("data-status") == "PUBLISHED"
    await v.check("listing to moderate", lang="ru")
    await v.go("/")
    left = await page.locator("main [data-listing]").evaluate_all("els => els.map(e => e.dataset.listing)")
    assert first not in left and second not in left
