"""The terms of an application: due in working days from submission (weekends and Kazakhstan's
public holidays skipped, ``marketplace.calendar``), counted from the submission date in Almaty; a
SUBMITTED application past its due date is overdue, one due within two working days is due soon."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from marketplace import clock
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.calendar import add_working_days, working_days_between

TERM_WORKING_DAYS: Mapping[ApplicationKind, int] = {
    ApplicationKind.INDIVIDUAL_ASSISTANT: 10,
    ApplicationKind.SPECIAL_SOCIAL_SERVICES: 17,
    ApplicationKind.MISSING_AID: 10,
}
DUE_SOON_WORKING_DAYS = 2


def due_date_for(kind: ApplicationKind, submitted_at: dt.datetime) -> dt.date:
    """Submission date in Kazakhstan + the kind's term in working days (weekends and holidays skipped)."""
    return add_working_days(clock.local_date(submitted_at), TERM_WORKING_DAYS[kind])


def grant_start() -> dt.date:
    """The first day of a granted entitlement by default: today in Kazakhstan."""
    return clock.today()


def is_overdue(app: Application, today: dt.date | None = None) -> bool:
    return app.status == ApplicationStatus.SUBMITTED and app.due_date < (today or clock.today())


def is_due_soon(app: Application, today: dt.date | None = None) -> bool:
    """Undecided, not overdue yet, and due within two working days."""
    day = today or clock.today()
    return app.status == ApplicationStatus.SUBMITTED and day <= app.due_date <= add_working_days(
        day, DUE_SOON_WORKING_DAYS
    )


def working_days_left(app: Application, today: dt.date | None = None) -> int | None:
    """Working days until the due date (negative once overdue); None once decided."""
    if app.status != ApplicationStatus.SUBMITTED:
        return None
    return working_days_between(today or clock.today(), app.due_date)
