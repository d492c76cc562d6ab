"""Mutations of the catalogue: the listing lifecycle and provider profiles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from marketplace.catalog import services
from schema.catalog.types import DeliveryOption, Listing, Provider, VerificationStatus
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.inputs import id_list
from schema.core.mutations import mutation, transaction


ReviewDecision = strawberry.enum(services.ReviewDecision, description="APPROVE publishes; REJECT needs a reason.")


@strawberry.input
class CreateListingInput:
    classifier_item_id: strawberry.ID
    unit_price: Decimal
    region_ids: list[strawberry.ID]
    delivery_options: list[DeliveryOption]  # type: ignore[valid-type]
    lead_time_days: int = 0
    stock: int | None = None
    attributes: JSON | None = None
    title_kk: str = ""
    title_ru: str = ""
    title_en: str = ""
    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""


@strawberry.input(description="Only the fields given change; null clears a text, or makes stock untracked.")
class UpdateListingInput:
    classifier_item_id: strawberry.Maybe[strawberry.ID]
    unit_price: strawberry.Maybe[Decimal]
    region_ids: strawberry.Maybe[list[strawberry.ID]]
    delivery_options: strawberry.Maybe[list[DeliveryOption]]  # type: ignore[valid-type]
    lead_time_days: strawberry.Maybe[int]
    stock: strawberry.Maybe[int | None]
    attributes: strawberry.Maybe[JSON | None]
    title_kk: strawberry.Maybe[str | None]
    title_ru: strawberry.Maybe[str | None]
    title_en: strawberry.Maybe[str | None]
    description_kk: strawberry.Maybe[str | None]
    description_ru: strawberry.Maybe[str | None]
    description_en: strawberry.Maybe[str | None]


@strawberry.input(description="Only the fields given change.")
class UpdateProviderProfileInput:
    phone: strawberry.Maybe[str | None]
    email: strawberry.Maybe[str | None]
    address: strawberry.Maybe[str | None]
    website: strawberry.Maybe[str | None]
    accessibility: strawberry.Maybe[list[str]]
    region_ids: strawberry.Maybe[list[strawberry.ID]]


@strawberry.type
class ListingPayload(Payload):
    listing: Listing | None = None


@strawberry.type
class ProviderPayload(Payload):
    provider: Provider | None = None


MAX_REGIONS = 100  # a listing's or a provider's


def region_ids(ids: list[strawberry.ID]) -> list[int]:
    return id_list(ids, "Region", "regionIds", at_most=MAX_REGIONS)


def _given(value: Any, convert=lambda v: v) -> Any:  # type: ignore[no-untyped-def]
    return services.UNSET if value is None else convert(value.value)


def _listing(listing) -> ListingPayload:  # type: ignore[no-untyped-def]
    return ListingPayload(listing=Listing.from_model(listing))


def provider_payload(profile) -> ProviderPayload:  # type: ignore[no-untyped-def]
    return ProviderPayload(provider=Provider.from_model(profile.provider))


def _listing_id(value: strawberry.ID) -> int:
    return decode_id(value, "Listing", "listingId")


def _provider_id(value: strawberry.ID) -> int:
    return decode_id(value, "Provider", "providerId")


@strawberry.type
class CatalogMutations:
    @mutation(description="Provider: a new DRAFT listing of one classifier item.")
    async def create_listing(self, info: strawberry.Info, input: CreateListingInput) -> ListingPayload:
        return _listing(await transaction(
            info, services.create_listing,
            classifier_item_id=decode_id(input.classifier_item_id, "ClassifierItem", "classifierItemId"),
            unit_price=input.unit_price, region_ids=region_ids(input.region_ids),
            delivery_options=[d.value for d in input.delivery_options], lead_time_days=input.lead_time_days,
            stock=input.stock, attributes=input.attributes, title_kk=input.title_kk, title_ru=input.title_ru,
            title_en=input.title_en, description_kk=input.description_kk, description_ru=input.description_ru,
            description_en=input.description_en))

    @mutation(description="Provider: edit a listing. Price, item or text changes to a published "
                          "listing send it back to review; stock and lead time do not.")
    async def update_listing(
        self, info: strawberry.Info, listing_id: strawberry.ID, input: UpdateListingInput, expected_version: int | None = None
    ) -> ListingPayload:
        return _listing(await transaction(
            info, services.update_listing, _listing_id(listing_id), expected_version=expected_version,
            classifier_item_id=_given(input.classifier_item_id,
                                      lambda v: decode_id(v, "ClassifierItem", "classifierItemId")),
            unit_price=_given(input.unit_price), region_ids=_given(input.region_ids, region_ids),
            delivery_options=_given(input.delivery_options, lambda v: [d.value for d in v]),
            lead_time_days=_given(input.lead_time_days), stock=_given(input.stock),
            attributes=_given(input.attributes), title_kk=_given(input.title_kk), title_ru=_given(input.title_ru),
            title_en=_given(input.title_en), description_kk=_given(input.description_kk),
            description_ru=_given(input.description_ru), description_en=_given(input.description_en)))

    @mutation(description="Provider: send a draft (or rejected) listing to moderation.")
    async def submit_listing(self, info: strawberry.Info, listing_id: strawberry.ID) -> ListingPayload:
        return _listing(await transaction(info, services.submit_listing, _listing_id(listing_id)))

    @mutation(description="Officer of a region the listing serves (or admin): publish or reject.")
    async def review_listing(
        self, info: strawberry.Info, listing_id: strawberry.ID, decision: ReviewDecision,  # type: ignore[valid-type]
        reason: str | None = None, expected_version: int | None = None,
    ) -> ListingPayload:
        return _listing(await transaction(info, services.review_listing, _listing_id(listing_id), decision, reason,
                                          expected_version=expected_version))

    @mutation(description="Owner or admin: withdraw a listing for good.")
    async def archive_listing(self, info: strawberry.Info, listing_id: strawberry.ID, reason: str | None = None) -> ListingPayload:
        return _listing(await transaction(info, services.archive_listing, _listing_id(listing_id), reason))

    @mutation(description="Provider: keep the organisation's contacts, accessibility and regions.")
    async def update_provider_profile(
        self, info: strawberry.Info, provider_id: strawberry.ID, input: UpdateProviderProfileInput
    ) -> ProviderPayload:
        return provider_payload(await transaction(
            info, services.update_provider_profile, _provider_id(provider_id), phone=_given(input.phone),
            email=_given(input.email), address=_given(input.address), website=_given(input.website),
            accessibility=_given(input.accessibility), region_ids=_given(input.region_ids, region_ids)))

    @mutation(description="Admin: verify or suspend a provider.")
    async def verify_provider(
        self, info: strawberry.Info, provider_id: strawberry.ID, status: VerificationStatus,  # type: ignore[valid-type]
        reason: str | None = None,
    ) -> ProviderPayload:
        return provider_payload(await transaction(info, services.verify_provider, _provider_id(provider_id), status,
                                                  reason))
