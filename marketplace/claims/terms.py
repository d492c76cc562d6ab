"""A claim's legal term: 17 working days from the submission date in Almaty local time (UTC+5);
a SUBMITTED claim past its due date is overdue."""

from __future__ import annotations

import datetime as dt

from marketplace import clock
from marketplace.calendar import add_working_days
from marketplace.claims.models import ClaimStatus, CompensationClaim


LEGAL_TERM_WORKING_DAYS = 17


# -- dates ------------------------------------------------------------------------
def due_date_for(submitted_at: dt.datetime) -> dt.date:
    """Submission date in Kazakhstan + 17 working days (weekends and public holidays skipped)."""
    return add_working_days(clock.local_date(submitted_at), LEGAL_TERM_WORKING_DAYS)


def is_overdue(claim: CompensationClaim, today: dt.date | None = None) -> bool:
    """Still undecided after its due date."""
    return claim.status == ClaimStatus.SUBMITTED and claim.due_date < (today or clock.today())
