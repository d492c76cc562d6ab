"""Ordering cannot happen twice and never loses what was typed: the idempotency key is minted
with the draft and sent in the form, so a double submit or a resubmit gives the same order;
the draft is on the server, so a reload (or another browser of the same account) keeps the
typed values; a form without its CSRF token changes nothing. Over HTTP, as a browser posts."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web.conftest import DEMO_PASSWORD, csrf

WHEELCHAIR_OFFER = """query($p: ID!) {
  me { person { id } }
  searchListings(filter: { providerId: $p, categories: [MOBILITY], inStock: true }, first: 50) {
    edges { node { listing { id } coverage { covered youPay entitlementId } } }
  }
}"""


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]


@pytest.fixture
def covered_listing(portal) -> str:  # type: ignore[no-untyped-def]
    supplier = portal.graphql("{ me { provider { id } } }", login="provider")["me"]["provider"]["id"]
    found = portal.graphql(WHEELCHAIR_OFFER, {"p": supplier}, login="recipient")["searchListings"]["edges"]
    return next(e["node"]["listing"]["id"] for e in found if e["node"]["coverage"]["covered"])


def orders_of_recipient(portal) -> list[dict]:  # type: ignore[no-untyped-def]
    return portal.graphql("{ orders(first: 100) { nodes { id status } } }", login="recipient")["orders"]["nodes"]


def test_a_double_submit_or_a_resubmit_orders_once(portal, browser_session, covered_listing) -> None:  # type: ignore[no-untyped-def]
    http = browser_session
    before = orders_of_recipient(portal)
    listing = http.get(f"/listings/{covered_listing}")
    started = http.post(f"/listings/{covered_listing}/order", data={"csrf_token": csrf(listing.text), "quantity": "1"})
    assert (started.status_code, started.headers["location"]) == (303, "/order/check")
    check = http.get("/order/check")
    assert check.status_code == 200
    # A reload of the check page shows the same key: it was minted with the draft.
    assert hidden(http.get("/order/check").text, "idempotency_key") == hidden(check.text, "idempotency_key")
    form = {name: hidden(check.text, name) for name in
            ("csrf_token", "idempotency_key", "listing_id", "entitlement_id", "quantity", "delivery")}

    first = http.post("/order/check", data=form)
    second = http.post("/order/check", data=form)  # the double click, or the browser's resubmit
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    placed = re.fullmatch(r"/orders/([^/]+)/placed", first.headers["location"])
    assert placed
    after = orders_of_recipient(portal)
    assert len(after) == len(before) + 1
    # The draft is gone once ordered: the check page sends the person home.
    assert http.get("/order/check").headers["location"] == "/"

    cancelled = http.post(f"/orders/{placed.group(1)}/cancel", data={"csrf_token": form["csrf_token"]})
    assert cancelled.status_code == 303
    assert {o["id"]: o["status"] for o in orders_of_recipient(portal)}[placed.group(1)] == "CANCELLED"


def test_a_reload_keeps_what_was_typed(portal, browser_session, covered_listing) -> None:  # type: ignore[no-untyped-def]
    http = browser_session
    listing = http.get(f"/listings/{covered_listing}")
    bad = http.post(f"/listings/{covered_listing}/order", data={"csrf_token": csrf(listing.text), "quantity": "два"})
    assert bad.headers["location"] == f"/listings/{covered_listing}"
    for _ in range(2):  # the page after the redirect, and a reload of it
        page = http.get(f"/listings/{covered_listing}")
        assert 'value="два"' in page.text
        assert "govuk-error-summary" in page.text and 'href="#quantity"' in page.text
        assert 'aria-describedby="quantity-hint quantity-error"' in page.text
    # Another browser of the same account finds the draft too: it is kept on the server.
    with httpx.Client(base_url=portal.url, timeout=30) as other:
        form = other.get("/sign-in")
        other.post("/sign-in", data={"csrf_token": csrf(form.text), "username": "recipient",
                                     "password": DEMO_PASSWORD, "next": "/"})
        assert 'value="два"' in other.get(f"/listings/{covered_listing}").text
    assert orders_of_recipient(portal) == orders_of_recipient(portal)


def test_a_post_without_its_csrf_token_changes_nothing(portal, browser_session, covered_listing) -> None:  # type: ignore[no-untyped-def]
    http = browser_session
    before = orders_of_recipient(portal)
    for data in ({"quantity": "1"}, {"quantity": "1", "csrf_token": "0" * 64}):
        refused = http.post(f"/listings/{covered_listing}/order", data=data)
        assert refused.status_code == 403
    refused = http.post("/order/check", data={"csrf_token": "forged", "listing_id": covered_listing, "quantity": "1",
                                              "idempotency_key": "x" * 20, "entitlement_id": "x"})
    assert refused.status_code == 403
    assert http.post("/sign-out", data={}).status_code == 403
    assert http.get("/orders").status_code == 200  # still signed in
    # A token from another browser does not do either.
    with httpx.Client(base_url=portal.url, timeout=30) as stranger:
        token = csrf(stranger.get("/sign-in").text)
    assert http.post("/sign-out", data={"csrf_token": token}).status_code == 403
    assert orders_of_recipient(portal) == before
