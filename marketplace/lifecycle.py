"""The lifecycles of DOMAIN.md as tables of allowed transitions, and the one way to move along them.

Every status change of an order, a claim, a listing, an application, a trip, a quote, a disability
record, an entitlement or a provider's verification is
``transition(...)``: it snapshots the subject, runs ONE conditional UPDATE on the old status
(race-safe on both databases: however many concurrent calls race, one of them takes the row),
checks the row count, reads the row again, and writes the audit event. A transition not in its
lifecycle's table is a programming error (``ValueError``), never a refusal: the refusals (which
depend on what the subject is now) are each domain's, passed as ``refusal``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.applications.models import Application, ApplicationStatus
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import Listing, ListingStatus, Provider, VerificationStatus
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.errors import DomainError
from marketplace.orders.models import Order, OrderStatus
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from marketplace.transport.models import Trip, TripStatus


@dataclass(frozen=True)
class Lifecycle:
    """The statuses a model's rows go through: for each status, the ones it may move to."""

    model: type[Any]
    allowed: Mapping[enum.Enum, frozenset[enum.Enum]]
    #: Whether each move also counts the row's ``version`` up (optimistic locking by clients).
    versioned: bool = False
    #: The model's column that holds the status.
    column: str = "status"

    def may(self, old: enum.Enum, new: enum.Enum) -> bool:
        return new in self.allowed.get(old, frozenset())

    def sources(self, new: enum.Enum) -> tuple[enum.Enum, ...]:
        """The statuses from which ``new`` can be reached."""
        return tuple(old for old, news in self.allowed.items() if new in news)


ORDER = Lifecycle(Order, {
    OrderStatus.PLACED: frozenset({OrderStatus.ACCEPTED, OrderStatus.DECLINED, OrderStatus.CANCELLED}),
    OrderStatus.ACCEPTED: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.CONFIRMED}),
}, versioned=True)

CLAIM = Lifecycle(CompensationClaim, {
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED}),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID}),
}, versioned=True)

LISTING = Lifecycle(Listing, {
    ListingStatus.DRAFT: frozenset({ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED}),
    ListingStatus.PENDING_REVIEW: frozenset({ListingStatus.PUBLISHED, ListingStatus.REJECTED, ListingStatus.ARCHIVED}),
    ListingStatus.PUBLISHED: frozenset({ListingStatus.ARCHIVED}),
    ListingStatus.REJECTED: frozenset({ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED}),
}, versioned=True)

APPLICATION = Lifecycle(Application, {
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}),
})

TRIP = Lifecycle(Trip, {
    TripStatus.REQUESTED: frozenset({TripStatus.CONFIRMED, TripStatus.RESCHEDULE_PROPOSED, TripStatus.CANCELLED}),
    TripStatus.RESCHEDULE_PROPOSED: frozenset({TripStatus.REQUESTED, TripStatus.CANCELLED}),
    TripStatus.CONFIRMED: frozenset({TripStatus.COMPLETED, TripStatus.CANCELLED}),
})

DISABILITY_RECORD = Lifecycle(DisabilityRecord, {
    RecordStatus.ACTIVE: frozenset({RecordStatus.CLOSED}),
})

ENTITLEMENT = Lifecycle(Entitlement, {
    EntitlementStatus.ACTIVE: frozenset({EntitlementStatus.CLOSED}),
})

PROVIDER_VERIFICATION = Lifecycle(Provider, {
    VerificationStatus.PENDING: frozenset({VerificationStatus.VERIFIED, VerificationStatus.SUSPENDED}),
    VerificationStatus.VERIFIED: frozenset({VerificationStatus.SUSPENDED}),
    VerificationStatus.SUSPENDED: frozenset({VerificationStatus.VERIFIED}),
}, column="verification_status")

QUOTE = Lifecycle(Quote, {
    # QUOTED → QUOTED: the provider revises its price before the officer decides.
    QuoteStatus.REQUESTED: frozenset({QuoteStatus.QUOTED, QuoteStatus.WITHDRAWN, QuoteStatus.EXPIRED}),
    QuoteStatus.QUOTED: frozenset({QuoteStatus.QUOTED, QuoteStatus.APPROVED, QuoteStatus.REJECTED,
                                   QuoteStatus.WITHDRAWN}),
    QuoteStatus.APPROVED: frozenset({QuoteStatus.ORDERED, QuoteStatus.WITHDRAWN, QuoteStatus.EXPIRED}),
})


async def transition(
    session: AsyncSession,
    viewer: Viewer | None,
    lifecycle: Lifecycle,
    subject: Any,
    new: enum.Enum,
    *,
    action: str | None,
    refusal: Callable[[Any], DomainError],
    old: Collection[enum.Enum] | None = None,
    where: Collection[Any] = (),
    picture: Callable[[Any], dict[str, Any]] = snapshot,
    note: Mapping[str, Any] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Move ``subject`` from one of ``old`` (default: every status ``new`` may be reached from) to
    ``new`` by ONE conditional UPDATE (with ``where`` as further conditions and ``values`` set
    with the status); returns the subject's picture before.

    When the UPDATE takes no row, the subject is read again and ``refusal(subject)`` is raised
    (it says what the subject is now). Otherwise the audit event ``action`` is written, its after
    being ``picture(subject)`` with ``note`` added; ``action=None`` leaves the event to the caller,
    for a move whose event must follow the events of the moves it makes in turn (a trip's after
    its order's)."""
    sources = tuple(old) if old is not None else lifecycle.sources(new)
    wrong = [s for s in sources if not lifecycle.may(s, new)]
    if wrong or not sources:
        raise ValueError(f"{lifecycle.model.__name__}: {wrong or 'nothing'} → {new} is not in its lifecycle")
    model, column = lifecycle.model, lifecycle.column
    before = picture(subject)
    if lifecycle.versioned:
        values["version"] = model.version + 1
    result = await session.execute(
        update(model)
        .where(model.id == subject.id, getattr(model, column).in_(list(sources)), *where)
        .values({column: new, **values})
        .execution_options(synchronize_session=False)
    )
    await session.refresh(subject)
    if result.rowcount != 1:
        raise refusal(subject)
    if len(sources) == 1 and column in before:
        # The UPDATE matched the one old status, so that is what the row held (a stale read cannot leak in).
        before[column] = sources[0].value
    if action is not None:
        after = picture(subject)
        if note:
            after.update(note)
        audit(session, viewer, action, subject, before, after)
    return before
