"""Facet values are values the filter takes: each one given back to ``filter`` (in the field the
facet names) narrows the search to exactly the hits the facet counted, on Meilisearch and on the
database fallback."""

from __future__ import annotations

from decimal import Decimal

from graphql import GraphQLList, GraphQLNonNull, get_named_type

from marketplace.catalog.models import DeliveryOption
from marketplace.settings import Settings
from schema.schema import build_schema
from search.settings import FACETS
from tests import factories as f

QUERY = """query($f: ListingFilter) { searchListings(query: "", filter: $f, first: 0) {
  totalCount facets { name filter values { value count } } } }"""


def _filter_fields() -> dict[str, object]:
    return build_schema(Settings(secret_key="facets"))._schema.get_type("ListingFilter").fields  # type: ignore[union-attr]


def _as_filter(field_type: object, value: str) -> object:
    """The value as the filter field's GraphQL type takes it."""
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(inner, GraphQLList):
        return [value]
    if get_named_type(inner).name == "Boolean":  # type: ignore[arg-type]
        assert value in ("true", "false")
        return value == "true"
    return value


async def test_every_facet_value_fed_back_narrows_to_its_count(search_api, db):  # type: ignore[no-untyped-def]  # noqa: F811
    async with db.transaction() as s:
        w = await f.build_world(s)
        other = await f.classifier_item(s)
        await f.listing(s, w.provider_a, other, [w.region_a, w.region_b], unit_price=Decimal("1000"), stock=0,
                        delivery_options=[DeliveryOption.PICKUP.value])
    await search_api.sync_index()
    everything = (await search_api.data(QUERY))["searchListings"]
    total = everything["totalCount"]
    facets = everything["facets"]
    assert sorted(fc["name"] for fc in facets) == sorted(FACETS)
    fields = _filter_fields()
    tried = 0
    for fc in facets:
        assert fc["filter"] in fields, fc
        for value in fc["values"]:
            wanted = {fc["filter"]: _as_filter(fields[fc["filter"]].type, value["value"])}  # type: ignore[attr-defined]
            body = await search_api.execute(QUERY, {"f": wanted})
            assert not body.get("errors"), (fc["name"], value, body)
            narrowed = body["data"]["searchListings"]
            assert narrowed["totalCount"] == value["count"], (fc["name"], value, narrowed["totalCount"])
            tried += 1
    assert tried >= 10 and total >= 3
    regions = next(fc for fc in facets if fc["name"] == "region_ids")
    assert len(regions["values"]) == 2 and all(v["value"].isascii() and not v["value"].isdigit()
                                               for v in regions["values"])  # global ids, not "1".."20"
