"""Searching the catalogue for a viewer: the hits, and for a recipient what each would cost them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.catalog.models import ClassifierItem, Listing, Provider
from marketplace.db import Database
from marketplace.orders.pricing import Coverage, coverage_for_listings
from search.contract import ListingFilter, ListingSearch, ListingSort


@dataclass(frozen=True)
class Hit:
    listing: Listing
    coverage: Coverage | None
    # Read with the listing (one statement for the page): what a results page shows of each hit.
    provider: Provider | None = None
    classifier_item: ClassifierItem | None = None


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
    page's listings with their providers and classifier items (handed back on
    each hit, so the GraphQL layer need not load them again), and the
    coverage's own four for a recipient; none when the page is empty.
    """
    filters = filters.with_default_region(await viewer_region(db, viewer))
    result = await backend.search(query, filters, sort, first, offset)
    if not result.ids:
        return CatalogueResults(hits=[], total=result.total, facets=result.facets, backend=result.backend,
                                offset=offset)
    async with db.session() as session:
        rows = (
            await session.execute(
                select(Listing, Provider, ClassifierItem)
                .join(Provider, Provider.id == Listing.provider_id)
                .join(ClassifierItem, ClassifierItem.id == Listing.classifier_item_id)
                .where(Listing.id.in_(result.ids))
            )
        ).all()
        by_id = {listing.id: (listing, provider, item) for listing, provider, item in rows}
        found = [by_id[i] for i in result.ids if i in by_id]
        coverage = await coverage_for_listings(session, viewer, [f[0] for f in found], person_id=for_person_id)
    return CatalogueResults(
        hits=[Hit(listing, coverage.get(listing.id), provider, item) for listing, provider, item in found],
        total=result.total, facets=result.facets, backend=result.backend, offset=offset,
    )
