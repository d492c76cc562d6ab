"""Reading the state classifier and the regions: public reference data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.models import Region
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind
from marketplace.errors import DomainError, ErrorCode


async def list_regions(session: AsyncSession) -> list[Region]:
    return list((await session.execute(select(Region).order_by(Region.code))).scalars())


async def list_classifier(
    session: AsyncSession,
    *,
    kind: ItemKind | None = None,
    category: ItemCategory | None = None,
    text: str | None = None,
    include_inactive: bool = False,
) -> list[ClassifierItem]:
    stmt = select(ClassifierItem).order_by(ClassifierItem.code)
    if not include_inactive:
        stmt = stmt.where(ClassifierItem.is_active.is_(True))
    if kind is not None:
        stmt = stmt.where(ClassifierItem.kind == kind)
    if category is not None:
        stmt = stmt.where(ClassifierItem.category == category)
    if text:
        if len(text) > 100:
            raise DomainError(ErrorCode.TOO_LONG, "At most 100 characters.", "text")
        items = (await session.execute(stmt)).scalars().all()
        needle = text.casefold()
        # Case folding in Python: SQLite's lower() folds ASCII only, not Cyrillic.
        return [
            i
            for i in items
            if needle in i.code.casefold()
            or needle in i.name_kk.casefold()
            or needle in i.name_ru.casefold()
            or needle in i.name_en.casefold()
        ]
    return list((await session.execute(stmt)).scalars())


