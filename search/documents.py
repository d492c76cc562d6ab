"""Search documents, rebuilt from the database (the source of truth).

A document is one listing that buyers may find: a PUBLISHED listing of a
provider that is not SUSPENDED. Its id is the listing id. Everything else
(drafts, listings under review, rejected or archived ones, the listings of a
suspended provider) has no document; the indexer deletes it from the index.

``build_documents`` reads a batch of listings in a fixed number of queries
per ``CHUNK`` ids (listings, classifier items, providers, regions), never one
query per listing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ListingStatus, Provider, ProviderRegion
from marketplace.catalog.models import VerificationStatus

from search.vocabulary import everyday_text
from search.wording import normalised

# Ids per IN (...) list: far below SQLite's and asyncpg's parameter limits.
CHUNK: Final = 500

Document = dict[str, Any]


def indexable_clause() -> ColumnElement[bool]:
    """Listings that belong in the index; the query must join ``Provider``."""
    return and_(
        Listing.status == ListingStatus.PUBLISHED,
        Provider.verification_status != VerificationStatus.SUSPENDED,
    )


def is_indexable(listing: Listing, provider: Provider | None) -> bool:
    return (
        provider is not None
        and listing.status == ListingStatus.PUBLISHED
        and provider.verification_status != VerificationStatus.SUSPENDED
    )


def in_stock(stock: int | None) -> bool:
    """Untracked stock (None) counts as available; tracked stock needs one unit."""
    return stock is None or stock > 0


def rating_value(rating_sum: int, rating_count: int) -> float | None:
    """The mean rating as a float (the SQL fallback computes the same division)."""
    if not rating_count:
        return None
    return rating_sum / rating_count


def flatten_attributes(value: Any) -> str:
    """The values of a listing's free-form attributes as one line of text.

    Strings and numbers are kept; a ``True`` flag contributes its key ("foldable"),
    since the key is the meaning; ``False`` and ``None`` contribute nothing.
    """
    parts: list[str] = []
    _flatten(value, None, parts)
    return " ".join(p for p in parts if p)


def _flatten(value: Any, key: str | None, out: list[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, str(k), out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _flatten(v, key, out)
    elif isinstance(value, bool):
        if value and key:
            out.append(key.replace("_", " "))
    elif isinstance(value, (int, float, str)):
        out.append(str(value).strip())


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def make_document(
    listing: Listing, item: ClassifierItem, provider: Provider, region_ids: Iterable[int]
) -> Document:
    attributes = flatten_attributes(listing.attributes or {})
    return {
        "id": listing.id,
        # The words of the listing reduced to stems (search.wording), which queries are
        # reduced to as well: what the item is (titles, classifier names, the everyday words
        # of its item and category), then what else the listing says.
        "search_title": normalised(" ".join((
            listing.title_kk or "", listing.title_ru or "", listing.title_en or "",
            item.name_kk, item.name_ru, item.name_en, everyday_text(item.code, item.category.value),
        ))),
        "search_text": normalised(" ".join((
            provider.name, listing.description_kk or "", listing.description_ru or "",
            listing.description_en or "", attributes,
        ))),
        "title_kk": listing.title_kk or "",
        "title_ru": listing.title_ru or "",
        "title_en": listing.title_en or "",
        "description_kk": listing.description_kk or "",
        "description_ru": listing.description_ru or "",
        "description_en": listing.description_en or "",
        "classifier_item_id": item.id,
        "classifier_code": item.code,
        "classifier_name_kk": item.name_kk,
        "classifier_name_ru": item.name_ru,
        "classifier_name_en": item.name_en,
        "category": item.category.value,
        "kind": item.kind.value,
        "unit": item.unit.value,
        "provider_id": provider.id,
        "provider_name": provider.name,
        "provider_verified": provider.verification_status == VerificationStatus.VERIFIED,
        "region_ids": sorted(set(region_ids)),
        # Meilisearch numbers are doubles; the exact price stays in the database.
        "unit_price": float(listing.unit_price),
        "delivery_options": sorted(set(listing.delivery_options or [])),
        "lead_time_days": listing.lead_time_days,
        "stock": listing.stock,
        "in_stock": in_stock(listing.stock),
        "rating": rating_value(listing.rating_sum, listing.rating_count),
        "rating_count": listing.rating_count,
        "status": listing.status.value,
        "attributes_text": attributes,
        "version": listing.version,
    }


async def build_documents(session: AsyncSession, listing_ids: Iterable[int]) -> dict[int, Document]:
    """Documents for those of ``listing_ids`` that belong in the index.

    Ids that are missing, or whose listing must not be found, are absent from
    the result: the caller deletes them from the index.
    """
    ids = sorted({int(i) for i in listing_ids})
    documents: dict[int, Document] = {}
    for chunk in _chunks(ids):
        listings = [
            row
            for row in (await session.execute(select(Listing).where(Listing.id.in_(chunk)))).scalars()
            if row.status == ListingStatus.PUBLISHED
        ]
        if not listings:
            continue
        provider_ids = sorted({row.provider_id for row in listings})
        item_ids = sorted({row.classifier_item_id for row in listings})
        providers = {
            p.id: p
            for p in (await session.execute(select(Provider).where(Provider.id.in_(provider_ids)))).scalars()
        }
        items = {
            i.id: i
            for i in (
                await session.execute(select(ClassifierItem).where(ClassifierItem.id.in_(item_ids)))
            ).scalars()
        }
        # A listing is offered in its regions that its provider still serves.
        regions: dict[int, list[int]] = defaultdict(list)
        region_rows = await session.execute(
            select(ListingRegion.listing_id, ListingRegion.region_id)
            .join(Listing, Listing.id == ListingRegion.listing_id)
            .join(
                ProviderRegion,
                and_(
                    ProviderRegion.provider_id == Listing.provider_id,
                    ProviderRegion.region_id == ListingRegion.region_id,
                ),
            )
            .where(ListingRegion.listing_id.in_([row.id for row in listings]))
        )
        for listing_id, region_id in region_rows:
            regions[listing_id].append(region_id)
        for row in listings:
            provider = providers.get(row.provider_id)
            item = items.get(row.classifier_item_id)
            if item is None or provider is None or not is_indexable(row, provider):
                continue
            documents[row.id] = make_document(row, item, provider, regions.get(row.id, ()))
    return documents


async def listing_ids_of_providers(session: AsyncSession, provider_ids: Iterable[int]) -> set[int]:
    """Every listing of these providers, whatever its status (a provider change touches all)."""
    ids = sorted({int(i) for i in provider_ids})
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update((await session.execute(select(Listing.id).where(Listing.provider_id.in_(chunk)))).scalars())
    return found


async def listing_ids_of_classifier_items(session: AsyncSession, item_ids: Iterable[int]) -> set[int]:
    ids = sorted({int(i) for i in item_ids})
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(
            (await session.execute(select(Listing.id).where(Listing.classifier_item_id.in_(chunk)))).scalars()
        )
    return found


async def count_indexable(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(Listing).join(Provider, Provider.id == Listing.provider_id)
    return int((await session.execute(stmt.where(indexable_clause()))).scalar_one())


async def indexable_ids_after(session: AsyncSession, after_id: int, limit: int) -> list[int]:
    """The next ``limit`` indexable listing ids above ``after_id`` (keyset paging for a full load)."""
    stmt = (
        select(Listing.id)
        .join(Provider, Provider.id == Listing.provider_id)
        .where(indexable_clause(), Listing.id > after_id)
        .order_by(Listing.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
