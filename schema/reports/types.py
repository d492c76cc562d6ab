"""The region's report as GraphQL types (figures from ``marketplace.reports.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from marketplace.reports import services as m
from schema.accounts.types import Region
from schema.catalog.types import ItemCategory
from schema.claims.types import ClaimStatus
from schema.orders.types import OrderStatus


@strawberry.enum(description="What a legal term is counted for.")
class TermSubject(Enum):
    CLAIM = "CLAIM"
    APPLICATION = "APPLICATION"


@strawberry.type(description="Orders placed in the period that are in this status now.")
class OrdersInStatus:
    status: OrderStatus  # type: ignore[valid-type]
    count: int
    state_share: Decimal = strawberry.field(description="The state's share of these orders.")


@strawberry.type(description="Claims submitted in the period that are in this state now.")
class ClaimsInStatus:
    status: ClaimStatus  # type: ignore[valid-type]
    count: int
    amount_claimed: Decimal


@strawberry.type(description="What the state paid on claims of one category of aids and services.")
class CategorySpend:
    category: ItemCategory  # type: ignore[valid-type]
    claims_paid: int
    amount: Decimal


@strawberry.type(description="What the state paid on claims in one month (Kazakhstan's calendar).")
class MonthSpend:
    month: dt.date = strawberry.field(description="The month's first day.")
    claims_paid: int
    amount: Decimal


@strawberry.type(description="Claims or applications submitted in the period, against their legal term in "
                             "working days.")
class TermsKept:
    subject: TermSubject
    kept: int = strawberry.field(description="Decided on or before the due date.")
    missed: int = strawberry.field(description="Decided after the due date, or undecided past it.")
    open: int = strawberry.field(description="Undecided and not yet due.")


@strawberry.type(description="A region's figures over a period of local dates (both ends included).")
class RegionReport:
    region: Region
    period_from: dt.date = strawberry.field(name="from")
    period_to: dt.date = strawberry.field(name="to")
    orders_by_status: list[OrdersInStatus] = strawberry.field(description="Orders placed in the period.")
    spend_by_category: list[CategorySpend] = strawberry.field(
        description="Paid out on claims marked paid in the period (the approved amount), most first.")
    spend_by_month: list[MonthSpend] = strawberry.field(description="The same, by month: every month of the period.")
    spend_total: Decimal
    claims_by_status: list[ClaimsInStatus] = strawberry.field(description="Claims submitted in the period.")
    terms: list[TermsKept] = strawberry.field(description="Claims and applications submitted in the period.")

    @classmethod
    def from_report(cls, r: m.RegionReport) -> "RegionReport":
        return cls(
            region=Region.from_model(r.region), period_from=r.start, period_to=r.end,
            orders_by_status=[OrdersInStatus(status=OrderStatus(s.status), count=s.count, state_share=s.amount)
                              for s in r.orders_by_status],
            spend_by_category=[CategorySpend(category=ItemCategory(s.category.value), claims_paid=s.count,
                                             amount=s.amount) for s in r.spend_by_category],
            spend_by_month=[MonthSpend(month=s.month, claims_paid=s.count, amount=s.amount) for s in r.spend_by_month],
            spend_total=r.spend_total,
            claims_by_status=[ClaimsInStatus(status=ClaimStatus(s.status), count=s.count, amount_claimed=s.amount)
                              for s in r.claims_by_status],
            terms=[TermsKept(subject=TermSubject(t.subject), kept=t.kept, missed=t.missed, open=t.open)
                   for t in r.terms],
        )
