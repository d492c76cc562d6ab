"""A self-purchase claim in a browser, JavaScript on and off: the form (an empty one refused with
the error summary focused), the receipt uploaded through the portal to the API's /receipts, the
claim sent once however often the form is sent, its page with status and due date, the history
of who touched it, the list; then an officer approves it (over the API) and the recipient reads
the notification and marks it read. axe and the page checks on every page."""

from __future__ import annotations

import re

from tests.web.signing import PNG, hidden_inputs, signed_in

CLAIMS = "{ claims(first: 50) { nodes { id status receiptId amountClaimed } } }"


async def test_claim_a_purchase_with_a_receipt(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await signed_in(visit, server, "recipient", language="en", then="/claims")
    page = v.page
    await v.check("claims", lang="kk")
    await v.click(page.locator("main a[href='/claims/new']"))
    await v.check("new claim", lang="kk")

    # Sent empty: every problem in the summary, focused, each a link to its field.
    await v.click("main form[action='/claims/new'] button[type=submit]")
    assert (await page.title()).startswith(await page.evaluate("document.title.split(' ')[0]"))
    summary = page.locator(".govuk-error-summary")
    assert await summary.is_visible()
    assert await v.summary_focused()
    links = await summary.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert links == ["#entitlement", "#quantity", "#amount-paid", "#receipt"]
    await v.check("new claim, failed", lang="kk")

    # Filled in: the first line the state caps, one, what was paid, the receipt's photo.
    await page.locator("label[for=entitlement]").click()
    await page.fill("#quantity", "1")
    await page.fill("#amount-paid", "30000")
    await page.set_input_files("#receipt", files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}])
    sent = await hidden_inputs(page, "main form[action='/claims/new']")
    await v.click("main form[action='/claims/new'] button[type=submit]")
    found = re.fullmatch(r"/claims/([^/]+)", v.path)
    assert found and "done=submitted" in page.url, page.url
    claim_id = found.group(1)
    await v.check("claim", lang="kk")
    assert await page.locator("main [data-due]").count() == 1
    assert re.match(r"\d{4}-\d{2}-\d{2}", await page.locator("main [data-due]").get_attribute("data-due") or "")

    # The same form sent again (a double click, a resubmit): the same claim, not a second one.
    again = await v.context.request.post(server.url + "/claims/new", multipart={
        **sent, "entitlement": await page.evaluate("''"), "quantity": "1", "amount_paid": "30000",
        "receipt": {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}}, max_redirects=0)
    assert again.status == 303 and again.headers["location"] == f"/claims/{claim_id}"
    claims = server.graphql(CLAIMS, login="recipient")["claims"]["nodes"]
    assert [c["id"] for c in claims] == [claim_id]
    assert claims[0]["status"] == "SUBMITTED" and claims[0]["receiptId"]

    # Who touched it, and when.
    await v.click(page.locator("main a[href^='/history/']"))
    await v.check("history", lang="kk")
    assert await page.locator("main [data-action='claim.submitted']").count() == 1
    await v.click(page.locator("main a[href='/claims/%s']" % claim_id))
    await v.go("/claims")
    assert await page.locator(f"main a[href='/claims/{claim_id}']").count() == 1
    await v.check("claims", lang="kk")

    # An officer of her region approves it; she reads the notification and marks it read.
    approved = server.graphql("mutation($c: ID!) { approveClaim(claimId: $c) { claim { status } errors { code } } }",
                              {"c": claim_id}, login="officer")["approveClaim"]
    assert approved["errors"] == [] and approved["claim"]["status"] == "APPROVED"
    await v.go("/claims/" + claim_id)
    await v.check("claim", lang="kk")
    await v.go("/notifications")
    await v.check("notifications", lang="kk")
    unread = int(await page.locator("main [data-unread]").get_attribute("data-unread") or "0")
    assert unread >= 1
    assert await page.locator(f"main a[href='/claims/{claim_id}']").count() >= 1
    await v.click("main form[action='/notifications/read'] input[name=all] ~ button")
    assert "done=read" in page.url
    await v.check("notifications", lang="kk")
    assert await page.locator("main [data-unread]").get_attribute("data-unread") == "0"
    count = server.graphql("{ unreadNotificationCount }", login="recipient")["unreadNotificationCount"]
    assert count == 0
