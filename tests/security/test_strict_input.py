"""Inputs read strictly, refused before any work: lone surrogates in any text, long lists,
forged cursors, ids, decimals and times written loosely, phone numbers (issue 12).

Every refusal is typed (INVALID or OUT_OF_RANGE), never INTERNAL, and changes nothing.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from graphql import GraphQLScalarType, get_named_type
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.syntax import calendar_date, exact_decimal, local_time, positive_integer
from schema.core.inputs import MAX_LIST_ITEMS
from search.contract import ListingFilter, MAX_FILTER_VALUES
from tests.graphql_client import GraphQLClient
from tests.security.hostile import STATS, put, slots
from tests.security.scene import Scene, gid
from tests.security.test_hostile_input import ROOTS, VALID, document
from tests.security.test_limits import CONNECTIONS, connection_call

LONE = "\ud800"


async def post(client: GraphQLClient, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    """As a client sends it: JSON with ``\\ud800`` escapes (httpx would refuse to encode a lone surrogate)."""
    headers = {"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})}
    return await client.http.post("/graphql", content=json.dumps({"query": query, "variables": variables}),
                                  headers=headers)


def error_code(body: dict[str, Any], name: str | None = None) -> str | None:
    """The refusal's code: a top-level error's, or the mutation payload's first."""
    if body.get("errors"):
        return body["errors"][0].get("extensions", {}).get("code")
    if name is not None and body.get("data", {}).get(name, {}).get("errors"):
        return body["data"][name]["errors"][0]["code"]
    return None


