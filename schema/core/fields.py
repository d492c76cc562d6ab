"""An error's ``field`` as the client wrote it: the GraphQL path of the argument or input field
(``serviceLogIds``, ``input.priceMin``, ``input.attachments.0.kind``), never a Python name.

Services name fields in their own words (``logIds``, ``price_min``, ``details.serviceForm``);
the edge maps them onto the arguments of the root field the error came from: the name in
camelCase, completed to the one argument path it ends (``unitPrice`` → ``input.unitPrice``), or
an alias the root field declares (``ALIASES``). A name that fits no argument of that field is
left out (null) rather than shown in a form the client never sent.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, GraphQLField, GraphQLInputObjectType, GraphQLSchema
from graphql import InlineFragmentNode, OperationDefinitionNode, get_named_type

# Root field -> {a service's name: the argument the client gave}, where the words differ.
ALIASES: dict[str, dict[str, str]] = {
    "confirmServiceHours": {"logIds": "serviceLogIds"},
    "disputeServiceHours": {"logIds": "serviceLogId"},
}
_SNAKE = re.compile(r"_([a-z0-9])")
_INDEX = re.compile(r"^\d+$")


def argument_paths(field: GraphQLField, depth: int = 4) -> frozenset[str]:
    """Every path a client can give under ``field``'s arguments: ``input``, ``input.priceMin``,
    ``input.details.serviceForm`` (list positions are not part of it)."""
    paths: set[str] = set()

    def walk(prefix: str, gtype: Any, level: int) -> None:
        paths.add(prefix)
        named = get_named_type(gtype)
        if isinstance(named, GraphQLInputObjectType) and level < depth:
            for name, sub in named.fields.items():
                walk(f"{prefix}.{name}", sub.type, level + 1)

    for name, argument in field.args.items():
        walk(name, argument.type, 0)
    return frozenset(paths)


def names_an_argument(path: str, paths: frozenset[str]) -> bool:
    """True when ``path`` (list positions allowed: ``input.attachments.0.kind``) is one of ``paths``."""
    return ".".join(s for s in path.split(".") if not _INDEX.match(s)) in paths


def graphql_field(field_name: str | None, root: GraphQLField | None, root_name: str | None) -> str | None:
    if field_name is None or root is None:
        return field_name
    paths = argument_paths(root)
    alias = ALIASES.get(root_name or "", {}).get(field_name)
    if alias is not None:
        return alias
    segments = [_SNAKE.sub(lambda m: m.group(1).upper(), s) for s in field_name.split(".")]
    given = ".".join(segments)
    if names_an_argument(given, paths):
        return given
    bare = ".".join(s for s in segments if not _INDEX.match(s))
    ends = sorted(p for p in paths if p.endswith("." + bare))
    if len(ends) == 1:
        return ends[0][: -len(bare)] + given
    ids = [name for name, a in root.args.items() if get_named_type(a.type).name == "ID"]
    if len(ids) == 1 and bare.endswith("Id"):  # node(id), listing(id): the one id the client gave
        return ids[0]
    return None


def field_for_info(info: Any, field_name: str | None) -> str | None:
    """``graphql_field`` for a value resolved under ``info`` (a payload's ``errors``)."""
    if field_name is None:
        return None
    raw = info._raw_info
    path = raw.path
    while path.prev is not None:
        path = path.prev
    name, root = root_field(raw.schema, raw.operation, raw.fragments, str(path.key))
    return graphql_field(field_name, root, name)


def root_field(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: dict[str, Any],
               response_key: str) -> tuple[str | None, GraphQLField | None]:
    """The root field (its name and definition) answering under ``response_key`` (alias or name)."""
    root_type = schema.get_root_type(operation.operation)
    if root_type is None:
        return None, None

    def find(selections: Any) -> str | None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                if (selection.alias or selection.name).value == response_key:
                    return selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                if (found := find(selection.selection_set.selections)) is not None:
                    return found
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and (found := find(fragment.selection_set.selections)) is not None:
                    return found
        return None

    name = find(operation.selection_set.selections)
    return name, root_type.fields.get(name) if name is not None else None
