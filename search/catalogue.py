"""Searching the catalogue for a viewer: the hits, and for a recipient what each would cost them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, literal, select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.catalog.models import ClassifierItem, Listing, Provider
from marketplace.db import Database
from marketplace.orders.pricing import SERVED_IN_REGION, Coverage, PersonToday, coverage_for_listings, person_today
from search.contract import ListingFilter, ListingSearch, ListingSort


def _page_of_listings(served: Any) -> Any:
    """A page's listings with their providers and classifier items, and ``served`` beside each."""
    return (
        select(Listing, Provider, ClassifierItem, served)
        .join(Provider, Provider.id == Listing.provider_id)
        .join(ClassifierItem, ClassifierItem.id == Listing.classifier_item_id)
        .where(Listing.id.in_(bindparam("ids", expanding=True)))
    )


# Built once, the values bound per search (building the expression costs more than running it).
_PAGE = _page_of_listings(literal(False))
_PAGE_SERVED = _page_of_listings(SERVED_IN_REGION)


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
    each hit, so the GraphQL layer need not load them again); for a recipient
    before the search their region and whether their record is active today, and
    after it, with the listings, whether each serves that region, then the
    entitlements that may pay (marketplace/orders/pricing.py); none when the page is empty.
    """
    person: PersonToday | None = None
    if viewer.role == Role.RECIPIENT and viewer.person_id is not None:
        async with db.session() as session:
            person = await person_today(session, viewer.person_id)
        region = person.region_id if person is not None else None
    else:  # an officer's search defaults to their region; anyone else's to none
        region = viewer.region_id if viewer.role == Role.LOCAL_BODY else None
    filters = filters.with_default_region(region)
    result = await backend.search(query, filters, sort, first, offset)
    if not result.ids:
        return CatalogueResults(hits=[], total=result.total, facets=result.facets, backend=result.backend,
                                offset=offset)
    # Whether each listing serves the person coverage is for, read with the listing (the
    # recipient's own person; a person they represent has theirs read by the coverage).
    covered_here = person is not None and for_person_id in (None, person.person_id)
    async with db.session() as session:
        if covered_here and person is not None:
            page = session.execute(_PAGE_SERVED, {"ids": result.ids, "served_region_id": person.region_id})
        else:
            page = session.execute(_PAGE, {"ids": result.ids})
        rows = (await page).all()
        by_id = {listing.id: (listing, provider, item) for listing, provider, item, _ in rows}
        found = [by_id[i] for i in result.ids if i in by_id]
        coverage = await coverage_for_listings(
            session, viewer, [f[0] for f in found], person_id=for_person_id, person=person,
            items={item.id: item for _, _, item in found},
            served={listing.id for listing, _, _, serves in rows if serves} if covered_here else None,
        )
    return CatalogueResults(
        hits=[Hit(listing, coverage.get(listing.id), provider, item) for listing, provider, item in found],
        total=result.total, facets=result.facets, backend=result.backend, offset=offset,
    )