async def audit_count(scene: Scene) -> int:
    async with scene.db.session() as s:
        return int((await s.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


def text_slots(name: str, variables: dict[str, Any]) -> list[tuple[Any, ...]]:
    field = ROOTS["mutation"].fields[name]
    found = []
    for arg, a in field.args.items():
        for path, gtype in slots(variables.get(arg), a.type, (arg,)):
            named = get_named_type(gtype)
            if isinstance(named, GraphQLScalarType) and named.name in ("String", "ID"):
                found.append(path)
    return found


@pytest.mark.parametrize("name", sorted(VALID))
async def test_a_lone_surrogate_in_any_text_is_invalid(client: GraphQLClient, scene: Scene, name: str) -> None:
    """Every String or ID input of every mutation, given "\\ud800" (valid JSON, no valid text)."""
    role, build = VALID[name]
    token = await scene.token(role)
    for path in text_slots(name, await build(scene, "a")):
        variables = await build(scene, "a")
        put(variables, path, f"a{LONE}b")
        before = await audit_count(scene)
        STATS["hostile values"] += 1
        response = await post(client, document("mutation", name), variables, token)
        body = response.json()
        assert response.status_code == 200 and body.get("data") is None, (name, path, response.text[:300])
        assert error_code(body) == "INVALID", (name, path, body)
        assert await audit_count(scene) == before  # nothing happened


async def test_lone_surrogates_in_queries_and_literals(client: GraphQLClient, scene: Scene) -> None:
    token = await scene.token("recipient")
    search = "query($q: String!) { searchListings(query: $q) { totalCount } }"
    for value in (LONE, "\udfff", f"кресло{LONE}", "\udc00\ud800"):
        body = (await post(client, search, {"q": value}, token)).json()
        assert error_code(body) == "INVALID" and body["data"] is None, body
    literal = json.dumps({"query": '{ searchListings(query: "x\\ud800") { totalCount } }'})
    response = await client.http.post("/graphql", content=literal, headers={"content-type": "application/json"})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID", response.text
    paired = await client.execute(search, {"q": "\U0001F600"}, token=token)  # a pair (an emoji) is text
    assert not paired.get("errors"), paired


async def test_every_list_is_bounded_before_any_work(client: GraphQLClient, scene: Scene) -> None:
    """40,000 classifier codes (the attack: seconds of quadratic de-duplication): refused first."""
    search = "query($f: ListingFilter) { searchListings(query: \"\", filter: $f) { totalCount } }"
    for codes in ([f"C{n}" for n in range(40_000)], ["C1"] * (MAX_LIST_ITEMS + 1)):
        body = await client.execute(search, {"f": {"classifierCodes": codes}})
        assert body["data"] is None and error_code(body) == "OUT_OF_RANGE", str(body)[:300]
    body = await client.execute(search, {"f": {"classifierCodes": ["C1"] * (MAX_FILTER_VALUES + 1)}})
    assert error_code(body) == "OUT_OF_RANGE" and "100" in body["errors"][0]["message"], body
    # The domain's own bound holds for any caller, before the de-duplication.
    with pytest.raises(Exception, match="At most 100 values"):
        ListingFilter(classifier_codes=tuple(f"C{n}" for n in range(40_000)))
    with pytest.raises(Exception, match="At most 100 values"):
        ListingFilter(region_ids=tuple(range(1, 40_000)))
    ok = await client.execute(search, {"f": {"classifierCodes": ["C1"] * MAX_FILTER_VALUES}})
    assert not ok.get("errors"), ok


def forged(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


FORGED_CURSORS: list[list[Any]] = [
    [2**31], [2**40], [2**63 + 5], [-(2**40)], [1.5], [None], [True], [[1]], [{"a": 1}],
    ["2026-01-01", 2**40], ["2026-01-01T00:00:00+00:00", 2**40], ["2026-01-01", 2**31], [2**40, 2**40],
    ["x" * 100], [],
]


@pytest.mark.parametrize("name", sorted(CONNECTIONS))
async def test_forged_cursors_are_invalid_on_every_connection(client: GraphQLClient, scene: Scene, name: str) -> None:
    token, call = await connection_call(scene, name, "first: 5, after: $after")
    query = f"query($after: String) {{ {call} {{ pageInfo {{ hasNextPage }} }} }}"
    for values in FORGED_CURSORS:
        body = await client.execute(query, {"after": forged(values)}, token=token)
        STATS["hostile values"] += 1
        code = error_code(body)
        if code is None and name == "notifications" and values in ([2**40], [2**31], [-(2**40)]):
            continue  # notification ids are bigint: a cursor past every row, an empty page
        if code is None and values == []:
            continue  # an empty cursor is "from the start" for some lists
        assert code in {"INVALID", "OUT_OF_RANGE"}, (name, values, body)


def test_one_strict_reading_of_ids_decimals_and_times() -> None:
    for loose in (" 1", "1 ", "+1", "01", "0", "-1", "1_0", "١", "１", "1.0", "", "1e3", "١٢"):
        with pytest.raises(ValueError):
            positive_integer(loose)
    assert positive_integer("17") == 17
    for loose in ("١", "１", "1_0", " 1", "1e2", "NaN", "Infinity", "0x10", "1.", ".5", "--1", True, "1,5"):
        with pytest.raises(ValueError):
            exact_decimal(loose)
    assert str(exact_decimal("12.50")) == "12.50" and exact_decimal(3) == 3
    for loose in ("03:00+05:00", "03:00Z", "3:00", "24:00", "03:00:00.0000001", "０３:００", "T03:00"):
        with pytest.raises(ValueError):
            local_time(loose)
    assert local_time("09:30").hour == 9
    for loose in ("20260301", "2026-W10-1", "2026-3-1", "２０２６-03-01"):
        with pytest.raises(ValueError):
            calendar_date(loose)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_loose_ids_quantities_and_times_are_refused_over_graphql(client: GraphQLClient, scene: Scene) -> None:
    token = await scene.token("recipient")
    order = await scene.order("a")
    query = "query($id: ID!) { order(id: $id) { id } }"
    for raw in (f"Order: {order.id}", f"Order:{order.id} ", "Order:١", f"Order:{order.id}_0", f"Order:0{order.id}",
                f"order:{order.id}", f":{order.id}"):
        body = await client.execute(query, {"id": base64.urlsafe_b64encode(raw.encode()).decode()}, token=token)
        assert error_code(body) in {"INVALID", "NOT_FOUND"} and body["data"] is None, (raw, body)
    assert (await client.execute(query, {"id": gid("Order", order.id)}, token=token))["data"]["order"]

    sd = scene.sides["a"]
    place = ("mutation($q: Decimal!, $k: String!) { placeOrder(listingId: \"%s\", entitlementId: \"%s\", "
             "quantity: $q, idempotencyKey: $k) { order { id } errors { code } } }"
             % (gid("Listing", sd.listing.id), gid("Entitlement", sd.entitlement.id)))
    before = await audit_count(scene)
    for n, quantity in enumerate(("١", "１", "1_0", "1e0", " 1", "NaN")):
        body = await client.execute(place, {"q": quantity, "k": f"strict-{n}"}, token=token)
        assert error_code(body, "placeOrder") == "INVALID", (quantity, body)
    assert await audit_count(scene) == before

    role, build = VALID["logServiceHours"]
    log = document("mutation", "logServiceHours")
    for start in ("03:00+05:00", "03:00Z", "3:00", "１１:00"):
        variables = await build(scene, "a")
        before = await audit_count(scene)
        body = await client.execute(log, {**variables, "startTime": start}, token=await scene.token(role))
        assert error_code(body, "logServiceHours") == "INVALID", (start, body)
        assert await audit_count(scene) == before


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_persons_phone_is_checked_like_a_providers(client: GraphQLClient, scene: Scene) -> None:
    register = ("mutation($p: String) { registerPerson(input: {iin: \"%s\", lastName: \"Ахметова\", firstName: \"Дана\", "
                "regionId: \"%s\", phone: $p}) { person { id } errors { code field } } }")
    token = await scene.token("officer")
    region = gid("Region", scene.sides["a"].region.id)
    for phone in ("not a phone", "123", "+7 701 555 12 34 56 78 90", "<script>", "+7 (701) 555-12-34 ext"):
        body = await client.execute(register % (scene.iin(), region), {"p": phone}, token=token)
        assert body["data"]["registerPerson"]["errors"] == [{"code": "INVALID", "field": "input.phone"}], (phone, body)
    body = await client.execute(register % (scene.iin(), region), {"p": "+7 701 555 12 34"}, token=token)
    assert body["data"]["registerPerson"]["errors"] == [], body


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_every_refusal_of_a_malformed_document_has_a_code(client: GraphQLClient) -> None:
    """Syntax errors, unknown fields, and graphql-core's "Validation aborted." (past 100 errors)."""
    for query in ("{ regions { code }", "{ regions { nope } }", "{ " + " ".join(f"f{n}" for n in range(150)) + " }",
                  "query { regions { code } } query { regions { code } }", ""):
        response = await client.post(query)
        body = response.json()
        assert body.get("data") is None and body["errors"], (query[:40], response.text[:300])
        assert all(e.get("extensions", {}).get("code") for e in body["errors"]), (query[:40], response.text[:500])
    aborted = (await client.post("{ " + " ".join(f"f{n}" for n in range(150)) + " }")).json()["errors"]
    assert any("Validation aborted" in e["message"] for e in aborted)
