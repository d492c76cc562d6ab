"""Reviews people can read: listed on the listing and on the provider, the provider's one reply,
and an officer hiding an abusive one; and writing one.

- ``review_order``: the recipient of a CONFIRMED order rates it once (so every review carries the
  "confirmed order" mark); the listing's and the provider's rating sums move in the same transaction.

- ``reply_to_review``: the reviewed provider answers once (DUPLICATE after), audited; the person
  is told.
- ``hide_review``: an officer of the order's region, or the admin, hides a review with a reason
  (audited). A hidden review is not listed and no longer counts: the listing's and the
  provider's rating sums drop by its rating in the same transaction, and the search index gets
  the new rating through the outbox.
- ``visible_reviews``: the visible reviews of many listings (or providers) at once, newest first,
  ``first + 1`` per owner after a cursor, in ONE statement (a window function), for a DataLoader.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.audit.services import record as audit, snapshot
from marketplace.catalog.models import Listing, Provider, SearchOutbox
from marketplace.cleaning import clean_id, clean_page_size, clean_required_text
from marketplace.db import count_rows, utcnow
from marketplace.errors import DomainError, ErrorCode, forbidden, not_found
from marketplace.orders.models import Order, Review, OrderStatus
from marketplace.orders.parties import order_of_recipient

MAX_REPLY = 2000
MAX_REASON = 1000


async def reply_to_review(session: AsyncSession, viewer: Viewer, review_id: int, text: str) -> Review:
    """The reviewed provider's one reply (1..2000 characters)."""
    viewer.require_role(Role.PROVIDER)
    review = await session.get(Review, clean_id(review_id, "review", "reviewId"))
    if review is None or not viewer.owns_provider(review.provider_id) or review.hidden_at is not None:
        raise not_found("review", "reviewId")
    body = clean_required_text(text, "text", MAX_REPLY, multiline=True)
    before = snapshot(review)
    result = await session.execute(
        update(Review).where(Review.id == review.id, Review.reply_text.is_(None))
        .values(reply_text=body, replied_at=utcnow()).execution_options(synchronize_session=False)
    )
    await session.refresh(review)
    if result.rowcount != 1:
        raise DomainError(ErrorCode.DUPLICATE, "This review already has your reply.", "reviewId")
    audit(session, viewer, "review.replied", review, before, snapshot(review))
    return review


async def hide_review(session: AsyncSession, viewer: Viewer, review_id: int, reason: str) -> Review:
    """An officer of the order's region (or the admin) hides an abusive review, with a reason."""
    viewer.require_authenticated()
    if viewer.role not in (Role.LOCAL_BODY, Role.ADMIN):
        raise forbidden("Reviews are moderated by the region's officer.")
    row = (await session.execute(
        select(Review, Order.region_id).join(Order, Order.id == Review.order_id).where(Review.id == clean_id(review_id, "review", "reviewId"))
    )).first()
    if row is None or not (viewer.is_admin or viewer.is_officer_of(row.region_id)):
        raise not_found("review", "reviewId")
    review: Review = row.Review
    why = clean_required_text(reason, "reason", MAX_REASON, multiline=True)
    before = snapshot(review)
    result = await session.execute(
        update(Review).where(Review.id == review.id, Review.hidden_at.is_(None))
        .values(hidden_at=utcnow(), hidden_reason=why, hidden_by_account_id=viewer.account_id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(review)
    if result.rowcount != 1:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This review is already hidden.", "reviewId")
    await _count_rating(session, review, -1)
    audit(session, viewer, "review.hidden", review, before, snapshot(review))
    return review


async def visible_reviews(
    session: AsyncSession, owner: str, owner_ids: Sequence[int], *, first: int = 20, after: int | None = None,
) -> dict[int, list[Review]]:
    """For each listing (``owner="listing"``) or provider id: its visible reviews, newest first,
    below ``after`` (a review id), at most ``first + 1`` of them. One statement for all owners."""
    clean_page_size(first)
    column = {"listing": Review.listing_id, "provider": Review.provider_id}[owner]
    conditions = [column.in_(sorted(set(owner_ids))), Review.hidden_at.is_(None)]
    if after is not None:
        conditions.append(Review.id < after)
    rank = func.row_number().over(partition_by=column, order_by=Review.id.desc()).label("rank")
    ranked = select(Review.id, rank).where(*conditions).subquery()
    rows = await session.execute(
        select(Review).join(ranked, ranked.c.id == Review.id).where(ranked.c.rank <= first + 1)
        .order_by(column, Review.id.desc())
    )
    out: dict[int, list[Review]] = {pk: [] for pk in owner_ids}
    for review in rows.scalars():
        out[review.listing_id if owner == "listing" else review.provider_id].append(review)
    return out


async def count_visible_reviews(session: AsyncSession, owner: str, owner_id: int) -> int:
    """How many visible reviews a listing (or provider) has (``totalCount``, asked for one owner)."""
    column = {"listing": Review.listing_id, "provider": Review.provider_id}[owner]
    return await count_rows(session, select(Review.id).where(column == owner_id, Review.hidden_at.is_(None)))



MAX_REVIEW = 2000


# -- reviews --------------------------------------------------------------------
async def _count_rating(session: AsyncSession, review: Review, sign: int) -> None:
    """Count ``review``'s rating in (``sign`` +1: created) or out (-1: hidden) of its listing's and its
    provider's ratings, by one UPDATE each on the current values (``updated_at`` kept: a rating is not
    an edit); both are indexed again."""
    for model, pk in ((Listing, review.listing_id), (Provider, review.provider_id)):
        await session.execute(
            update(model).where(model.id == pk, *([model.rating_count > 0] if sign < 0 else []))
            .values(rating_sum=model.rating_sum + sign * review.rating, rating_count=model.rating_count + sign,
                    updated_at=model.updated_at)
            .execution_options(synchronize_session=False)
        )
    session.add(SearchOutbox(entity="listing", entity_id=review.listing_id))
    session.add(SearchOutbox(entity="provider", entity_id=review.provider_id))


async def review_order(
    session: AsyncSession, viewer: Viewer, order_id: int, rating: int, text: str | None = ""
) -> Review:
    """Recipient: rate a CONFIRMED order once (1..5, text up to 2000 characters)."""
    order = await order_of_recipient(session, viewer, order_id)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "A rating from 1 to 5.", "rating")
    body = (text or "").strip()
    if len(body) > MAX_REVIEW:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", "text", count=MAX_REVIEW)
    if order.status != OrderStatus.CONFIRMED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only a confirmed order can be reviewed.", "orderId")
    if (await session.execute(select(Review.id).where(Review.order_id == order.id))).first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "This order is already reviewed.", "orderId")
    review = Review(
        order_id=order.id,
        listing_id=order.listing_id,
        provider_id=order.provider_id,
        person_id=order.person_id,
        rating=rating,
        text=body,
        created_at=utcnow(),
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent review of the same order won
        raise DomainError(ErrorCode.DUPLICATE, "This order is already reviewed.", "orderId") from exc
    await _count_rating(session, review, +1)
    audit(session, viewer, "review.created", review, None, snapshot(review))
    return review
