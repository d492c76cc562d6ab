"""Query limits checked before anything runs: depth, aliases, and cost (where a page size multiplies).

**Cost.** Each field costs 1 plus the cost of its selection. On a field that
takes ``first`` (every connection), the selection's cost is multiplied by the
page asked for: the literal, the variable's value, or the variable's default,
and ``schema.core.pagination.DEFAULT_PAGE`` when ``first`` is not given. So

    orders(first: 100) { edges { node { id status } } }

costs 1 + 100 × (1 + (1 + 1 + 1)) = 401, and a connection nested in another
multiplies again.

**Depth.** A leaf field is 0, a field with a selection is 1 + its deepest
child (strawberry's ``QueryDepthLimiter`` semantics, introspection fields
ignored): ``{ me { person { region { name } } } }`` has depth 3.

**Aliases.** Every aliased field counts, through fragments as often as they
are spread (strawberry's ``MaxAliasesLimiter`` semantics).

Why not strawberry's own depth and alias limiters: both walk every fragment
spread anew, so a "fragment bomb" (30 fragments, each spreading the next one
twice: a 1 KB document of about 400 tokens, under every token limit) makes
them walk 2**30 paths. Measured on strawberry 0.341: 18 levels take 0.75 s,
20 take 2.9 s, so 30 would hold a worker for most of an hour. Here each
fragment is measured once (memoised), so any document is checked in time
linear in its size, and cost sums saturate just above the limit.

A refusal is a GraphQL error with ``extensions.code`` (``QUERY_TOO_DEEP``,
``TOO_MANY_ALIASES``, ``QUERY_TOO_COSTLY``) and the limit, before any
resolver, database or search call. The cost rule reads the request's
variables, so the rules are built per operation (pass the extension as a
factory, like strawberry's limiters).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import AddValidationRules

from schema.core.pagination import DEFAULT_PAGE, MAX_PAGE

COST_CODE = "QUERY_TOO_COSTLY"
DEPTH_CODE = "QUERY_TOO_DEEP"
ALIASES_CODE = "TOO_MANY_ALIASES"
PAGE_ARGUMENTS = ("first", "last")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


# -- depth ------------------------------------------------------------------------
class _Depth:
    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__") or not selection.selection_set:
                    depth = 0
                else:
                    depth = 1 + self.selection_set(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.selection_set(selection.selection_set)
            else:
                depth = self.fragment(selection.name.value)
            deepest = max(deepest, depth)
        return deepest

    def fragment(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return 0  # unknown or cyclic: graphql-core's own rules refuse the document
        self.in_progress.add(name)
        try:
            self.memo[name] = self.selection_set(definition.selection_set)
        finally:
            self.in_progress.discard(name)
        return self.memo[name]


def operation_depth(document: DocumentNode, operation: OperationDefinitionNode) -> int:
    return _Depth(_fragments(document)).selection_set(operation.selection_set)


# -- aliases ----------------------------------------------------------------------
class _Aliases:
    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        count = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += (1 if selection.alias else 0) + self.selection_set(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.selection_set(selection.selection_set)
            else:
                count += self.fragment(selection.name.value)
        return count

    def fragment(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return 0
        self.in_progress.add(name)
        try:
            self.memo[name] = self.selection_set(definition.selection_set)
        finally:
            self.in_progress.discard(name)
        return self.memo[name]


def alias_count(document: DocumentNode) -> int:
    counter = _Aliases(_fragments(document))
    return sum(counter.selection_set(d.selection_set) for d in document.definitions
               if isinstance(d, OperationDefinitionNode))


# -- cost -------------------------------------------------------------------------
def _page_multiplier(field: FieldNode, takes_page: bool, variables: Mapping[str, Any],
                     defaults: Mapping[str, Any]) -> int:
    """How many items the field may return: its ``first`` (or ``last``), else the default page."""
    for argument in field.arguments or ():
        if argument.name.value not in PAGE_ARGUMENTS:
            continue
        value: Any
        if isinstance(argument.value, VariableNode):
            name = argument.value.name.value
            value = variables.get(name, defaults.get(name))
        elif isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        else:
            value = value_from_ast_untyped(argument.value)
        if value is None:
            return DEFAULT_PAGE
        if isinstance(value, bool) or not isinstance(value, int):
            return MAX_PAGE  # not an integer: the resolver refuses it; count the worst case meanwhile
        return max(1, value)
    return DEFAULT_PAGE if takes_page else 1


class _Cost:
    def __init__(self, context: ValidationContext, limit: int, variables: Mapping[str, Any],
                 defaults: Mapping[str, Any]) -> None:
        self.schema = context.schema
        self.fragments = _fragments(context.document)
        self.cap = limit + 1  # sums saturate here: any value >= cap means "over the limit"
        self.variables = variables
        self.defaults = defaults
        self.memo: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value)
                total += self.selection_set(selection.selection_set, target)
            else:
                total += self.fragment(selection.name.value, parent)
            if total >= self.cap:
                return self.cap
        return total

    def fragment(self, name: str, parent: GraphQLNamedType | None) -> int:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return 0
        self.in_progress.add(name)
        try:
            target = self.schema.get_type(definition.type_condition.name.value) or parent
            self.memo[name] = self.selection_set(definition.selection_set, target)
        finally:
            self.in_progress.discard(name)
        return self.memo[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(node.name.value)
        child_type = get_named_type(definition.type) if definition is not None else None
        takes_page = definition is not None and any(a in definition.args for a in PAGE_ARGUMENTS)
        children = self.selection_set(node.selection_set, child_type)
        if children == 0:
            return 1
        return min(self.cap, 1 + _page_multiplier(node, takes_page, self.variables, self.defaults) * children)


def operation_cost(context: ValidationContext, operation: OperationDefinitionNode, limit: int,
                   variables: Mapping[str, Any] | None = None) -> int:
    """The cost of one operation, saturated at ``limit + 1``."""
    defaults = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    root = {
        OperationType.QUERY: context.schema.query_type,
        OperationType.MUTATION: context.schema.mutation_type,
        OperationType.SUBSCRIPTION: context.schema.subscription_type,
    }[operation.operation]
    return _Cost(context, limit, variables or {}, defaults).selection_set(operation.selection_set, root)


# -- the rule and the extension ------------------------------------------------------
def limits_rule(
    *, max_depth: int | None, max_aliases: int | None, max_cost: int | None,
    variables: Mapping[str, Any] | None = None,
) -> type[ValidationRule]:
    class QueryLimitsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            if max_aliases is not None and (count := alias_count(node)) > max_aliases:
                self.report_error(GraphQLError(
                    f"{count} aliases found. Allowed: {max_aliases}.",
                    extensions={"code": ALIASES_CODE, "maxAliases": max_aliases},
                ))

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            name = node.name.value if node.name else "anonymous"
            if max_depth is not None and (depth := operation_depth(self.context.document, node)) > max_depth:
                self.report_error(GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {max_depth} (it is {depth} deep).", node,
                    extensions={"code": DEPTH_CODE, "maxDepth": max_depth},
                ))
                return
            if max_cost is not None and operation_cost(self.context, node, max_cost, variables) > max_cost:
                self.report_error(GraphQLError(
                    f"'{name}' is too costly: it costs more than the limit of {max_cost}. Ask for smaller "
                    "pages (`first`) or fewer nested fields.", node,
                    extensions={"code": COST_CODE, "maxCost": max_cost},
                ))

    return QueryLimitsRule


class QueryLimiter(AddValidationRules):
    """Depth, alias and cost limits in one validation rule; ``None`` turns a limit off.
    Pass it as a factory: ``lambda: QueryLimiter(max_depth=..., max_aliases=..., max_cost=...)``."""

    def __init__(self, *, max_depth: int | None = None, max_aliases: int | None = None,
                 max_cost: int | None = None) -> None:
        self.max_depth, self.max_aliases, self.max_cost = max_depth, max_aliases, max_cost
        super().__init__([])

    def on_operation(self) -> Iterator[None]:
        variables = self.execution_context.variables
        self.validation_rules = [limits_rule(
            max_depth=self.max_depth, max_aliases=self.max_aliases, max_cost=self.max_cost,
            variables=variables if isinstance(variables, Mapping) else None,
        )]
        yield from super().on_operation()


def QueryCostLimiter(max_cost: int) -> QueryLimiter:
    """The cost limit alone."""
    return QueryLimiter(max_cost=max_cost)


__all__ = [
    "ALIASES_CODE", "COST_CODE", "DEPTH_CODE", "QueryCostLimiter", "QueryLimiter", "alias_count",
    "limits_rule", "operation_cost", "operation_depth",
]
