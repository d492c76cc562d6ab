"""Input text the database cannot hold is refused before anything runs.

PostgreSQL's text types cannot store the NUL character (U+0000): a string
carrying one makes asyncpg fail *inside* a query ("invalid byte sequence for
encoding UTF8: 0x00"), which a client would see as an INTERNAL error, and
only on PostgreSQL (SQLite stores it). No text of the portal has a use for
it, so one rule refuses it anywhere in a request: in the document's string
literals and in every variable, however deeply nested (JSON scalars
included, keys too), with ``extensions.code == "INVALID"``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import AddValidationRules

NUL = "\x00"
MESSAGE = "Text must not contain the NUL character (U+0000)."


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return NUL in value
    if depth > 200:  # deeper than any JSON the parser lets through; nothing to find
        return False
    if isinstance(value, Mapping):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


def nul_rule(variables: Mapping[str, Any] | None) -> type[ValidationRule]:
    class NoNulRule(ValidationRule):
        def enter_document(self, *_: Any) -> None:
            if variables and _has_nul(variables):
                self.report_error(GraphQLError(MESSAGE, extensions={"code": "INVALID"}))

        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            if NUL in node.value:
                self.report_error(GraphQLError(MESSAGE, node, extensions={"code": "INVALID"}))

    return NoNulRule


class RefuseNulCharacters(AddValidationRules):
    """Pass it as a class or a factory; it reads the request's variables."""

    def __init__(self) -> None:
        super().__init__([])

    def on_operation(self) -> Iterator[None]:
        variables = self.execution_context.variables
        self.validation_rules = [nul_rule(variables if isinstance(variables, Mapping) else None)]
        yield from super().on_operation()


__all__ = ["RefuseNulCharacters", "nul_rule"]
