"""Enums shared by several domains, exposed to GraphQL, and the strict input scalars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from operator import methodcaller
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from marketplace import syntax

from marketplace.accounts.models import Language as LanguageModel
from marketplace.accounts.models import Role as RoleModel

Language = strawberry.enum(LanguageModel, description="kk, ru or en.")
Role = strawberry.enum(RoleModel, description="What an account may do.")


def localized(viewer_language: LanguageModel, kk: str, ru: str, en: str, wanted: LanguageModel | None = None) -> str:
    lang = wanted or viewer_language
    text = {LanguageModel.KK: kk, LanguageModel.RU: ru, LanguageModel.EN: en}[lang]
    return text or ru or kk or en


# -- strict input scalars: every Decimal, Time and Date a client sends is read by marketplace/syntax.py --
def _strict(parser: Callable[[Any], object], type_name: str, *, strings_only: bool = True) -> Callable[[object], object]:
    def parse(value: object) -> object:
        if strings_only and not isinstance(value, str):
            raise StrawberryInputCoercionError(f"Value cannot represent a {type_name}: expected a string.")
        try:
            return parser(value)
        except ValueError as exc:
            raise StrawberryInputCoercionError(f"Value cannot represent a {type_name}: {exc}.") from None

    return parse


def _definition(origin: type, name: str, description: str, parser: Callable[[Any], object], *,
                strings_only: bool = True, serialize: Callable[[Any], Any] = methodcaller("isoformat")
                ) -> ScalarDefinition:
    return ScalarDefinition(name=name, description=description, specified_by_url=None, serialize=serialize,
                            parse_value=_strict(parser, name, strings_only=strings_only), parse_literal=None,
                            origin=origin)


STRICT_SCALARS: dict[object, ScalarDefinition] = {
    Decimal: _definition(Decimal, "Decimal", "Decimal (fixed-point), ASCII digits: 12.50", syntax.exact_decimal,
                         strings_only=False, serialize=str),
    dt.time: _definition(dt.time, "Time", "Local time HH:MM[:SS], no offset", syntax.local_time),
    dt.date: _definition(dt.date, "Date", "Date YYYY-MM-DD", syntax.calendar_date),
}
