"""Listings and provider profiles.

Listing lifecycle
-----------------
::

    DRAFT ─submit→ PENDING_REVIEW ─approve→ PUBLISHED
                    │   ↑     ↑                 │
              reject│   │     └─ edit of price, classifier item, texts or attributes
                    ↓   │submit
                  REJECTED

    any state but ARCHIVED ─archive→ ARCHIVED (final)

- ``create_listing``: a PROVIDER for its own organisation (an ADMIN may act for
  a ``provider_id``); the listing starts as DRAFT.
- ``update_listing``: the owning provider; fields left out stay as they are.
  A PUBLISHED listing whose unit price, classifier item, titles, descriptions
  or attributes change goes back to PENDING_REVIEW: they are what the officer
  checked and what a buyer decides on. Stock, lead time, delivery options and
  regions (always among those the provider serves) are operational and keep
  it PUBLISHED. A listing under review may be edited and stays under review
  (an officer pins what they saw with ``expected_version``). ARCHIVED
  listings cannot be edited.
- ``submit_listing``: the owner, DRAFT or REJECTED → PENDING_REVIEW.
- ``review_listing``: a LOCAL_BODY officer of any region the listing serves, or
  an ADMIN: PENDING_REVIEW → PUBLISHED (APPROVE) or REJECTED (REJECT, with a
  reason). A provider never reviews.
- ``archive_listing``: the owner or an ADMIN, from any state but ARCHIVED.
- The listings of a SUSPENDED provider can be drafted and edited but neither
  submitted nor approved (NOT_ELIGIBLE).

Every transition is checked first (INVALID_TRANSITION naming the current
state) and then made by a conditional UPDATE on the old status, so two
concurrent requests cannot both move the listing; the row is also locked
(SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised by BEGIN
IMMEDIATE). Every change bumps ``Listing.version``, leaves an AuditEvent and a
SearchOutbox row in the caller's transaction. An edit or review may pass
``expected_version``: a listing that changed since the caller read it is then
refused (INVALID on ``expectedVersion``), so an officer never approves a
version they did not see.

Who sees a listing (``get_listing`` and the lists): everyone sees PUBLISHED
listings of providers that are not SUSPENDED (what search shows); the owning
provider sees all its own; a LOCAL_BODY officer sees every listing serving
their region, whatever its status; a recipient also sees a listing they (or a
person they represent) ordered, whatever became of it; an ADMIN sees all.
Anything else is NOT_FOUND, exactly as a missing id.

Lists return up to ``limit + 1`` rows: an extra row means there is a next page
(as ``schema.core.pagination.build_connection`` expects).

The domain's public API, gathered from its modules: ``editing``, ``moderation``, ``browsing``, ``providers``
(and ``rows``, the regions, pictures, locks and outbox of listings and providers).
"""

from __future__ import annotations

from marketplace.catalog.browsing import MAX_PAGE, clean_page_args, public_listing_clause, visible_listing_clause
from marketplace.catalog.browsing import get_listing, list_provider_listings, moderation_queue
from marketplace.catalog.editing import UNSET, TITLE_FIELDS, DESCRIPTION_FIELDS, REVIEWED_FIELDS, check_version
from marketplace.catalog.editing import create_listing, own_listing, update_listing
from marketplace.catalog.moderation import ReviewDecision, SUBMITTABLE, ARCHIVABLE, wrong_state, check_can_be_offered
from marketplace.catalog.moderation import submit_listing, review_listing, archive_listing
from marketplace.catalog.providers import ProviderProfile, get_provider, outbox_provider
from marketplace.catalog.providers import provider_for_keeper, update_provider_profile, verify_provider
from marketplace.catalog.rows import add_to_outbox, listing_region_ids, regions_of_listing, provider_region_ids
from marketplace.catalog.rows import listing_snapshot, provider_snapshot, lock_listing, lock_provider

__all__ = [
    "MAX_PAGE",
    "UNSET",
    "ReviewDecision",
    "ProviderProfile",
    "TITLE_FIELDS",
    "DESCRIPTION_FIELDS",
    "REVIEWED_FIELDS",
    "SUBMITTABLE",
    "ARCHIVABLE",
    "clean_page_args",
    "add_to_outbox",
    "listing_region_ids",
    "regions_of_listing",
    "provider_region_ids",
    "listing_snapshot",
    "provider_snapshot",
    "lock_listing",
    "lock_provider",
    "check_version",
    "wrong_state",
    "create_listing",
    "own_listing",
    "update_listing",
    "check_can_be_offered",
    "submit_listing",
    "review_listing",
    "archive_listing",
    "public_listing_clause",
    "visible_listing_clause",
    "get_listing",
    "list_provider_listings",
    "moderation_queue",
    "get_provider",
    "outbox_provider",
    "provider_for_keeper",
    "update_provider_profile",
    "verify_provider",
]
