"""Queries of the catalogue: the classifier and provider profiles."""

from __future__ import annotations

import strawberry

from marketplace.catalog.classifier import list_classifier
from marketplace.errors import not_found
from schema.catalog.types import ClassifierItem, ItemCategory, ItemKind, Provider
from schema.core.ids import decode_id
from schema.core.node import node_fetcher


@node_fetcher("Provider")
async def fetch_provider(info: strawberry.Info, pk: int) -> Provider:
    provider = await info.context.loaders.provider.load(pk)
    if provider is None:
        raise not_found("provider")
    return Provider.from_model(provider)


@node_fetcher("ClassifierItem")
async def fetch_classifier_item(info: strawberry.Info, pk: int) -> ClassifierItem:
    item = await info.context.loaders.classifier_item.load(pk)
    if item is None:
        raise not_found("classifier item")
    return ClassifierItem.from_model(item)


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
