"""Query cost: a validation rule where a page size multiplies the cost of what is asked per item.

Each field costs 1 plus the cost of its selection. On a field that takes
``first`` (every connection), the selection's cost is multiplied by the page
asked for: the literal, the variable's value, or the variable's default, and
``schema.core.pagination.DEFAULT_PAGE`` when ``first`` is not given. So

    orders(first: 100) { edges { node { id status } } }

costs 1 + 100 × (1 + (1 + 1 + 1)) = 401, and a connection nested in another
multiplies again. A document whose operations cost more than the limit
(``settings.max_query_cost``) is refused before anything runs, with
``extensions.code == "QUERY_TOO_COSTLY"``, the cost and the limit.

The rule reads the request's variables, so it is built per operation (like
strawberry's own limiters, which are also built per request). The count is
cheap whatever the document: fragment costs are memoised per (fragment, type)
and every sum saturates just above the limit, so a "fragment bomb" (a
fragment spreading another twice, thirty levels deep) costs a few hundred
steps to refuse, not 2**30.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLInterfaceType,
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
PAGE_ARGUMENTS = ("first", "last")


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


class _Counter:
    def __init__(self, context: ValidationContext, limit: int, variables: Mapping[str, Any],
                 defaults: Mapping[str, Any]) -> None:
        self.context = context
        self.cap = limit + 1  # sums saturate here: any value >= cap means "over the limit"
        self.variables = variables
        self.defaults = defaults
        self.fragments: dict[tuple[str, str | None], int] = {}
        self.in_progress: set[str] = set()

    def _add(self, a: int, b: int) -> int:
        return min(self.cap, a + b)

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = self._add(total, self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.context.schema.get_type(selection.type_condition.name.value)
                total = self._add(total, self.selection_set(selection.selection_set, target))
            elif isinstance(selection, FragmentSpreadNode):
                total = self._add(total, self.fragment(selection.name.value, parent))
            if total >= self.cap:
                break
        return total

    def fragment(self, name: str, parent: GraphQLNamedType | None) -> int:
        key = (name, parent.name if parent is not None else None)
        if key in self.fragments:
            return self.fragments[key]
        definition = self.context.get_fragment(name)
        if definition is None or name in self.in_progress:
            return 0  # unknown or cyclic: other rules refuse the document
        self.in_progress.add(name)
        try:
            target = self.context.schema.get_type(definition.type_condition.name.value) or parent
            cost = self.selection_set(definition.selection_set, target)
        finally:
            self.in_progress.discard(name)
        self.fragments[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(node.name.value)
        child_type = get_named_type(definition.type) if definition is not None else None
        takes_page = definition is not None and any(a in definition.args for a in PAGE_ARGUMENTS)
        children = self.selection_set(node.selection_set, child_type)
        if children == 0:
            return 1
        multiplier = _page_multiplier(node, takes_page, self.variables, self.defaults)
        return min(self.cap, 1 + multiplier * children)


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
    return _Counter(context, limit, variables or {}, defaults).selection_set(operation.selection_set, root)


def cost_rule(max_cost: int, variables: Mapping[str, Any] | None) -> type[ValidationRule]:
    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = operation_cost(self.context, node, max_cost, variables)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The query is too costly: it costs more than the limit of {max_cost}. Ask for "
                        "smaller pages (`first`) or fewer nested fields.",
                        node,
                        extensions={"code": COST_CODE, "maxCost": max_cost},
                    )
                )

    return QueryCostRule


class QueryCostLimiter(AddValidationRules):
    """Refuses operations whose cost is over ``max_cost``; pass it as a factory:
    ``lambda: QueryCostLimiter(max_cost=settings.max_query_cost)``."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost
        super().__init__([])

    def on_operation(self) -> Iterator[None]:
        variables = self.execution_context.variables
        self.validation_rules = [cost_rule(self.max_cost, variables if isinstance(variables, Mapping) else None)]
        yield from super().on_operation()


__all__ = ["COST_CODE", "QueryCostLimiter", "cost_rule", "operation_cost"]
