"""Every DataLoader of a request, created once per request in the context."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import select

from marketplace import models as m
from marketplace.db import Database
from marketplace.documents.models import DocumentSubject
from schema.core.loaders import by_primary_key, document_of, many_by


class Loaders:
    def __init__(self, db: Database) -> None:
        self.db = db

    @cached_property
    def region(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Region)

    @cached_property
    def person(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Person)

    @cached_property
    def provider(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Provider)

    @cached_property
    def classifier_item(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.ClassifierItem)

    @cached_property
    def listing(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Listing)

    @cached_property
    def entitlement(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Entitlement)

    @cached_property
    def order(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Order)

    @cached_property
    def account(self):  # type: ignore[no-untyped-def]
        return by_primary_key(self.db, m.Account)

    @cached_property
    def provider_region_ids(self):  # type: ignore[no-untyped-def]
        return many_by(
            self.db,
            m.ProviderRegion.provider_id,
            lambda keys: select(m.ProviderRegion.provider_id, m.ProviderRegion.region_id)
            .where(m.ProviderRegion.provider_id.in_(keys))
            .order_by(m.ProviderRegion.region_id),
            key_of=lambda row: row[0],
            value_of=lambda row: row[1],
        )

    @cached_property
    def listing_region_ids(self):  # type: ignore[no-untyped-def]
        return many_by(
            self.db,
            m.ListingRegion.listing_id,
            lambda keys: select(m.ListingRegion.listing_id, m.ListingRegion.region_id)
            .where(m.ListingRegion.listing_id.in_(keys))
            .order_by(m.ListingRegion.region_id),
            key_of=lambda row: row[0],
            value_of=lambda row: row[1],
        )

    @cached_property
    def service_logs_by_order(self):  # type: ignore[no-untyped-def]
        return many_by(
            self.db,
            m.ServiceLog.order_id,
            lambda keys: select(m.ServiceLog).where(m.ServiceLog.order_id.in_(keys)).order_by(m.ServiceLog.id),
            key_of=lambda row: row[0].order_id,
            value_of=lambda row: row[0],
        )

    @cached_property
    def visible_reviews(self):  # type: ignore[no-untyped-def]
        from schema.catalog.reviews import reviews_loader

        return reviews_loader(self.db)

    @cached_property
    def application_document(self):  # type: ignore[no-untyped-def]
        return document_of(self.db, DocumentSubject.APPLICATION)

    @cached_property
    def claim_document(self):  # type: ignore[no-untyped-def]
        return document_of(self.db, DocumentSubject.CLAIM)
