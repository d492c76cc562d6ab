"""Applications as each role sees them: a recipient their own and those of the persons they
represent, an officer their region's (soonest due first), an admin all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.accounts.models import Role
from marketplace.applications.eligibility import clean_kind
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.cleaning import clean_choice, clean_page_size
from marketplace.errors import DomainError, ErrorCode
from marketplace.queues import count_overdue_in, due_date_cursor, queue_order_ascending, queue_page



def _scope(viewer: Viewer) -> list[Any]:
    viewer.require_authenticated()
    if viewer.is_admin:
        return []
    if viewer.role == Role.RECIPIENT:
        return [Application.person_id.in_(sorted(viewer.person_ids))]
    if viewer.role == Role.LOCAL_BODY:
        return [Application.region_id == viewer.region_id]
    raise DomainError(ErrorCode.FORBIDDEN, "Your role cannot see applications.")


def can_see_application(viewer: Viewer, app: Application) -> bool:
    """The person concerned (or their representative), an officer of the region, the administrator."""
    return viewer.can_see_person(app.person_id, app.region_id)


async def get_application(session: AsyncSession, viewer: Viewer, application_id: int) -> Application:
    viewer.require_authenticated()
    return await fetch_in_scope(session, Application, application_id, "application", "applicationId",
                                lambda app: can_see_application(viewer, app))


def application_cursor(app: Application) -> list[Any]:
    return due_date_cursor(app.due_date, app.id)


async def list_applications(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: ApplicationStatus | str | None = None,
    kind: ApplicationKind | str | None = None,
    overdue_only: bool = False,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[Application] | int:
    """Applications in the viewer's scope, keyset-paged by (due date, id): an officer's queue
    (their region) and an admin's list come soonest due first, a recipient's latest first.
    ``overdue_only``: SUBMITTED and past the due date. Returns up to ``first + 1`` rows."""
    clean_page_size(first)
    conditions = _scope(viewer)
    if status is not None:
        conditions.append(Application.status == clean_choice(
            ApplicationStatus, status, "status",
            lambda: DomainError(ErrorCode.INVALID, "Not an application status.", "status")))
    if kind is not None:
        conditions.append(Application.kind == clean_kind(kind))
    return await queue_page(
        session, Application, conditions, awaiting=ApplicationStatus.SUBMITTED, overdue_only=overdue_only,
        first=first, after=after, count_only=count_only, ascending=queue_order_ascending(viewer),
    )


async def count_overdue(session: AsyncSession, viewer: Viewer) -> int:
    return await count_overdue_in(session, Application, _scope(viewer), ApplicationStatus.SUBMITTED)
