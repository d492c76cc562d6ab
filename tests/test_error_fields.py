"""An error's field is mapped onto the GraphQL arguments of its root field (schema/core/fields.py)."""

from __future__ import annotations

import pytest

from marketplace.settings import Settings
from schema.core.fields import argument_paths, graphql_field, names_an_argument
from schema.schema import build_schema

SCHEMA = build_schema(Settings(secret_key="fields-" + "x" * 32))._schema


@pytest.mark.parametrize(("root", "given", "expected"), [
    ("confirmServiceHours", "logIds", "serviceLogIds"),            # the service's word for it
    ("createListing", "unitPrice", "input.unitPrice"),              # completed to the input path
    ("createListing", "region_ids", "input.regionIds"),             # a Python name, camelCased
    ("searchListings", "price_min", "filter.priceMin"),
    ("searchListings", "classifier_codes", "filter.classifierCodes"),
    ("submitApplication", "attachments.0.kind", "attachments.0.kind"),  # list positions kept
    ("submitApplication", "details.serviceForm", "details.serviceForm"),
    ("node", "listingId", "id"),                                     # the one id the client gave
    ("createListing", "no_such_thing", None),                        # never a name the client did not send
    ("createListing", None, None),
])
def test_fields_are_graphql_paths(root: str, given: str | None, expected: str | None) -> None:
    fields = {**SCHEMA.query_type.fields, **SCHEMA.mutation_type.fields}  # type: ignore[union-attr]
    mapped = graphql_field(given, fields[root], root)
    assert mapped == expected
    if mapped is not None:
        assert names_an_argument(mapped, argument_paths(fields[root]))
