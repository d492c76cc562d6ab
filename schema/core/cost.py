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
resolver, database or search call.

**Cached per document.** The cost reads the request's variables (a page size
given as ``$first``), which is why a validation rule built per request
defeated strawberry's ``ValidationCache`` and every request paid the whole of
graphql-core's validation plus these walks (the largest block of pure-Python
time in a profile of the home page). ``QueryLimiter`` keeps, per query text,
the validation errors, the alias count, each operation's depth and its cost
compiled into an expression of the page-size variables, so a request only
evaluates that expression (``_DocumentPlan``).

**Validation budget.** graphql-core's validation is not linear in the document (its
overlapping-fields rule compares every pair of same-named fields): a document is first
measured in one linear walk (``over_budget``: fields of one name in a selection, fields in the
document), then validated in a worker thread, one document at a time, so that no request holds
the event loop. Plans are keyed by the printed document, so comments and spacing do not make
new entries, and the cache keeps documents asked for twice apart from those seen once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import asyncio
import weakref
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from graphql import DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLError, GraphQLInterfaceType
from graphql import GraphQLNamedType, GraphQLObjectType, InlineFragmentNode, IntValueNode, OperationDefinitionNode
from graphql import OperationType, SelectionSetNode, ValidationRule, VariableNode, get_named_type, parse, print_ast
from graphql import value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from schema.core.document_text import canonical_text
from schema.core.pagination import DEFAULT_PAGE, MAX_PAGE

COST_CODE = "QUERY_TOO_COSTLY"
DEPTH_CODE = "QUERY_TOO_DEEP"
ALIASES_CODE = "TOO_MANY_ALIASES"
PAGE_ARGUMENTS = ("first", "last")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


Measure = TypeVar("Measure")


class _FragmentWalk(ABC, Generic[Measure]):
    """A walk of a document that measures each named fragment once, however often it is spread
    (memoised), so that a "fragment bomb" costs time linear in its size. A fragment unknown or
    spread inside itself measures ``unknown()``: graphql-core's own rules refuse the document."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, Measure] = {}
        self.in_progress: set[str] = set()

    @abstractmethod
    def measure(self, definition: FragmentDefinitionNode, *context: Any) -> Measure:
        """What one fragment's definition measures (each walk its own quantity)."""

    @abstractmethod
    def unknown(self) -> Measure:
        """What a fragment that is missing or spread inside itself measures."""

    def fragment(self, name: str, *context: Any) -> Measure:
        """The fragment's measure; ``context`` (the type it is spread on) counts only the first time."""
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return self.unknown()
        self.in_progress.add(name)
        try:
            self.memo[name] = self.measure(definition, *context)
        finally:
            self.in_progress.discard(name)
        return self.memo[name]


class _Count(_FragmentWalk[int]):
    """A walk that gives a number per selection set (a depth, a count of aliases)."""

    def measure(self, definition: FragmentDefinitionNode, *context: Any) -> int:
        return self.selection_set(definition.selection_set)

    def unknown(self) -> int:
        return 0

    @abstractmethod
    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        """The number a selection set gives (its depth, its aliases)."""


# -- depth ------------------------------------------------------------------------
class _Depth(_Count):
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


def operation_depth(document: DocumentNode, operation: OperationDefinitionNode) -> int:
    return _Depth(_fragments(document)).selection_set(operation.selection_set)


# -- aliases ----------------------------------------------------------------------
class _Aliases(_Count):

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
        return _multiplier_value(value)
    return DEFAULT_PAGE if takes_page else 1


# -- compiled per document: what does not depend on the variables is worked out once --------------
_MultiplierSpec = int | str  # a constant multiplier, or the name of the variable holding ``first``


