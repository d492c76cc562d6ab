"""Records and entitlements over HTTP: each role sees its own scope only."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.identifiers import make_iin
from schema.core.ids import to_global_id
from tests import factories as f

MY_ENTITLEMENTS = "{ myEntitlements { id quantity reserved consumed balance classifierItem { code } } }"
ENTITLEMENTS = "query($p: ID!) { entitlements(personId: $p) { id balance } }"
RECORDS = "query($p: ID!) { disabilityRecords(personId: $p) { group nosologyCode status } }"
ISSUE = """
mutation($input: IssueEntitlementInput!) {
  issueEntitlement(input: $input) { entitlement { id quantity balance } errors { field code message } }
}
"""


async def test_recipient_sees_own_entitlements_with_balance(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.recipient_a_account.username)
    rows = (await api.data(MY_ENTITLEMENTS, token=token))["myEntitlements"]
    assert [r["id"] for r in rows] == [to_global_id("Entitlement", world.entitlement_a.id)]
    assert rows[0]["balance"] == "2.00" and rows[0]["classifierItem"]["code"] == world.item.code


@pytest.mark.parametrize("who", ["recipient_a", "provider_a", "officer_a"])
async def test_nobody_reads_entitlements_or_records_outside_scope(api, world, who):  # type: ignore[no-untyped-def]
    token = await api.login(getattr(world, f"{who}_account").username)
    other = {"p": to_global_id("Person", world.recipient_b.id)}
    for query in (ENTITLEMENTS, RECORDS):
        body = await api.execute(query, other, token=token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    node = await api.execute("query($id: ID!) { node(id: $id) { id } }",
                             {"id": to_global_id("Entitlement", world.entitlement_b.id)}, token=token)
    assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_officer_reads_own_region(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.officer_a_account.username)
    mine = {"p": to_global_id("Person", world.recipient_a.id)}
    assert (await api.data(ENTITLEMENTS, mine, token=token))["entitlements"][0]["balance"] == "2.00"
    assert (await api.data(RECORDS, mine, token=token))["disabilityRecords"][0]["status"] == "ACTIVE"


async def test_only_the_regions_officer_issues_entitlements(api, world):  # type: ignore[no-untyped-def]
    variables = {"input": {
        "personId": to_global_id("Person", world.recipient_a.id),
        "classifierItemId": to_global_id("ClassifierItem", world.item.id),
        "quantity": "3", "validFrom": str(f.today()), "validUntil": str(f.today().replace(year=f.today().year + 1)),
    }}
    for who, code in [("recipient_a", "FORBIDDEN"), ("provider_a", "FORBIDDEN"), ("officer_b", "NOT_FOUND")]:
        token = await api.login(getattr(world, f"{who}_account").username)
        payload = (await api.data(ISSUE, variables, token=token))["issueEntitlement"]
        assert payload["entitlement"] is None
        assert payload["errors"][0]["code"] == code, (who, payload)
    anonymous = (await api.data(ISSUE, variables))["issueEntitlement"]
    assert anonymous["errors"][0]["code"] == "UNAUTHENTICATED"


PERSON_BY_IIN = "query($iin: String!) { personByIin(iin: $iin) { id iin fullName } }"


async def test_an_officer_finds_a_person_of_the_region_by_iin(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.officer_a_account.username)
    found = (await api.data(PERSON_BY_IIN, {"iin": world.recipient_a.iin}, token=token))["personByIin"]
    assert found["id"] == to_global_id("Person", world.recipient_a.id) and found["iin"] == world.recipient_a.iin
    # Another region's person answers as one never registered; a malformed IIN says why.
    for iin, code in [(world.recipient_b.iin, "NOT_FOUND"), (make_iin(dt.date(1970, 1, 1), "M", 9999), "NOT_FOUND"),
                      (world.recipient_a.iin[:-1] + str((int(world.recipient_a.iin[-1]) + 1) % 10), "INVALID_IIN"),
                      ("12345", "INVALID_IIN")]:
        body = await api.execute(PERSON_BY_IIN, {"iin": iin}, token=token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == code, (iin, body)
    for who in ("recipient_a", "provider_a"):
        body = await api.execute(PERSON_BY_IIN, {"iin": world.recipient_a.iin},
                                 token=await api.login(getattr(world, f"{who}_account").username))
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
