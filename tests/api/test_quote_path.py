"""A custom item over HTTP, end to end: the recipient asks for a price, the provider quotes and
revises, the officer's queue shows the due date, the officer approves the revision read, the
recipient orders at the approved price; every refusal typed and changing nothing."""

from __future__ import annotations

from typing import Any

from marketplace.quotes.models import Quote
from schema.core.ids import to_global_id
from tests.graphql_client import GraphQLClient
from tests.quotes.world import QuoteWorld

ERR = "errors { field code message }"
FIELDS = ("id status quantity unitPrice leadTimeDays specification revision approvedUnitPrice stateShare coPayment "
          "dueDate isOverdue rejectReason listing { id } provider { name } classifierItem { code } "
          "entitlement { id } recipient { fullName } order { id status }")
REQUEST = f"""mutation($l: ID!, $e: ID!) {{ requestQuote(listingId: $l, entitlementId: $e, quantity: "1",
  note: "Левая кисть, замеры дома") {{ quote {{ {FIELDS} }} {ERR} }} }}"""
SUBMIT = f"""mutation($q: ID!, $p: Decimal!) {{ submitQuote(quoteId: $q, unitPrice: $p, leadTimeDays: 30,
  specification: "Модульный протез кисти, 6 схватов") {{ quote {{ {FIELDS} }} {ERR} }} }}"""
QUEUE = f"""query($s: QuoteStatus) {{ quotes(status: $s, first: 10) {{ edges {{ node {{ {FIELDS} }} }}
  pageInfo {{ hasNextPage }} totalCount }} }}"""
APPROVE = f"""mutation($q: ID!, $r: Int) {{ approveQuote(quoteId: $q, revision: $r) {{ quote {{ {FIELDS} }} {ERR} }} }}"""
REJECT = f"""mutation($q: ID!) {{ rejectQuote(quoteId: $q, reason: "Цена завышена") {{ quote {{ id }} {ERR} }} }}"""
ORDER = f"""mutation($q: ID!, $k: String!) {{ placeOrder(quoteId: $q, idempotencyKey: $k) {{
  order {{ id status unitPrice priceCap total stateShare coPayment listing {{ id }} }} {ERR} }} }}"""
