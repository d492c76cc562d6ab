"""Enums shared by several domains, exposed to GraphQL."""

from __future__ import annotations

import strawberry

from marketplace.accounts.models import Language as LanguageModel
from marketplace.accounts.models import Role as RoleModel

Language = strawberry.enum(LanguageModel, description="kk, ru or en.")
Role = strawberry.enum(RoleModel, description="What an account may do.")


def localized(viewer_language: LanguageModel, kk: str, ru: str, en: str, wanted: LanguageModel | None = None) -> str:
    lang = wanted or viewer_language
    text = {LanguageModel.KK: kk, LanguageModel.RU: ru, LanguageModel.EN: en}[lang]
    return text or ru or kk or en
