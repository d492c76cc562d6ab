"""Mutations on reviews people read: the provider's reply, an officer's hiding of an abusive one."""

from __future__ import annotations

import strawberry

from marketplace.orders import reviews as services
from schema.catalog.reviews import Review
from schema.core.ids import decode_id
from schema.core.mutations import mutation, transaction
from schema.orders.mutations import ReviewPayload


def _review_id(value: strawberry.ID) -> int:
    return decode_id(value, "Review", "reviewId")


@strawberry.type
class ReviewMutations:
    @mutation(description="Provider: the one public reply to a review of its listing.")
    async def reply_to_review(self, info: strawberry.Info, review_id: strawberry.ID, text: str) -> ReviewPayload:
        return ReviewPayload(review=Review.from_model(await transaction(
            info, services.reply_to_review, _review_id(review_id), text)))

    @mutation(description="Officer of the order's region (or admin): hide an abusive review, with a "
                          "reason; it no longer counts in the rating.")
    async def hide_review(self, info: strawberry.Info, review_id: strawberry.ID, reason: str) -> ReviewPayload:
        return ReviewPayload(review=Review.from_model(await transaction(
            info, services.hide_review, _review_id(review_id), reason)))
