"""Every DataLoader of a request, created once per request in the context: one per relation,
declared below by what it loads (a row by its id, the region ids of a row, ...)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from strawberry.dataloader import DataLoader

from marketplace import models as m
from marketplace.db import Database
from marketplace.documents.models import DocumentSubject
from schema.catalog.reviews import reviews_loader
from schema.core.loaders import by_primary_key, document_of, many_by


def _per_request(make: Callable[[Database], DataLoader[Any, Any]]) -> cached_property[DataLoader[Any, Any]]:
    """A loader made by ``make(db)`` when the request first asks for it, then kept for the request."""
    return cached_property(lambda loaders: make(loaders.db))


def _by_id(model: type[Any]) -> cached_property[DataLoader[Any, Any]]:
    """Rows of ``model`` by their id."""
    return _per_request(lambda db: by_primary_key(db, model))


def _region_ids(owner: InstrumentedAttribute[int], region: InstrumentedAttribute[int]) -> cached_property[DataLoader[Any, Any]]:
    """The region ids of each owner (a provider, a listing) in a table of (``owner``, ``region``), in id order."""
    return _per_request(lambda db: many_by(
        db,
        owner,
        lambda keys: select(owner, region).where(owner.in_(keys)).order_by(region),
        key_of=lambda row: row[0],
        value_of=lambda row: row[1],
    ))


def _document(subject: DocumentSubject) -> cached_property[DataLoader[Any, Any]]:
    """The result document of each application or claim."""
    return _per_request(lambda db: document_of(db, subject))


class Loaders:
    def __init__(self, db: Database) -> None:
        self.db = db

    region = _by_id(m.Region)
    person = _by_id(m.Person)
    provider = _by_id(m.Provider)
    classifier_item = _by_id(m.ClassifierItem)
    listing = _by_id(m.Listing)
    entitlement = _by_id(m.Entitlement)
    order = _by_id(m.Order)
    account = _by_id(m.Account)
    vehicle = _by_id(m.Vehicle)
    provider_region_ids = _region_ids(m.ProviderRegion.provider_id, m.ProviderRegion.region_id)
    listing_region_ids = _region_ids(m.ListingRegion.listing_id, m.ListingRegion.region_id)
    service_logs_by_order = _per_request(lambda db: many_by(
        db,
        m.ServiceLog.order_id,
        lambda keys: select(m.ServiceLog).where(m.ServiceLog.order_id.in_(keys)).order_by(m.ServiceLog.id),
        key_of=lambda row: row[0].order_id,
        value_of=lambda row: row[0],
    ))
    visible_reviews = _per_request(reviews_loader)
    application_document = _document(DocumentSubject.APPLICATION)
    claim_document = _document(DocumentSubject.CLAIM)