class _Compiler(_FragmentWalk[list[Any] | None]):
    """Turns an operation into a cost expression: ``int`` (leaf fields), ``("F", spec, expr)``
    (a field with a selection, multiplied by its page), ``("R", name)`` (a fragment spread, its
    expression in ``memo``). Schema lookups, fragments and page arguments are walked once per document."""

    def __init__(self, schema: Any, document: DocumentNode) -> None:
        super().__init__(_fragments(document))
        self.schema = schema
        self.uses_variables = False

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> list[Any]:
        items: list[Any] = []
        leaves = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                item = self.field(selection, parent)
                if isinstance(item, int):
                    leaves += item
                else:
                    items.append(item)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value)
                items.extend(self.selection_set(selection.selection_set, target))
            else:
                name = selection.name.value
                if self.fragment(name, parent) is not None:  # an unknown or cyclic one counts 0
                    items.append(("R", name))
        if leaves:
            items.insert(0, leaves)
        return items

    def measure(self, definition: FragmentDefinitionNode, *context: Any) -> list[Any]:
        (parent,) = context
        target = self.schema.get_type(definition.type_condition.name.value) or parent
        return self.selection_set(definition.selection_set, target)

    def unknown(self) -> None:
        return None

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Any:
        if not node.selection_set:
            return 1
        definition = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(node.name.value)
        child_type = get_named_type(definition.type) if definition is not None else None
        takes_page = definition is not None and any(a in definition.args for a in PAGE_ARGUMENTS)
        return ("F", self.multiplier(node, takes_page), self.selection_set(node.selection_set, child_type))

    def multiplier(self, node: FieldNode, takes_page: bool) -> _MultiplierSpec:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS and isinstance(argument.value, VariableNode):
                self.uses_variables = True
                return argument.value.name.value
        return _page_multiplier(node, takes_page, {}, {})


def _multiplier_value(value: Any) -> int:
    """The page a ``first`` (or ``last``) of this value asks for; the default page when it is null."""
    if value is None:
        return DEFAULT_PAGE
    if isinstance(value, bool) or not isinstance(value, int):
        return MAX_PAGE  # not an integer: the resolver refuses it; count the worst case meanwhile
    return max(1, value)


class _CompiledCost:
    """An operation's cost as a function of its variables (compiled once, evaluated per request)."""

    def __init__(self, schema: Any, document: DocumentNode, operation: OperationDefinitionNode, limit: int) -> None:
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type,
        }[operation.operation]
        compiler = _Compiler(schema, document)
        self.expression = compiler.selection_set(operation.selection_set, root)
        self.fragments = compiler.memo
        self.cap = limit + 1
        self.defaults = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self.constant: int | None = None
        if not compiler.uses_variables:
            self.constant = self.evaluate({})

    def evaluate(self, variables: Mapping[str, Any]) -> int:
        if self.constant is not None:
            return self.constant
        memo: dict[str, int] = {}
        cap, defaults, fragments = self.cap, self.defaults, self.fragments

        def total(items: list[Any]) -> int:
            sum_ = 0
            for item in items:
                if isinstance(item, int):
                    sum_ += item
                elif item[0] == "F":
                    children = total(item[2])
                    if children == 0:
                        sum_ += 1
                    else:
                        spec = item[1]
                        multiplier = spec if isinstance(spec, int) else _multiplier_value(
                            variables.get(spec, defaults.get(spec)))
                        sum_ += min(cap, 1 + multiplier * children)
                else:
                    name = item[1]
                    if name not in memo:
                        memo[name] = total(fragments[name])
                    sum_ += memo[name]
                if sum_ >= cap:
                    return cap
            return sum_

        return total(self.expression)


