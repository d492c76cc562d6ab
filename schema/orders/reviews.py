"""Mutations on reviews people read: the provider's reply, an officer's hiding of an abusive one."""

from __future__ import annotations

import strawberry

from marketplace.orders import reviews as services
from schema.catalog.reviews import Review
from schema.core.ids import decode_id
from schema.core.mutations import in_transaction
from schema.orders.mutations import ReviewPayload


def _review_id(value: strawberry.ID) -> int:
    return decode_id(value, "Review", "reviewId")


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="Provider: the one public reply to a review of its listing.")
    async def reply_to_review(self, info: strawberry.Info, review_id: strawberry.ID, text: str) -> ReviewPayload:
        review, errors = await in_transaction(info, lambda s: services.reply_to_review(
            s, info.context.viewer, _review_id(review_id), text))
        return ReviewPayload(review=Review.from_model(review) if review else None, errors=errors)

    @strawberry.mutation(description="Officer of the order's region (or admin): hide an abusive review, with a "
                                     "reason; it no longer counts in the rating.")
    async def hide_review(self, info: strawberry.Info, review_id: strawberry.ID, reason: str) -> ReviewPayload:
        review, errors = await in_transaction(info, lambda s: services.hide_review(
            s, info.context.viewer, _review_id(review_id), reason))
        return ReviewPayload(review=Review.from_model(review) if review else None, errors=errors)
