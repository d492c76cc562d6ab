"""How the schema executes a query: graphql-core's executor, with plain leaf fields read directly.

A page of 20 search hits is about 450 fields, and graphql-core spends most of a search's CPU
on them one by one (a resolve info, strawberry's resolver wrapper, the awaitable checks, the
nested completion of non-null and leaf types: strawberry#3544, graphql-core#190). Most of them
are *plain*: a strawberry field with no resolver, no field extension and no arguments, whose
type is a scalar or an enum (or a list of one), on a schema with no resolve middleware. For
those the answer is the attribute, coerced by the type: ``PlainFieldsExecutor.execute_fields``
computes exactly that, and hands every other field of the object back to graphql-core's own
``execute_fields``, as does any value that is null where the type says non-null, one the type
refuses, anything unusual. Errors, their paths and their messages therefore stay graphql-core's,
and every field with a resolver (permissions, ids, loaders, language) runs as before.
A sync resolver whose arguments all default to null (``title(language:)``) is called directly when
each of them is null (``DirectResolver``), without strawberry's conversion of arguments it was not
given. ``strawberry_execution(schema)`` runs a schema the old way; ``tests/test_execution.py``
compares the app's answers both ways byte for byte, and ``bench/execution.py`` their CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

STRAWBERRY_DEFINITION = "strawberry-definition"


@dataclass(frozen=True, slots=True)
class PlainField:
    """How to answer one plain field: the attribute it reads and the type's coercion."""

    attribute: str
    coerce: Callable[[Any], Any]
    non_null: bool
    # A list of leaves: whether the list and its items may be null.
    is_list: bool = False
    item_non_null: bool = False


def plain_field(field: GraphQLField) -> PlainField | None:
    """The plan for ``field`` when it is plain (see the module's docstring), else None."""
    definition = (field.extensions or {}).get(STRAWBERRY_DEFINITION)
    if definition is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    if not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    kind: Any = field.type
    non_null = isinstance(kind, GraphQLNonNull)
    if non_null:
        kind = kind.of_type
    is_list = isinstance(kind, GraphQLList)
    item_non_null = False
    if is_list:
        kind = kind.of_type
        item_non_null = isinstance(kind, GraphQLNonNull)
        if item_non_null:
            kind = kind.of_type
    if not is_leaf_type(kind):
        return None
    return PlainField(definition.python_name, kind.coerce_output_value, non_null, is_list, item_non_null)


def plain_fields(schema: GraphQLSchema) -> dict[str, dict[str, PlainField]]:
    """Every plain field of ``schema``'s object types: by type name, then by field name."""
    plans: dict[str, dict[str, PlainField]] = {}
    for type_name, kind in schema.type_map.items():
        if not isinstance(kind, GraphQLObjectType) or type_name.startswith("__"):
            continue
        fields = {name: plan for name, field in kind.fields.items() if (plan := plain_field(field)) is not None}
        if fields:
            plans[type_name] = fields
    return plans


class _Refer(Exception):
    """The value is not one the direct path answers: graphql-core's own path does."""


def _coerced(coerce: Callable[[Any], Any], value: Any) -> Any:
    coerced = coerce(value)
    if coerced is None or coerced is Undefined:
        raise _Refer
    return coerced


def answer(plan: PlainField, source: Any) -> Any:
    """The completed value of a plain field on ``source``; ``_Refer`` when graphql-core must say it."""
    value = getattr(source, plan.attribute)
    if value is None:
        if plan.non_null:
            raise _Refer
        return None
    if not plan.is_list:
        return _coerced(plan.coerce, value)
    if type(value) is not list and type(value) is not tuple:
        raise _Refer
    items = []
    for item in value:
        if item is None:
            if plan.item_non_null:
                raise _Refer
            items.append(None)
        else:
            items.append(_coerced(plan.coerce, item))
    return items


