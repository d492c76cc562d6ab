"""What no input may carry, refused before anything runs (``extensions.code`` INVALID or OUT_OF_RANGE).

* **NUL** (U+0000): PostgreSQL's text types cannot store it; a string carrying one made asyncpg
  fail *inside* a query, an INTERNAL error, and only on PostgreSQL.
* **Lone surrogates** (U+D800..U+DFFF not in a pair): valid JSON (``"\\ud800"``) decodes to a Python
  string that cannot be encoded as UTF-8, so the database driver, Meilisearch (which then refused
  the whole search) and every log line fail on it: INTERNAL in 9 of 14 text inputs.
* **Long lists**: a list argument with 40,000 classifier codes was refused with "At most 100
  values." only after seconds of quadratic de-duplication (and graphql-core's coercion of every
  item) while the event loop served nothing else. No list of the API has a use for more than
  ``MAX_LIST_ITEMS`` items, so a longer one is refused before it is read at all.

One walk of the variables (however deeply nested; JSON scalars included, keys too) and of the
document's string and list literals, in ``schema/schema.py::build_schema`` (the literals with
the validation cached per document, the variables on every request).

Then, in a resolver inside the mutation envelope (schema/core/mutations.py), the parsing of what
the arguments mean before a service sees them: global ids to primary keys (``decode_id`` of
schema/core/ids.py, ``optional_id``, ``id_list``) and the arguments one branch of a mutation needs (``required``),
each refusal a ``DomainError`` at the field the client wrote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from collections.abc import Sequence
from typing import TypeVar

from graphql import GraphQLError, ListValueNode, StringValueNode, ValidationRule

from marketplace.errors import DomainError, ErrorCode
from schema.core.ids import decode_id

T = TypeVar("T")

MAX_LIST_ITEMS = 1000
NUL_MESSAGE = "Text must not contain the NUL character (U+0000)."
SURROGATE_MESSAGE = "Text must not contain unpaired surrogates (U+D800 to U+DFFF): it is not valid Unicode."
LIST_MESSAGE = f"At most {MAX_LIST_ITEMS} values in a list."
_NUL = re.compile("\x00")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_DEPTH = 200  # deeper than any JSON the parser lets through; nothing to find below


def _text_refusal(text: str) -> GraphQLError | None:
    if _NUL.search(text):
        return GraphQLError(NUL_MESSAGE, extensions={"code": "INVALID"})
    if _SURROGATE.search(text):
        return GraphQLError(SURROGATE_MESSAGE, extensions={"code": "INVALID"})
    return None


def input_refusal(value: Any, depth: int = 0) -> GraphQLError | None:
    """The first reason ``value`` (a request's variables, or any part of them) is refused, or None."""
    if isinstance(value, str):
        return _text_refusal(value)
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if (refusal := input_refusal(key, depth + 1) or input_refusal(item, depth + 1)) is not None:
                return refusal
    elif isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            return GraphQLError(LIST_MESSAGE, extensions={"code": "OUT_OF_RANGE", "maxItems": MAX_LIST_ITEMS})
        for item in value:
            if (refusal := input_refusal(item, depth + 1)) is not None:
                return refusal
    return None


def variables_refusals(variables: Mapping[str, Any]) -> list[GraphQLError]:
    """For ``QueryLimiter(variable_checks=...)``: run on every request, before the variables are coerced."""
    refusal = input_refusal(variables) if variables else None
    return [refusal] if refusal is not None else []


class DocumentInputRule(ValidationRule):
    """The same refusals for the literals written in the document (cached with its validation)."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if (refusal := _text_refusal(node.value)) is not None:
            self.report_error(GraphQLError(refusal.message, node, extensions=refusal.extensions))

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > MAX_LIST_ITEMS:
            self.report_error(GraphQLError(LIST_MESSAGE, node,
                                           extensions={"code": "OUT_OF_RANGE", "maxItems": MAX_LIST_ITEMS}))


def optional_id(value: str | None, expected: str, field: str) -> int | None:
    """``decode_id`` of an argument that may be left out (None stays None)."""
    return None if value is None else decode_id(value, expected, field)


def id_list(values: Sequence[str], expected: str, field: str, *, at_most: int) -> list[int]:
    """The primary keys of a list of global ids, refused (OUT_OF_RANGE) past ``at_most`` before any is read."""
    if len(values) > at_most:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} at a time.", field, count=at_most)
    return [decode_id(value, expected, field) for value in values]


def required(value: T | None, field: str, *, or_quote: bool = False) -> T:
    """An argument this branch of a mutation needs (REQUIRED when left out); ``or_quote``: the
    branch of placeOrder that a quoteId replaces."""
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, "Required (or give quoteId)." if or_quote
                          else "{name} is required for this kind of claim.", field, name=field)
    return value


__all__ = ["MAX_LIST_ITEMS", "DocumentInputRule", "id_list", "input_refusal", "optional_id", "required",
           "variables_refusals"]
