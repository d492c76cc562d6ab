"""Every operation the portal's pages run is valid against the schema (a renamed field fails
here, not in front of a person), and is named after its file."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from marketplace.settings import Settings
from schema.schema import build_schema
from web.operations import DIRECTORY, load_operations


@pytest.fixture(scope="module")
def graphql_schema():  # type: ignore[no-untyped-def]
    return build_schema(Settings(demo=True))._schema


def test_there_are_operations() -> None:
    assert {"SignIn", "Home", "SearchListings", "Listing", "PlaceOrder", "MyOrders", "Order"} <= set(load_operations())


@pytest.mark.parametrize("name", sorted(load_operations()))
def test_operation_is_valid(graphql_schema, name: str) -> None:  # type: ignore[no-untyped-def]
    errors = validate(graphql_schema, parse(load_operations()[name]))
    assert [e.message for e in errors] == []


def test_a_file_must_hold_the_operation_it_is_named_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "Home.graphql").write_text("query Other { me { id } }")
    with pytest.raises(ValueError, match="Home.graphql"):
        load_operations(tmp_path)
    assert DIRECTORY.is_dir()
