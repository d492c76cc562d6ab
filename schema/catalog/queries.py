"""Queries of the catalogue: the classifier and provider profiles."""

from __future__ import annotations

import strawberry

from marketplace.catalog import services
from marketplace.catalog.classifier import list_classifier
from schema.catalog.types import ClassifierItem, ItemCategory, ItemKind, Listing, ListingStatus, Provider
from schema.core.ids import decode_id
from schema.core.node import node_fetcher, node_from_loader, node_from_service
from schema.core.pagination import Connection, service_connection


@node_fetcher("Provider")
async def fetch_provider(info: strawberry.Info, pk: int) -> Provider:
    async with info.context.db.session() as session:
        profile = await services.get_provider(session, info.context.viewer, pk)
    return Provider.from_model(profile.provider)


fetch_listing = node_from_service("Listing", services.get_listing, Listing.from_model)


fetch_classifier_item = node_from_loader("ClassifierItem", "classifier_item", ClassifierItem.from_model,
                                         "classifier item")


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="The state list of technical aids and services, with price caps.")
    async def classifier(
        self,
        info: strawberry.Info,
        kind: ItemKind | None = None,  # type: ignore[valid-type]
        category: ItemCategory | None = None,  # type: ignore[valid-type]
        text: str | None = None,
    ) -> list[ClassifierItem]:
        async with info.context.db.session() as session:
            items = await list_classifier(session, kind=kind, category=category, text=text)
        return [ClassifierItem.from_model(i) for i in items]

    @strawberry.field(description="A provider's public profile.")
    async def provider(self, info: strawberry.Info, id: strawberry.ID) -> Provider:
        return await fetch_provider(info, decode_id(id, "Provider"))

    @strawberry.field(description="A listing: published ones for everyone; others for the owner, the region's "
                                  "officers and the admin.")
    async def listing(self, info: strawberry.Info, id: strawberry.ID) -> Listing:
        return await fetch_listing(info, decode_id(id, "Listing"))

    @strawberry.field(description="A provider's listings in any status (the owner, officers, admin), newest first.")
    async def provider_listings(
        self, info: strawberry.Info, provider_id: strawberry.ID,
        status: ListingStatus | None = None, first: int | None = None, after: str | None = None,  # type: ignore[valid-type]
    ) -> Connection[Listing]:
        return await service_connection(
            info, services.list_provider_listings, decode_id(provider_id, "Provider", "providerId"), status=status,
            first=first, after=after, wrap=Listing.from_model, page_names=("limit", "after_id"))

    @strawberry.field(description="Officer: listings waiting for review in the officer's region, oldest first.")
    async def moderation_queue(self, info: strawberry.Info, first: int | None = None, after: str | None = None) -> Connection[Listing]:
        return await service_connection(info, services.moderation_queue, first=first, after=after,
                                        wrap=Listing.from_model, page_names=("limit", "after_id"))
