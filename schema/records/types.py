"""Disability records and IRP entitlements as GraphQL types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from marketplace.clock import today
from marketplace.records import models as m
from marketplace.records.norms import available, next_release_date
from schema.accounts.types import Person
from schema.catalog.types import ClassifierItem
from schema.core.ids import to_global_id
from schema.core.node import Node

DisabilityGroup = strawberry.enum(m.DisabilityGroup)
ExamFormat = strawberry.enum(m.ExamFormat)
RecordStatus = strawberry.enum(m.RecordStatus)
EntitlementStatus = strawberry.enum(m.EntitlementStatus)


@strawberry.type(description="A disability set by medical-social examination.")
class DisabilityRecord(Node):
    group: DisabilityGroup  # type: ignore[valid-type]
    cause: str
    nosology_code: str
    exam_format: ExamFormat  # type: ignore[valid-type]
    valid_from: dt.date
    valid_until: dt.date | None
    status: RecordStatus  # type: ignore[valid-type]
    decision_number: str | None
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.from_model(await info.context.loaders.person.load(self.person_pk))

    @classmethod
    def from_model(cls, r: m.DisabilityRecord) -> "DisabilityRecord":
        return cls(
            id=strawberry.ID(to_global_id("DisabilityRecord", r.id)), pk=r.id, person_pk=r.person_id,
            group=r.group, cause=r.cause, nosology_code=r.nosology_code, exam_format=r.exam_format,
            valid_from=r.valid_from, valid_until=r.valid_until, status=r.status, decision_number=r.decision_number,
        )


@strawberry.type(description="A line of an Individual Rehabilitation Program and what is left of it.")
class Entitlement(Node):
    quantity: Decimal
    reserved: Decimal
    consumed: Decimal
    balance: Decimal = strawberry.field(description="quantity − reserved − consumed")
    valid_from: dt.date
    valid_until: dt.date
    quarterly_release: Decimal | None
    daily_limit: Decimal | None
    with_companion: bool
    available_now: Decimal = strawberry.field(
        description="What can be ordered today: the balance, for a quota item no more than released so far.")
    next_release_on: dt.date | None = strawberry.field(
        description="The day the next quarterly release comes; none when all is released or not a quota item.")
    status: EntitlementStatus  # type: ignore[valid-type]
    line_number: str | None
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]
    item_pk: strawberry.Private[int]

    @strawberry.field
    async def classifier_item(self, info: strawberry.Info) -> ClassifierItem:
        return ClassifierItem.from_model(await info.context.loaders.classifier_item.load(self.item_pk))

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.from_model(await info.context.loaders.person.load(self.person_pk))

    @classmethod
    def from_model(cls, e: m.Entitlement) -> "Entitlement":
        day = today()
        return cls(
            id=strawberry.ID(to_global_id("Entitlement", e.id)), pk=e.id, person_pk=e.person_id,
            item_pk=e.classifier_item_id, quantity=e.quantity, reserved=e.reserved, consumed=e.consumed,
            balance=e.balance, valid_from=e.valid_from, valid_until=e.valid_until,
            quarterly_release=e.quarterly_release, daily_limit=e.daily_limit, with_companion=e.with_companion,
            available_now=available(e, day), next_release_on=next_release_date(e, day), status=e.status, line_number=e.line_number,
        )
