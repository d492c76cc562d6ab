"""Sanatorium with a companion over HTTP: the child's line with a companion covers the companion
course in search and pays for it in placeOrder, with the course's start date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.catalog.models import ItemCategory, ItemKind, SearchOutbox, Unit
from marketplace.records.models import DisabilityGroup
from schema.core.ids import to_global_id
from tests import factories as f

SEARCH = """query($p: ID) { searchListings(query: "", forPersonId: $p) {
  edges { node { listing { id } coverage { covered statePays youPay reason entitlementId } } } } }"""
PLACE = """mutation($l: ID!, $e: ID!, $k: String!, $start: Date) {
  placeOrder(listingId: $l, entitlementId: $e, quantity: "1", idempotencyKey: $k, courseStartsOn: $start) {
    order { id courseStartsOn stateShare coPayment } errors { field code message } } }"""
TODAY = f.today()


@pytest.fixture
async def family(db):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        region = await f.region(s)
        base = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.COURSE, category=ItemCategory.SANATORIUM,
                                       price_cap=Decimal("320000.00"), name_ru="Санаторий")
        variant = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.COURSE,
                                          category=ItemCategory.SANATORIUM, price_cap=Decimal("540000.00"),
                                          companion_variant_of_id=base.id, name_ru="Санаторий с сопровождающим")
        parent = await f.person(s, region)
        await f.disability_record(s, parent, group=DisabilityGroup.II)
        child = await f.person(s, region, legal_representative_id=parent.id)
        await f.disability_record(s, child, group=DisabilityGroup.CHILD)
        child_line = await f.entitlement(s, child, base, with_companion=True, valid_from=TODAY - dt.timedelta(days=5),
                                         valid_until=TODAY + dt.timedelta(days=60))
        await f.entitlement(s, parent, base, valid_from=TODAY - dt.timedelta(days=5),
                            valid_until=TODAY + dt.timedelta(days=60))
        provider = await f.provider(s, [region])
        listing = await f.listing(s, provider, variant, [region], unit_price=Decimal("500000.00"),
                                  delivery_options=["AT_PROVIDER"])
        s.add(SearchOutbox(entity="listing", entity_id=listing.id))
        account = await f.account(s, Role.RECIPIENT, person_id=parent.id)
    return {"child": child, "line": child_line, "listing": listing, "account": account}


async def test_the_childs_companion_course_is_covered_and_ordered(search_api, family):  # type: ignore[no-untyped-def]  # noqa: F811
    await search_api.sync_index()
    token = await search_api.login(family["account"].username)
    listing_id = to_global_id("Listing", family["listing"].id)

    def coverage(data):  # type: ignore[no-untyped-def]
        return {e["node"]["listing"]["id"]: e["node"]["coverage"] for e in data["searchListings"]["edges"]}[listing_id]

    for_child = coverage(await search_api.data(SEARCH, {"p": to_global_id("Person", family["child"].id)}, token=token))
    assert for_child == {"covered": True, "statePays": "500000.00", "youPay": "0.00", "reason": None,
                         "entitlementId": to_global_id("Entitlement", family["line"].id)}
    # The parent's own line has no companion: the companion course is not theirs.
    own = coverage(await search_api.data(SEARCH, {"p": None}, token=token))
    assert own["covered"] is False and own["reason"] == "NO_ENTITLEMENT"

    variables = {"l": listing_id, "e": to_global_id("Entitlement", family["line"].id), "k": "course-1"}
    missing = (await search_api.data(PLACE, variables, token=token))["placeOrder"]
    assert missing["order"] is None and [(e["field"], e["code"]) for e in missing["errors"]] == [
        ("courseStartsOn", "REQUIRED")]
    late = (await search_api.data(PLACE, {**variables, "k": "course-2",
                                          "start": str(TODAY + dt.timedelta(days=50))}, token=token))["placeOrder"]
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("courseStartsOn", "OUT_OF_RANGE")]
    start = str(TODAY + dt.timedelta(days=20))
    ok = (await search_api.data(PLACE, {**variables, "k": "course-3", "start": start}, token=token))["placeOrder"]
    assert ok["errors"] == [] and ok["order"]["courseStartsOn"] == start
    assert (ok["order"]["stateShare"], ok["order"]["coPayment"]) == ("500000.00", "0.00")