class _DocumentPlan:
    """What the limits and graphql-core's validation say about one document, whatever the variables:
    the validation errors, the alias count, each operation's depth, and its cost expression."""

    def __init__(self, schema: Any, document: DocumentNode, rules: tuple[type[ValidationRule], ...], *,
                 max_depth: int | None, max_aliases: int | None, max_cost: int | None,
                 refusal: GraphQLError | None = None) -> None:
        """``refusal``: the document is over the validation budget; said instead of validating it."""
        from strawberry.schema.schema import validate_document

        self.max_depth, self.max_cost = max_depth, max_cost
        self.aliases = alias_count(document) if max_aliases is not None else 0
        self.max_aliases = max_aliases
        self.operations: list[tuple[OperationDefinitionNode, int, _CompiledCost | None]] = []
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            depth = operation_depth(document, definition) if max_depth is not None else 0
            cost = None
            if max_cost is not None and not (max_depth is not None and depth > max_depth):
                cost = _CompiledCost(schema, document, definition, max_cost)
            self.operations.append((definition, depth, cost))
        over_limits = (max_aliases is not None and self.aliases > max_aliases) or (
            max_depth is not None and any(depth > max_depth for _, depth, _ in self.operations))
        if refusal is not None:
            self.validation_errors = [refusal]
        elif over_limits:  # refused already, in linear time: graphql-core's validation would only cost
            self.validation_errors = []
        else:
            self.validation_errors = validate_document(schema, document, rules) if rules else []

    def errors(self, variables: Mapping[str, Any]) -> list[GraphQLError]:
        """New error objects for the limits (they are per request), then the cached validation errors."""
        errors: list[GraphQLError] = []
        if self.max_aliases is not None and self.aliases > self.max_aliases:
            errors.append(GraphQLError(
                f"{self.aliases} aliases found. Allowed: {self.max_aliases}.",
                extensions={"code": ALIASES_CODE, "maxAliases": self.max_aliases},
            ))
        for node, depth, cost in self.operations:
            name = node.name.value if node.name else "anonymous"
            if self.max_depth is not None and depth > self.max_depth:
                errors.append(GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {self.max_depth} (it is {depth} deep).", node,
                    extensions={"code": DEPTH_CODE, "maxDepth": self.max_depth},
                ))
                continue
            if cost is not None and self.max_cost is not None and cost.evaluate(variables) > self.max_cost:
                errors.append(GraphQLError(
                    f"'{name}' is too costly: it costs more than the limit of {self.max_cost}. Ask for smaller "
                    "pages (`first`) or fewer nested fields.", node,
                    extensions={"code": COST_CODE, "maxCost": self.max_cost},
                ))
        return errors + list(self.validation_errors)


# -- the validation budget: what graphql-core's validation would cost, bounded before it runs ---------
#: graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields that share a
#: response name in a selection set (inline and named fragments merged in), and for each pair
#: their sub-selections, pair by pair again: 990 identical fields (10 KB, under the token limit)
#: cost 1-2 s of CPU, three levels of 8 identical fields 0.3 s. ``over_budget`` estimates that
#: work in one linear walk: a pair of fields named alike costs 1 + the cross comparison of their
#: sub-selections, where comparing two selections costs, per name, the product of its counts
#: times (1 + the comparison below). Real documents, whose names are unique per selection but
#: for a field asked for beside a fragment asking for it too, cost next to nothing; the limit is
#: about 20 ms of validation.
MAX_OVERLAP_WORK = 10_000
#: Field nodes in a document, each fragment counted once (a page of the portal asks for ~100).
MAX_FIELDS = 1000
#: Comparing two fragments spread in one selection (150 fragments of two fields: 0.3 s).
FRAGMENT_PAIR_WORK = 10
BUDGET_CODE = COST_CODE


class _Merged:
    """A selection set with its fragments merged in: per response name, how many fields, and the
    costliest comparison of one of their sub-selections with another."""

    __slots__ = ("counts", "cross", "spreads")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.cross: dict[str, int] = {}
        self.spreads: set[str] = set()  # fragments spread here, directly or through other fragments

    def add(self, name: str, count: int, cross: int) -> None:
        self.counts[name] += count
        self.cross[name] = max(self.cross.get(name, 0), cross)

    def merge(self, other: _Merged) -> None:
        for name, count in other.counts.items():
            self.add(name, count, other.cross[name])
        self.spreads |= other.spreads

    def pairs_work(self, cap: int) -> int:
        """graphql-core's work inside this selection set: pairs of same-named fields, and each
        fragment spread compared with the fields and with every other fragment spread."""
        spreads = len(self.spreads)
        fragments = FRAGMENT_PAIR_WORK * spreads * (spreads - 1) // 2 + spreads * sum(self.counts.values())
        return min(cap, fragments + sum(n * (n - 1) // 2 * (1 + self.cross[name])
                                        for name, n in self.counts.items() if n > 1))

    def cross_work(self, cap: int) -> int:
        """Comparing this selection with one like it (two fields of the same name holding it)."""
        return min(cap, sum(n * n * (1 + self.cross[name]) for name, n in self.counts.items()))


