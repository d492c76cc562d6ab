"""A global id that is no id answers, in every mutation, as the payload's ``errors`` at the field
the client wrote (``claimId``, ``input.personId``, ``details.classifierItemId``), INVALID: never
a top-level error with ``data: null``.

The cases are read from the schema: every ID argument or input field (lists of ids too) of every
mutation, so a new mutation is covered without a line here. Each case sends the garbage id at
one place and a well-formed id of no type at every other id place that must be given (NOT_FOUND
there, should it be read first); every other required argument gets a value of its type.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLField, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull
from graphql import GraphQLScalarType, get_named_type

from marketplace.settings import Settings
from schema.core.ids import to_global_id
from schema.schema import build_schema

GARBAGE = "garbage"
NO_TYPE = to_global_id("Nothing", 1)  # a well-formed id of a type no object has: NOT_FOUND
SCALARS: dict[str, Any] = {
    "String": "x", "Int": 1, "Float": 1.0, "Boolean": False, "Decimal": "1", "Date": "2026-09-01",
    "DateTime": "2026-09-01T10:00:00+05:00", "Time": "10:00:00", "JSON": {},
}
SCHEMA = build_schema(Settings(secret_key="mutation-ids"))._schema
MUTATIONS: dict[str, GraphQLField] = dict(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else {}


def _unwrap(gtype: Any) -> tuple[Any, bool]:
    """(the type inside NonNull, whether it is a list)."""
    inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    return inner, isinstance(inner, GraphQLList)


def _id_paths(name: str, gtype: GraphQLInputType, depth: int = 0) -> list[str]:
    """Every path under an argument where an ID (or a list of them) is given."""
    named = get_named_type(gtype)
    if isinstance(named, GraphQLScalarType) and named.name == "ID":
        return [name]
    if isinstance(named, GraphQLInputObjectType) and depth < 3:
        return [p for field, sub in named.fields.items() for p in _id_paths(f"{name}.{field}", sub.type, depth + 1)]
    return []


def _given(path: str, places: set[str]) -> bool:
    return any(place == path or place.startswith(path + ".") for place in places)


def _value(path: str, gtype: GraphQLInputType, garbage_at: str, needed: set[str]) -> Any:
    """A value of ``gtype`` for the place ``path``: the garbage id at ``garbage_at``, an id of no
    type at another ID, the required fields of an input object (and every field on the way to
    ``garbage_at`` or to a place the mutation said it ``needed``)."""
    inner, is_list = _unwrap(gtype)
    if is_list:
        return [_value(path, inner.of_type, garbage_at, needed)]
    if isinstance(inner, GraphQLScalarType):
        if inner.name == "ID":
            return GARBAGE if path == garbage_at else NO_TYPE
        return SCALARS[inner.name]
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    assert isinstance(inner, GraphQLInputObjectType), inner
    value = {}
    for name, field in inner.fields.items():
        sub = f"{path}.{name}"
        if isinstance(field.type, GraphQLNonNull) or _given(sub, needed | {garbage_at}):
            value[name] = _value(sub, field.type, garbage_at, needed)
    return value


def _cases() -> list[tuple[str, str]]:
    return [(mutation, path) for mutation, field in MUTATIONS.items()
            for name, argument in field.args.items() for path in _id_paths(name, argument.type)]


def _request(mutation: str, garbage_at: str, needed: set[str]) -> tuple[str, dict[str, Any]]:
    """The mutation with its required arguments, ``garbage_at`` and the places ``needed``."""
    field = MUTATIONS[mutation]
    variables, declarations, arguments = {}, [], []
    for name, argument in field.args.items():
        if not (isinstance(argument.type, GraphQLNonNull) or _given(name, needed | {garbage_at})):
            continue
        variables[name] = _value(name, argument.type, garbage_at, needed)
        declarations.append(f"${name}: {argument.type}")
        arguments.append(f"{name}: ${name}")
    query = (f"mutation Garbage({', '.join(declarations)}) {{ {mutation}({', '.join(arguments)}) "
             f"{{ errors {{ field code }} }} }}")
    return query, variables


def _without_positions(field: str | None) -> str | None:
    return None if field is None else ".".join(s for s in field.split(".") if not s.isdigit())


def test_the_cases_cover_the_mutations_that_take_ids() -> None:
    """The list is the schema's: it reaches ids in arguments, in inputs, in lists and nested inputs."""
    cases = set(_cases())
    assert {("approveClaim", "claimId"), ("cancelOrder", "orderId"), ("registerPerson", "input.regionId"),
            ("confirmServiceHours", "serviceLogIds"), ("submitApplication", "attachments.fileId"),
            ("submitApplication", "details.classifierItemId")} <= cases
    assert len({mutation for mutation, _ in cases}) >= 40


@pytest.mark.parametrize(("mutation", "garbage_at"), _cases(), ids=[f"{m}:{p}" for m, p in _cases()])
async def test_a_garbage_id_is_a_payload_error_at_its_field(scene_env, mutation: str, garbage_at: str) -> None:  # type: ignore[no-untyped-def]
    client, scene = scene_env
    token = await scene.token("admin")
    needed: set[str] = set()
    for _ in range(4):  # a branch that needs more than the schema requires says so: REQUIRED at each
        query, variables = _request(mutation, garbage_at, needed)
        body = await client.execute(query, variables, token)
        assert not body.get("errors"), (mutation, garbage_at, body)
        errors = body["data"][mutation]["errors"]
        missing = {e["field"] for e in errors if e["code"] == "REQUIRED"} - needed
        if not missing:
            break
        needed |= missing
    assert errors, (mutation, garbage_at, body)
    ours = [e for e in errors if _without_positions(e["field"]) == garbage_at]
    others = [e for e in errors if e not in ours]
    # The garbage id refused where it was given; another place it may have read first holds an id
    # of no type, and only that one may answer NOT_FOUND.
    assert all(e["code"] == "INVALID" for e in ours), (mutation, garbage_at, errors)
    id_places = {path for name, argument in MUTATIONS[mutation].args.items() for path in _id_paths(name, argument.type)}
    assert all(e["code"] == "NOT_FOUND" and _without_positions(e["field"]) in id_places - {garbage_at}
               for e in others), (mutation, garbage_at, errors)
