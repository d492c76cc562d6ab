"""An application's audit trail: the person and the region's officers see it; others get NOT_FOUND."""

from __future__ import annotations

from marketplace.applications import services as apps
from marketplace.trail import audit_trail
from marketplace.errors import DomainError, ErrorCode
from tests.factories import run

from marketplace.applications.models import ApplicationKind  # noqa: E402

ASSISTANT = ApplicationKind.INDIVIDUAL_ASSISTANT


async def test_application_trail_is_scoped(db, gw):  # type: ignore[no-untyped-def]  # noqa: F811
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    for who in ("eligible", "officer_a"):
        async with db.session() as s:
            events = await audit_trail(s, gw.viewer(who), "Application", app.id)
        assert events and events[0][0].action.startswith("application.")
    async with db.session() as s:
        try:
            await audit_trail(s, gw.viewer("officer_b"), "Application", app.id)
        except DomainError as exc:
            assert exc.code == ErrorCode.NOT_FOUND
        else:
            raise AssertionError("an officer of another region read the trail")