PLAIN_ORDER = f"""mutation {{ placeOrder(idempotencyKey: "k") {{ order {{ id }} {ERR} }} }}"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Quote { status } } }"


async def _tokens(api: GraphQLClient, qw: QuoteWorld) -> dict[str, str]:
    w = qw.w
    names = {"recipient": w.recipient_a_account, "other_recipient": w.recipient_b_account,
             "provider": w.provider_a_account, "other_provider": w.provider_b_account,
             "officer": w.officer_a_account, "other_officer": w.officer_b_account, "admin": w.admin_account}
    return {k: await api.login(a.username) for k, a in names.items()}


def _payload(data: dict[str, Any], name: str) -> dict[str, Any]:
    return data[name]


async def test_a_quote_over_http(api: GraphQLClient, qw: QuoteWorld) -> None:  # noqa: F811
    t = await _tokens(api, qw)
    listing, ent = to_global_id("Listing", qw.listing_a.id), to_global_id("Entitlement", qw.entitlement_a.id)

    for who, code in (("provider", "FORBIDDEN"), ("other_recipient", "NOT_FOUND"), ("officer", "FORBIDDEN")):
        got = (await api.data(REQUEST, {"l": listing, "e": ent}, t[who]))["requestQuote"]
        assert [e["code"] for e in got["errors"]] == [code] and got["quote"] is None, who
    asked = (await api.data(REQUEST, {"l": listing, "e": ent}, t["recipient"]))["requestQuote"]
    assert asked["errors"] == []
    q = asked["quote"]
    assert (q["status"], q["unitPrice"], q["revision"], q["recipient"]["fullName"]) == (
        "REQUESTED", None, 0, qw.w.recipient_a.full_name)
    again = (await api.data(REQUEST, {"l": listing, "e": ent}, t["recipient"]))["requestQuote"]
    assert [e["code"] for e in again["errors"]] == ["DUPLICATE"]

    # The provider sees the request (not the entitlement) and quotes; a bad price is typed.
    requests = (await api.data(QUEUE, {"s": "REQUESTED"}, t["provider"]))["quotes"]["edges"]
    assert [e["node"]["id"] for e in requests] == [q["id"]] and requests[0]["node"]["entitlement"] is None
    assert (await api.data(QUEUE, {"s": "REQUESTED"}, t["other_provider"]))["quotes"]["edges"] == []
    for price, code in (("-1", "OUT_OF_RANGE"), ("0.001", "INVALID")):
        bad = (await api.data(SUBMIT, {"q": q["id"], "p": price}, t["provider"]))["submitQuote"]
        assert [(e["field"], e["code"]) for e in bad["errors"]] == [("unitPrice", code)]
    other = (await api.data(SUBMIT, {"q": q["id"], "p": "1450000"}, t["other_provider"]))["submitQuote"]
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    quoted = (await api.data(SUBMIT, {"q": q["id"], "p": "1500000"}, t["provider"]))["submitQuote"]["quote"]
    revised = (await api.data(SUBMIT, {"q": q["id"], "p": "1450000"}, t["provider"]))["submitQuote"]["quote"]
    assert (quoted["revision"], revised["revision"], revised["unitPrice"]) == (1, 2, "1450000.00")

    # The officer's queue: due date, not overdue; another region's officer sees nothing of it.
    officer_queue = (await api.data(QUEUE, {"s": "QUOTED"}, t["officer"]))["quotes"]
    assert officer_queue["totalCount"] == 1
    queue = officer_queue["edges"]
    node = queue[0]["node"]
    assert (node["id"], node["dueDate"], node["isOverdue"], node["stateShare"]) == (
        q["id"], revised["dueDate"], False, "1450000.00")
    assert (await api.data(QUEUE, {"s": "QUOTED"}, t["other_officer"]))["quotes"]["edges"] == []
    for who, code in (("other_officer", "NOT_FOUND"), ("admin", "FORBIDDEN"), ("provider", "FORBIDDEN")):
        got = (await api.data(APPROVE, {"q": q["id"], "r": 2}, t[who]))["approveQuote"]
        assert [e["code"] for e in got["errors"]] == [code], who
    stale = (await api.data(APPROVE, {"q": q["id"], "r": 1}, t["officer"]))["approveQuote"]
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("revision", "INVALID_TRANSITION")]
    approved = (await api.data(APPROVE, {"q": q["id"], "r": 2}, t["officer"]))["approveQuote"]
    assert approved["errors"] == [] and approved["quote"]["status"] == "APPROVED"
    assert approved["quote"]["coPayment"] == "0.00"
    twice = (await api.data(REJECT, {"q": q["id"]}, t["officer"]))["rejectQuote"]
    assert [e["code"] for e in twice["errors"]] == ["ALREADY_DECIDED"]

    # Ordered at the approved price; the same key again answers the same order.
    for who, code in (("other_recipient", "NOT_FOUND"), ("provider", "FORBIDDEN")):
        got = (await api.data(ORDER, {"q": q["id"], "k": "hand-1"}, t[who]))["placeOrder"]
        assert [e["code"] for e in got["errors"]] == [code], who
    placed = (await api.data(ORDER, {"q": q["id"], "k": "hand-1"}, t["recipient"]))["placeOrder"]
    assert placed["errors"] == []
    order = placed["order"]
    assert (order["status"], order["unitPrice"], order["priceCap"], order["stateShare"], order["coPayment"],
            order["listing"]["id"]) == ("PLACED", "1450000.00", "1450000.00", "1450000.00", "0.00", listing)
    same = (await api.data(ORDER, {"q": q["id"], "k": "hand-1"}, t["recipient"]))["placeOrder"]["order"]
    assert same["id"] == order["id"]
    second = (await api.data(ORDER, {"q": q["id"], "k": "hand-2"}, t["recipient"]))["placeOrder"]
    assert [e["code"] for e in second["errors"]] == ["INVALID_TRANSITION"]
    seen = (await api.data(NODE, {"id": q["id"]}, t["recipient"]))["node"]
    assert seen == {"id": q["id"], "status": "ORDERED"}
    hidden = await api.execute(NODE, {"id": q["id"]}, t["other_recipient"])
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    mine = (await api.data(QUEUE, {"s": "ORDERED"}, t["recipient"]))["quotes"]["edges"][0]["node"]
    assert mine["order"] == {"id": order["id"], "status": "PLACED"}


async def test_placeorder_without_a_listing_or_a_quote_is_typed(api: GraphQLClient, qw: QuoteWorld) -> None:  # noqa: F811
    token = await api.login(qw.w.recipient_a_account.username)
    got = (await api.data(PLAIN_ORDER, {}, token))["placeOrder"]
    assert [(e["field"], e["code"]) for e in got["errors"]] == [("listingId", "REQUIRED")]
    bad = (await api.data(ORDER, {"q": to_global_id("Listing", qw.listing_a.id), "k": "x"}, token))["placeOrder"]
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("quoteId", "NOT_FOUND")]
    assert await qw.count(Quote) == 0
