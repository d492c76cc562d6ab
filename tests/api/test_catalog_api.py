"""The listing lifecycle over HTTP, with the refusals each role meets."""

from __future__ import annotations

from schema.core.ids import to_global_id

ERR = "errors { field code message }"
CREATE = f"""mutation($input: CreateListingInput!) {{ createListing(input: $input) {{
  listing {{ id status title(language: EN) unitPrice regions {{ code }} }} {ERR} }} }}"""
SUBMIT = f"mutation($id: ID!) {{ submitListing(listingId: $id) {{ listing {{ status }} {ERR} }} }}"
REVIEW = f"""mutation($id: ID!, $d: ReviewDecision!, $r: String) {{ reviewListing(listingId: $id, decision: $d, reason: $r) {{
  listing {{ status reviewNote }} {ERR} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateListingInput!) {{ updateListing(listingId: $id, input: $input) {{
  listing {{ status unitPrice stock version }} {ERR} }} }}"""
LISTING = "query($id: ID!) { listing(id: $id) { status provider { name } classifierItem { code } } }"


async def test_listing_from_draft_to_published_and_back_to_review(api, world):  # type: ignore[no-untyped-def]
    provider, officer, other_officer, other_provider, recipient = await api.logins(
        world, "provider_a", "officer_a", "officer_b", "provider_b", "recipient_a")
    new = {"input": {
        "classifierItemId": to_global_id("ClassifierItem", world.item.id), "unitPrice": "180000.00",
        "regionIds": [to_global_id("Region", world.region_a.id)], "deliveryOptions": ["HOME_DELIVERY"],
        "leadTimeDays": 7, "stock": 4, "titleRu": "Кресло-коляска Ortonica", "titleEn": "Ortonica wheelchair",
    }}
    refused = (await api.data(CREATE, new, token=recipient))["createListing"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    bad = {"input": {**new["input"], "unitPrice": "-5", "regionIds": [to_global_id("Region", world.region_b.id)]}}
    refused = (await api.data(CREATE, bad, token=provider))["createListing"]
    assert {e["field"] for e in refused["errors"]} >= {"input.unitPrice", "input.regionIds"}

    created = (await api.data(CREATE, new, token=provider))["createListing"]
    assert created["errors"] == [] and created["listing"]["status"] == "DRAFT"
    listing_id = created["listing"]["id"]
    assert created["listing"]["title"] == "Ortonica wheelchair"

    anonymous = await api.execute(LISTING, {"id": listing_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # a draft is not public
    assert (await api.data(SUBMIT, {"id": listing_id}, token=other_provider))["submitListing"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.data(SUBMIT, {"id": listing_id}, token=provider))["submitListing"]["listing"]["status"] == "PENDING_REVIEW"

    no_reason = (await api.data(REVIEW, {"id": listing_id, "d": "REJECT"}, token=officer))["reviewListing"]
    assert no_reason["errors"][0]["code"] == "REQUIRED"
    outside = (await api.data(REVIEW, {"id": listing_id, "d": "APPROVE"}, token=other_officer))["reviewListing"]
    assert outside["errors"][0]["code"] == "NOT_FOUND"
    own = (await api.data(REVIEW, {"id": listing_id, "d": "APPROVE"}, token=provider))["reviewListing"]
    assert own["errors"][0]["code"] == "FORBIDDEN"
    approved = (await api.data(REVIEW, {"id": listing_id, "d": "APPROVE"}, token=officer))["reviewListing"]
    assert approved["listing"]["status"] == "PUBLISHED"
    assert (await api.data(LISTING, {"id": listing_id}))["listing"]["status"] == "PUBLISHED"

    stock = (await api.data(UPDATE, {"id": listing_id, "input": {"stock": 9}}, token=provider))["updateListing"]
    assert stock["listing"]["status"] == "PUBLISHED" and stock["listing"]["stock"] == 9
    price = (await api.data(UPDATE, {"id": listing_id, "input": {"unitPrice": "190000"}}, token=provider))["updateListing"]
    assert price["listing"]["status"] == "PENDING_REVIEW" and price["listing"]["unitPrice"] == "190000.00"
    wrong = (await api.data(SUBMIT, {"id": listing_id}, token=provider))["submitListing"]
    assert wrong["errors"][0]["code"] == "INVALID_TRANSITION"