class _Budget(_FragmentWalk[_Merged]):
    """One walk, fragments memoised: the fields of the document and the estimated overlap work."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        super().__init__(fragments)
        self.fields = 0
        self.work = 0
        self.cap = MAX_OVERLAP_WORK + 1

    def selection_set(self, selection_set: SelectionSetNode | None, *, count: bool = True) -> _Merged:
        merged = _Merged()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                self.fields += 1
                cross = 0
                if selection.selection_set is not None:
                    cross = self.selection_set(selection.selection_set).cross_work(self.cap)
                merged.add((selection.alias or selection.name).value, 1, cross)
            elif isinstance(selection, InlineFragmentNode):
                merged.merge(self.selection_set(selection.selection_set, count=False))
            else:
                merged.merge(self.fragment(selection.name.value))
                merged.spreads.add(selection.name.value)
        if count:  # graphql-core checks each selection set once, fragments included where spread
            self.work = min(self.cap, self.work + merged.pairs_work(self.cap))
        return merged

    def measure(self, definition: FragmentDefinitionNode, *context: Any) -> _Merged:
        return self.selection_set(definition.selection_set, count=False)

    def unknown(self) -> _Merged:
        return _Merged()


def over_budget(document: DocumentNode) -> GraphQLError | None:
    """A refusal when graphql-core's validation of ``document`` could take long, else None."""
    budget = _Budget(_fragments(document))
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            budget.selection_set(definition.selection_set)
        elif isinstance(definition, FragmentDefinitionNode):
            budget.work = min(budget.cap, budget.work + budget.fragment(definition.name.value).pairs_work(budget.cap))
    if budget.work > MAX_OVERLAP_WORK:
        return GraphQLError(
            "Too many fields of the same name in one selection (or in its fragments): validating the document "
            "would take too long. Ask for each field once.",
            extensions={"code": BUDGET_CODE, "maxOverlapWork": MAX_OVERLAP_WORK})
    if budget.fields > MAX_FIELDS:
        return GraphQLError(f"{budget.fields} fields; at most {MAX_FIELDS} in one document.",
                            extensions={"code": BUDGET_CODE, "maxFields": MAX_FIELDS})
    return None


# -- the cache of plans -------------------------------------------------------------------------------
class PlanCache:
    """Plans keyed by the document as printed (so a comment or spacing makes no new entry), in two
    bounded LRU segments: a document enters on probation and is protected once asked for again, so a
    flood of documents seen once (random aliases, arguments) churns the probation segment only and
    the portal's own documents stay cached."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.probation: OrderedDict[Any, Any] = OrderedDict()
        self.protected: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        if key in self.protected:
            self.protected.move_to_end(key)
            return self.protected[key]
        if key in self.probation:
            plan = self.probation.pop(key)
            self.protected[key] = plan
            if len(self.protected) > self.size:  # the least recent protected plan goes back on probation
                old_key, old_plan = self.protected.popitem(last=False)
                self._on_probation(old_key, old_plan)
            return plan
        return None

    def put(self, key: Any, plan: Any) -> None:
        self._on_probation(key, plan)

    def _on_probation(self, key: Any, plan: Any) -> None:
        self.probation[key] = plan
        self.probation.move_to_end(key)
        if len(self.probation) > self.size:
            self.probation.popitem(last=False)

    def clear(self) -> None:
        self.probation.clear()
        self.protected.clear()


PLANS = PlanCache()
#: Uncached documents are validated one at a time per process, in a worker thread: the event loop
#: goes on serving (cached documents, resolvers, I/O) while graphql-core's validation runs.
_VALIDATING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _validation_slot() -> asyncio.Semaphore:
    """The event loop's one validation slot (a semaphore belongs to one loop; tests run many)."""
    loop = asyncio.get_running_loop()
    if loop not in _VALIDATING:
        _VALIDATING[loop] = asyncio.Semaphore(1)
    return _VALIDATING[loop]


def _plan_key(schema: Any, document: DocumentNode, rules: tuple[type[ValidationRule], ...],
              limits: tuple[int | None, int | None, int | None]) -> tuple[Any, ...]:
    return (schema, ("printed", print_ast(document)), rules, limits)  # the schema itself: an id could be reused


#: Parsed documents by query text (strawberry's ParserCache, parsing off the event loop).
PARSE_CACHE_SIZE = 256


