"""schema/core/execution.py: plain leaf fields read directly give exactly graphql-core's answers."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type, is_leaf_type
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.core.execution import direct_resolvers, plain_fields, plain_fields_executor, strawberry_execution
from schema.core.ids import to_global_id
from tests import factories as f



@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Hidden(BasePermission):
    message = "hidden"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Thing:
    name: str
    count: int
    price: Decimal | None
    colour: Colour  # type: ignore[valid-type]
    tags: list[str]
    maybe_tags: list[str | None] | None
    secret: str | None = strawberry.field(permission_classes=[Hidden])

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def named(self, prefix: str = "") -> str:
        return prefix + self.name

    @strawberry.field
    def greet(self, info: strawberry.Info, colour: Colour | None = None) -> str:  # type: ignore[valid-type]
        return f"{info.path.key}:{self.name}:{colour.value if colour else '-'}"


def _thing(**changes: Any) -> Thing:
    values: dict[str, Any] = dict(name="chair", count=2, price=Decimal("1.50"), colour=Colour.RED, tags=["a", "b"],
                                  maybe_tags=["x", None], secret="s")
    values.update(changes)
    return Thing(**values)


def _schema(things: list[Thing], *, extensions: list[Any] = (), plain: bool = True) -> strawberry.Schema:
    """A small schema of ``things``: run directly (``plain``) or by strawberry's own executor."""
    @strawberry.type
    class Query:
        @strawberry.field
        def things(self) -> list[Thing]:
            return things

        @strawberry.field
        async def later(self) -> list[Thing]:
            return things

    schema = strawberry.Schema(query=Query, extensions=list(extensions))
    if plain:
        schema.execution_context_class = plain_fields_executor(schema._schema)
        assert direct_resolvers(schema) == 3  # Query.things, Thing.shout, Thing.greet (not named: "" default)
    return schema


ALL = """{ things { name count price colour tags maybeTags shout named(prefix: "a-") secret
                    greet g1: greet(colour: null) g2: greet(colour: BLUE) } }"""


async def _both(things: list[Thing], query: str, **kwargs: Any) -> tuple[Any, Any]:
    direct = await _schema(things, plain=True, **kwargs).execute(query)
    core = await _schema(things, plain=False, **kwargs).execute(query)
    return direct, core


def _same(direct: Any, core: Any) -> None:
    assert direct.data == core.data
    assert [(e.message, e.path) for e in direct.errors or []] == [(e.message, e.path) for e in core.errors or []]


def test_only_fields_without_resolver_extension_or_arguments_are_plain() -> None:
    plans = plain_fields(_schema([])._schema)["Thing"]
    assert set(plans) == {"name", "count", "price", "colour", "tags", "maybeTags"}
    assert plans["tags"].is_list and plans["tags"].item_non_null and plans["tags"].non_null
    assert plans["maybeTags"].is_list and not plans["maybeTags"].item_non_null and not plans["maybeTags"].non_null
    assert plans["maybeTags"].attribute == "maybe_tags"


async def test_the_answer_and_the_refusals_are_graphql_cores() -> None:
    direct, core = await _both([_thing(), _thing(name="bed", price=None, maybe_tags=None)], ALL)
    _same(direct, core)
    assert direct.data["things"][0] == {"name": "chair", "count": 2, "price": "1.50", "colour": "RED",
                                        "tags": ["a", "b"], "maybeTags": ["x", None], "shout": "CHAIR",
                                        "named": "a-chair", "secret": None,
                                        "greet": "greet:chair:-", "g1": "g1:chair:-", "g2": "g2:chair:blue"}
    assert [e.message for e in direct.errors] == ["hidden", "hidden"]  # the permission still runs


@pytest.mark.parametrize("bad", [
    {"name": None},            # null where the type says non-null
    {"count": "many"},         # a value the type refuses
    {"count": 2**40},          # out of Int's range
    {"tags": ["a", None]},     # a null item in a list of non-null items
    {"tags": "ab"},            # not a list
    {"colour": "GREEN"},       # not one of the enum's values
])
async def test_a_value_the_type_refuses_gets_graphql_cores_error(bad: dict[str, Any]) -> None:
    direct, core = await _both([_thing(), _thing(**bad)], ALL)
    assert core.errors, bad
    _same(direct, core)


async def test_order_aliases_repeats_directives_and_async_parents_are_kept() -> None:
    query = """{ later { b: name shout a: count name @include(if: true) colour @skip(if: true) ...F } }
               fragment F on Thing { count tags }"""
    direct, core = await _both([_thing()], query)
    _same(direct, core)
    assert list(direct.data["later"][0]) == ["b", "shout", "a", "name", "count", "tags"]


async def test_a_resolve_middleware_sees_every_field() -> None:
    class Upper(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            value = _next(root, info, *args, **kwargs)
            return value.upper() if isinstance(value, str) else value

    direct, core = await _both([_thing()], "{ things { name } }", extensions=[Upper])
    _same(direct, core)
    assert direct.data == {"things": [{"name": "CHAIR"}]}


def _selection(kind: GraphQLObjectType, depth: int) -> str:
    """Every field of ``kind`` that needs no argument: leaves, and objects ``depth`` levels down."""
    parts = []
    for name, field in kind.fields.items():
        if any(a.type.__class__.__name__ == "GraphQLNonNull" and a.default_value is None for a in field.args.values()):
            continue
        named: GraphQLNamedType = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif isinstance(named, GraphQLObjectType) and depth > 0:
            parts.append(f"{name} {{ {_selection(named, depth - 1)} }}")
        elif depth > 0:
            parts.append(f"{name} {{ __typename }}")
    return " ".join(parts) or "__typename"


@pytest.fixture
async def world(db):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await f.build_world(s)
        await f.order(s, w.recipient_a, w.recipient_a_account, w.listing_a, w.entitlement_a)
    return w


@pytest.fixture
async def app_api(db, settings):  # type: ignore[no-untyped-def]
    import httpx

    from tests.graphql_client import GraphQLClient
    from tirek.app import create_app

    app = create_app(settings=settings, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        yield app, GraphQLClient(http)


async def test_the_apps_answers_are_the_same_byte_for_byte(app_api, world) -> None:  # type: ignore[no-untyped-def]
    app, api = app_api
    schema = app.state.schema
    direct = schema.execution_context_class
    assert direct is not StrawberryGraphQLCoreExecutionContext  # the app runs the direct reads
    roots = schema._schema.query_type.fields
    listing = to_global_id("Listing", world.listing_a.id)
    provider = to_global_id("Provider", world.provider_a.id)
    asks = [("me", "me"), ("regions", "regions"), ("classifier", "classifier"), ("myEntitlements", "myEntitlements"),
            ("orders", "orders"), ("claims", "claims"), ("notifications", "notifications"),
            (f'listing(id: "{listing}")', "listing"), (f'provider(id: "{provider}")', "provider"),
            ('searchListings(query: "")', "searchListings")]
    tokens = [None] + [await api.login(getattr(world, f"{n}_account").username)
                       for n in ("recipient_a", "provider_a", "officer_a", "admin")]
    answered = 0
    for token in tokens:
        for call, root in asks:
            kind = get_named_type(roots[root].type)
            query = "{ %s { %s } }" % (call, _selection(kind, 3))
            bodies = [(await api.post(query, token=token)).content]
            with strawberry_execution(schema):
                bodies.append((await api.post(query, token=token)).content)
            assert schema.execution_context_class is direct
            assert bodies[0] == bodies[1], (token is not None, call, bodies)
            answered += b'"errors"' not in bodies[0]
    assert answered >= 20  # most of them answered in full, not refused alike