class DirectResolver:
    """A sync resolver called as strawberry calls it, without converting arguments it was not given.

    strawberry converts every argument of every call (``get_arguments``), the ones left at their
    default included, and chains the field's extensions (none here). For a field whose
    arguments all default to null (``title(language:)``) a call where each is null is the
    resolver called with its own defaults; any other call goes to strawberry's resolver.
    """

    __slots__ = ("_field", "_function", "_info_class", "_info_name", "_self", "_source_names", "original")

    def __init__(self, original: Callable[..., Any], definition: Any, info_class: type) -> None:
        resolver = definition.base_resolver
        self.original = original
        self._field = definition
        self._function = resolver.wrapped_func
        self._info_class = info_class
        self._self = resolver.self_parameter is not None
        self._source_names = tuple(p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p)
        self._info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def __call__(self, source: Any, info: Any, **kwargs: Any) -> Any:
        for value in kwargs.values():
            if value is not None:
                return self.original(source, info, **kwargs)
        keywords = dict.fromkeys(self._source_names, source)
        if self._info_name is not None:
            keywords[self._info_name] = self._info_class(_raw_info=info, _field=self._field)
        return self._function(source, **keywords) if self._self else self._function(**keywords)


def direct_resolvers(schema: Any) -> int:
    """Give each eligible field of a strawberry ``schema`` a ``DirectResolver``; how many.

    Eligible: a sync resolver, no field extension (permissions are extensions), every argument
    defaulting to None, not on the subscription type, in a schema with no exception handlers.
    """
    if getattr(schema, "exception_handlers", ()):
        return 0
    core: GraphQLSchema = schema._schema
    skipped = {core.subscription_type.name} if core.subscription_type else set()
    count = 0
    for type_name, kind in core.type_map.items():
        if not isinstance(kind, GraphQLObjectType) or type_name.startswith("__") or type_name in skipped:
            continue
        for field in kind.fields.values():
            definition = (field.extensions or {}).get(STRAWBERRY_DEFINITION)
            if definition is None or definition.base_resolver is None or definition.extensions \
                    or definition.is_async or isinstance(field.resolve, DirectResolver) \
                    or any(argument.default is not None for argument in definition.arguments):
                continue
            field.resolve = DirectResolver(field.resolve, definition, schema.config.info_class)
            count += 1
    return count


@contextmanager
def strawberry_execution(schema: Any) -> Iterator[None]:
    """Within: ``schema`` executed by strawberry's own executor and resolvers (tests, benches)."""
    executor = schema.execution_context_class
    swapped = [(field, field.resolve) for kind in schema._schema.type_map.values()
               if isinstance(kind, GraphQLObjectType)
               for field in kind.fields.values() if isinstance(field.resolve, DirectResolver)]
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    for field, direct in swapped:
        field.resolve = direct.original
    try:
        yield
    finally:
        schema.execution_context_class = executor
        for field, direct in swapped:
            field.resolve = direct


def plain_fields_executor(schema: GraphQLSchema) -> type[StrawberryGraphQLCoreExecutionContext]:
    """The executor class for ``schema``: its plain fields answered directly."""
    plans = plain_fields(schema)

    class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            middleware = self.middleware_manager
            # A resolve middleware (a schema extension's ``resolve``) must see every field.
            self._plans = plans if middleware is None or not middleware.middlewares else {}

        def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any,
                           grouped_field_set: Any, position_context: Any) -> Any:
            type_plans = self._plans.get(parent_type.name)
            if type_plans is None:
                return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
            answered: dict[str, Any] = {}
            rest: dict[str, Any] = {}
            for response_name, field_details_list in grouped_field_set.items():
                details = field_details_list[0]
                node = details.node
                plan = type_plans.get(node.name.value)
                # A field under @defer/@stream (not enabled in this schema) is left to graphql-core.
                if plan is not None and not node.directives and details.defer_usage is None:
                    try:
                        answered[response_name] = answer(plan, source_value)
                        continue
                    except Exception:  # noqa: BLE001 - graphql-core's own path answers it, errors included
                        pass
                rest[response_name] = field_details_list
            if not rest:
                return answered
            others = super().execute_fields(parent_type, source_value, path, rest, position_context)
            if self.is_awaitable(others):
                return _merged_later(grouped_field_set, answered, others)
            return _merged(grouped_field_set, answered, others)

    return PlainFieldsExecutor


def _merged(order: Any, answered: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """One object's fields in the order the query asked for them (a field graphql-core left out stays out)."""
    return {name: answered[name] if name in answered else others[name]
            for name in order if name in answered or name in others}


async def _merged_later(order: Any, answered: dict[str, Any], others: Any) -> dict[str, Any]:
    return _merged(order, answered, await others)
