"""The catalogue's rows as the services handle them: the regions a listing or a provider serves, their
pictures for the audit trail, their row locks, and the search outbox that carries their changes to the index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.audit.services import snapshot
from marketplace.catalog.models import Listing, ListingRegion, Provider, ProviderRegion, SearchOutbox
from marketplace.db import select_for_update


def add_to_outbox(session: AsyncSession, entity: str, entity_id: int) -> None:
    session.add(SearchOutbox(entity=entity, entity_id=entity_id))


async def listing_region_ids(session: AsyncSession, listing_ids: Iterable[int]) -> dict[int, list[int]]:
    """The regions of each listing (for loaders and documents), in one query."""
    ids = sorted(set(listing_ids))
    out: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = await session.execute(
        select(ListingRegion.listing_id, ListingRegion.region_id)
        .where(ListingRegion.listing_id.in_(ids))
        .order_by(ListingRegion.listing_id, ListingRegion.region_id)
    )
    for listing_id, region_id in rows:
        out[listing_id].append(region_id)
    return out


async def regions_of_listing(session: AsyncSession, listing_id: int) -> list[int]:
    return (await listing_region_ids(session, [listing_id]))[listing_id]


async def provider_region_ids(session: AsyncSession, provider_id: int) -> list[int]:
    rows = await session.execute(
        select(ProviderRegion.region_id)
        .where(ProviderRegion.provider_id == provider_id)
        .order_by(ProviderRegion.region_id)
    )
    return list(rows.scalars())


async def set_regions(
    session: AsyncSession, link: type[ListingRegion] | type[ProviderRegion], owner_id: int,
    old: Iterable[int], new: Iterable[int],
) -> None:
    """The regions of a listing (``link`` ListingRegion) or a provider (ProviderRegion) go from
    ``old`` to ``new``: the rows of regions no longer named deleted, those of added ones inserted."""
    owner = "listing_id" if link is ListingRegion else "provider_id"
    old, new = list(old), list(new)
    await session.execute(delete(link).where(getattr(link, owner) == owner_id, link.region_id.not_in(new)))
    added = [r for r in new if r not in old]
    if added:
        await session.execute(insert(link), [{owner: owner_id, "region_id": r} for r in added])


def listing_snapshot(listing: Listing, region_ids: Iterable[int]) -> dict[str, Any]:
    snap = snapshot(listing)
    snap["region_ids"] = sorted(region_ids)
    return snap


def provider_snapshot(provider: Provider, region_ids: Iterable[int]) -> dict[str, Any]:
    snap = snapshot(provider)
    snap["region_ids"] = sorted(region_ids)
    return snap


async def lock_listing(session: AsyncSession, listing_id: int) -> Listing | None:
    """The listing, read afresh and locked for the transaction (a no-op lock on SQLite)."""
    return (await session.execute(select_for_update(Listing, listing_id))).scalar_one_or_none()


async def lock_provider(session: AsyncSession, provider_id: int, *, share: bool = False) -> Provider | None:
    return (
        await session.execute(
            select(Provider)
            .where(Provider.id == provider_id)
            .with_for_update(read=share)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
