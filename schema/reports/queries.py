"""The region's report: a thin resolver over ``marketplace.reports.services``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from marketplace.reports import services
from schema.core.ids import decode_id
from schema.reports.types import RegionReport


@strawberry.type
class ReportQueries:
    @strawberry.field(description="Officer of the region (or admin): the region's orders, spend by category and "
                                  "month, claims by state, and terms kept and missed, over a period of local "
                                  "dates (both ends included, at most 36 months).")
    async def region_report(
        self,
        info: strawberry.Info,
        region_id: strawberry.ID,
        period_from: Annotated[dt.date, strawberry.argument(name="from")],
        period_to: Annotated[dt.date, strawberry.argument(name="to")],
    ) -> RegionReport:
        async with info.context.db.session() as session:
            report = await services.region_report(session, info.context.viewer,
                                                  decode_id(region_id, "Region", "regionId"), period_from, period_to)
        return RegionReport.from_report(report)
