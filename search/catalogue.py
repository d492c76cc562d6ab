"""Searching the catalogue for a viewer: the hits, and for a recipient what each would cost them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.catalog.models import Listing
from marketplace.db import Database
from marketplace.orders.pricing import Coverage, coverage_for_listings
from search.query import ListingFilter, ListingSearch, ListingSort


@dataclass(frozen=True)
class Hit:
    listing: Listing
    coverage: Coverage | None


@dataclass(frozen=True)
class CatalogueResults:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    backend: str = "meilisearch"
    offset: int = 0


async def viewer_region(db: Database, viewer: Viewer) -> int | None:
    """The region a viewer's search defaults to: the recipient's or the officer's."""
    if viewer.role == Role.LOCAL_BODY:
        return viewer.region_id
    if viewer.role == Role.RECIPIENT and viewer.person_id is not None:
        async with db.session() as session:
            return (await session.execute(select(Person.region_id).where(Person.id == viewer.person_id))).scalar()
    return None


async def search_catalogue(
    db: Database,
    backend: ListingSearch,
    viewer: Viewer,
    *,
    query: str,
    filters: ListingFilter,
    sort: ListingSort | None,
    first: int,
    offset: int,
    for_person_id: int | None = None,
) -> CatalogueResults:
    """Published listings serving the viewer's region unless another region is asked for.

    A fixed number of queries whatever the page size: the search, one for the
    page's listings, and the coverage's own four for a recipient.
    """
    filters = filters.with_default_region(await viewer_region(db, viewer))
    result = await backend.search(query, filters, sort, first, offset)
    async with db.session() as session:
        rows = (await session.execute(select(Listing).where(Listing.id.in_(result.ids)))).scalars().all() if result.ids else []
        by_id = {row.id: row for row in rows}
        listings = [by_id[i] for i in result.ids if i in by_id]
        coverage = await coverage_for_listings(session, viewer, listings, person_id=for_person_id)
    return CatalogueResults(
        hits=[Hit(listing, coverage.get(listing.id)) for listing in listings],
        total=result.total, facets=result.facets, backend=result.backend, offset=offset,
    )
