"""Applications for what is granted, not bought: an individual assistant, special social
services, an aid missing from the IRP.

Proactive by design (seeds 003 and 004): the state already holds the person's
identity, registration, disability and IRP, so eligibility is read from the
records, never from uploads. ``application_form`` shows, before anything is
submitted, what the records prove (``proven_facts``), whether the person is
eligible and, if not, the reason; an upload of something the records hold is
refused. What the records cannot know (the medical record forms for special
social services, say) is the only thing asked for.

Rules
-----
- INDIVIDUAL_ASSISTANT: an active disability record of group I, difficulty
  moving on record, no carer's allowance paid, and no active personal-assistant
  entitlement already. Term: 10 working days.
- SPECIAL_SOCIAL_SERVICES (at home, day care, residential): an active record;
  the medical record (forms of Appendices 5 and 6) is attached. Term: 17
  working days; the result is a notice of execution or a reasoned refusal.
- MISSING_AID: an active record and a classifier item that no active
  entitlement of the person covers already. Term: 10 working days.
A second pending application of the same kind (for MISSING_AID: the same
item) is DUPLICATE.

Who
---
A RECIPIENT submits for themself or for a person they legally represent
(others: NOT_FOUND). A LOCAL_BODY officer of the application's region (the
person's region at submission) decides; other roles get FORBIDDEN, other
regions NOT_FOUND. Approval issues the matching entitlement through
``records.services.issue_entitlement`` (source APPLICATION): an assistant gets
HOUR units of a PERSONAL_ASSISTANT item, 8 hours per working day of the
period unless the officer says otherwise, with a daily limit of 8.

Concurrency: SUBMITTED → APPROVED/REJECTED is one conditional UPDATE on the
status, taken before the entitlement is issued; a concurrent second decision
waits on the row (PostgreSQL) or the write lock (SQLite), then finds it
decided and gets ALREADY_DECIDED, so an application yields exactly one
entitlement (``applications.entitlement_id`` is also unique). Every step is
audited in the same transaction.

Terms count working days (weekends and Kazakhstan's public holidays skipped,
``marketplace.calendar``) from the submission date in Almaty; a SUBMITTED
application past its due date is overdue, one due within two working days is
due soon. Officers' queues come soonest-due first.

The domain's public API, gathered from its modules: ``terms``, ``eligibility``, ``submitting``,
``deciding``, ``reading``.
"""

from __future__ import annotations

from marketplace.applications.deciding import approve_application, reject_application
from marketplace.applications.eligibility import HELD_BY_RECORDS, REQUIRED_ATTACHMENTS, ApplicationForm, Assessment
from marketplace.applications.eligibility import AttachmentKind, ServiceForm, application_form, assess
from marketplace.applications.reading import application_cursor, can_see_application, count_overdue, get_application
from marketplace.applications.reading import list_applications
from marketplace.applications.submitting import submit_application
from marketplace.applications.terms import DUE_SOON_WORKING_DAYS, TERM_WORKING_DAYS, due_date_for, grant_start
from marketplace.applications.terms import is_due_soon, is_overdue, working_days_left

__all__ = [
    "DUE_SOON_WORKING_DAYS",
    "HELD_BY_RECORDS",
    "REQUIRED_ATTACHMENTS",
    "TERM_WORKING_DAYS",
    "ApplicationForm",
    "Assessment",
    "AttachmentKind",
    "ServiceForm",
    "application_cursor",
    "application_form",
    "approve_application",
    "assess",
    "can_see_application",
    "count_overdue",
    "due_date_for",
    "get_application",
    "grant_start",
    "is_due_soon",
    "is_overdue",
    "list_applications",
    "reject_application",
    "submit_application",
    "working_days_left",
]