class OffLoopParser(SchemaExtension):
    """Parses a query text not seen recently in a worker thread (a 4,000-token document takes
    milliseconds of CPU; a new comment per request makes every text new), so the event loop keeps
    serving meanwhile; texts seen recently come from a bounded cache, as with strawberry's
    ParserCache, which this replaces. A syntax error is raised as from strawberry's own parse."""

    _documents: OrderedDict[tuple[str, tuple[Any, ...]], DocumentNode] = OrderedDict()

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is None and isinstance(context.query, str) and context.query:
            options = context.parse_options
            text = canonical_text(context.query)  # a new comment or spacing is not a new document
            key = (text, tuple(sorted(options.items())))
            document = self._documents.get(key)
            if document is None:
                try:
                    document = await asyncio.to_thread(parse, text, **options)
                except GraphQLError:
                    # Said as the client wrote it (its lines and columns), not as the canonical text;
                    # should the client's own text parse after all, it is run but kept for no one else.
                    context.graphql_document = await asyncio.to_thread(parse, context.query, **options)
                    yield
                    return
                self._documents[key] = document
                if len(self._documents) > PARSE_CACHE_SIZE:
                    self._documents.popitem(last=False)
            else:
                self._documents.move_to_end(key)
            context.graphql_document = document
        yield


class QueryLimiter(SchemaExtension):
    """Depth, alias and cost limits, the validation budget, and graphql-core's validation, cached per document.

    Everything that does not depend on the variables (the validation rules' verdict, the alias
    count, each operation's depth, the shape of its cost) is worked out once per document and kept
    in ``PLANS``; a request then only evaluates its page sizes (``first``/``last`` given as
    variables) into the cost. A document not cached yet is first checked against the validation
    budget (``over_budget``: linear), then validated in a worker thread, one at a time. It replaces
    strawberry's ``ValidationCache``, which could not cache these per-request rules. ``None`` turns
    a limit off. Pass it as a factory:
    ``lambda: QueryLimiter(max_depth=..., max_aliases=..., max_cost=...)``."""

    def __init__(self, *, max_depth: int | None = None, max_aliases: int | None = None,
                 max_cost: int | None = None, document_rules: Sequence[type[ValidationRule]] = (),
                 variable_checks: Sequence[Callable[[Mapping[str, Any]], list[GraphQLError]]] = ()) -> None:
        """``document_rules``: more validation rules that depend on the document alone (cached with
        graphql-core's); ``variable_checks``: functions of the variables, run on every request."""
        self.max_depth, self.max_aliases, self.max_cost = max_depth, max_aliases, max_cost
        self.document_rules = tuple(document_rules)
        self.variable_checks = tuple(variable_checks)

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            # A rule class made per request (strawberry's AddValidationRules with a closure) would
            # make every key new: such checks belong in ``variable_checks``.
            rules = tuple(context.validation_rules) + self.document_rules
            limits = (self.max_depth, self.max_aliases, self.max_cost)
            # The query text first (a dict lookup), then the printed document: a text seen before costs
            # nothing, a new text of a known document (another comment) costs one print of it.
            text_key = (schema, canonical_text(context.query), rules, limits) if isinstance(context.query, str) else None
            plan = PLANS.get(text_key) if text_key is not None else None
            key = None
            if plan is None:
                key = await asyncio.to_thread(_plan_key, schema, document, rules, limits)  # prints the document
                plan = PLANS.get(key)
            if plan is None:
                refusal = over_budget(document)
                options = {"max_depth": self.max_depth, "max_aliases": self.max_aliases, "max_cost": self.max_cost}
                if refusal is not None:  # the limits (linear) are still worked out: each refusal is said
                    plan = _DocumentPlan(schema, document, rules, refusal=refusal, **options)
                else:
                    async with _validation_slot():
                        plan = await asyncio.to_thread(_DocumentPlan, schema, document, rules, **options)
                PLANS.put(key, plan)
            if key is not None and text_key is not None and text_key != key:
                PLANS.put(text_key, plan)
            variables = context.variables if isinstance(context.variables, Mapping) else {}
            errors = [e for check in self.variable_checks for e in check(variables)]
            context.pre_execution_errors = errors + plan.errors(variables)
        yield


__all__ = [
    "ALIASES_CODE", "COST_CODE", "DEPTH_CODE", "MAX_FIELDS", "MAX_OVERLAP_WORK", "PLANS", "QueryLimiter",
    "alias_count", "operation_depth", "over_budget",
]
