"""Decisions by the region's officer: approval issues exactly one entitlement (also when two
approvals race), rejection needs a reason, every step is audited."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from marketplace.accounts.models import Person
from marketplace.applications import services as apps
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.audit.models import AuditEvent
from marketplace.calendar import add_months, working_days_between
from marketplace.errors import ErrorCode
from marketplace.records.models import Entitlement, EntitlementSource
from tests.factories import GrantWorld, attempt, race, refused, run

ASSISTANT = ApplicationKind.INDIVIDUAL_ASSISTANT
SOCIAL = ApplicationKind.SPECIAL_SOCIAL_SERVICES
MEDICAL = [{"kind": "MEDICAL_RECORD"}]


async def entitlements_of(db, person_id: int) -> list[Entitlement]:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return list((await s.execute(select(Entitlement).where(Entitlement.person_id == person_id))).scalars())


async def application(db, app_id: int) -> Application:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        app = await s.get(Application, app_id)
        assert app is not None
        return app


async def test_approval_issues_the_assistant_entitlement(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    approved = await run(db, apps.approve_application, gw.viewer("officer_a"), app.id)
    assert approved.status == ApplicationStatus.APPROVED and approved.decided_by_account_id == gw.accounts["officer_a"].id
    [ent] = await entitlements_of(db, gw.eligible.id)
    assert approved.entitlement_id == ent.id
    assert ent.source == EntitlementSource.APPLICATION and ent.classifier_item_id == gw.assistant.id
    assert ent.daily_limit == Decimal("8.00")
    start = apps.grant_start()
    assert ent.valid_from == start and ent.valid_until == add_months(start, 12) - dt.timedelta(days=1)
    # 8 hours for each working day of the period (weekends and holidays are not counted).
    days = working_days_between(start - dt.timedelta(days=1), ent.valid_until)
    assert ent.quantity == Decimal(8 * days) and 240 < days < 260
    async with db.session() as s:
        trail = list((await s.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars())
    assert trail == ["application.submitted", "entitlement.issued", "application.approved"]
    # Approving again is refused, nothing more is issued.
    await refused(db, ErrorCode.ALREADY_DECIDED, apps.approve_application, gw.viewer("officer_a"), app.id)
    assert len(await entitlements_of(db, gw.eligible.id)) == 1


async def test_two_approvals_at_once_issue_one_entitlement(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)

    won, lost = await race(*[run(db, apps.approve_application, gw.viewer(officer), app.id)
                             for officer in ("officer_a", "officer_a2", "officer_a")])
    assert len(won) == 1 and len(lost) == 2 and isinstance(won[0], Application)
    assert {e.code for e in lost} == {ErrorCode.ALREADY_DECIDED}
    ents = await entitlements_of(db, gw.eligible.id)
    assert len(ents) == 1 and (await application(db, app.id)).entitlement_id == ents[0].id
    async with db.session() as s:
        approvals = list((await s.execute(
            select(AuditEvent).where(AuditEvent.action == "application.approved")
        )).scalars())
    assert len(approvals) == 1


async def test_approve_and_reject_at_once_one_wins(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)

    results = await asyncio.gather(
        attempt(db, apps.approve_application, gw.viewer("officer_a"), app.id),
        attempt(db, apps.reject_application, gw.viewer("officer_a2"), app.id, "The IRP has no such measure."),
    )
    assert sum(isinstance(r, Application) for r in results) == 1
    final = await application(db, app.id)
    ents = await entitlements_of(db, gw.eligible.id)
    assert (final.status == ApplicationStatus.APPROVED) == (len(ents) == 1)


async def test_the_officer_may_grant_fewer_hours(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    start = apps.grant_start()
    error = await refused(db, ErrorCode.OUT_OF_RANGE, apps.approve_application, gw.viewer("officer_a"), app.id,
                          daily_limit=Decimal(9))
    assert error.field == "dailyLimit"  # the same refusal issueEntitlement gives: never clamped to 8
    assert (await application(db, app.id)).status == ApplicationStatus.SUBMITTED
    assert await entitlements_of(db, gw.eligible.id) == []
    approved = await run(db, apps.approve_application, gw.viewer("officer_a"), app.id, quantity=Decimal(120),
                         daily_limit=Decimal(4), valid_from=start, valid_until=start + dt.timedelta(days=90))
    [ent] = await entitlements_of(db, gw.eligible.id)
    assert approved.entitlement_id == ent.id
    assert ent.quantity == Decimal("120.00") and ent.daily_limit == Decimal("4.00")
    assert ent.valid_until == start + dt.timedelta(days=90)


async def test_rejection_needs_a_reason_the_person_reads(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    await refused(db, ErrorCode.REQUIRED, apps.reject_application, gw.viewer("officer_a"), app.id, "  ")
    rejected = await run(db, apps.reject_application, gw.viewer("officer_a"), app.id,
                         "The assistant contract cannot start before the IRP review.")
    assert rejected.status == ApplicationStatus.REJECTED
    seen = await run(db, apps.get_application, gw.viewer("eligible"), app.id)
    assert seen.reason == "The assistant contract cannot start before the IRP review."
    await refused(db, ErrorCode.ALREADY_DECIDED, apps.approve_application, gw.viewer("officer_a"), app.id)
    assert await entitlements_of(db, gw.eligible.id) == []
    async with db.session() as s:
        actions = list((await s.execute(
            select(AuditEvent.action).where(AuditEvent.subject_type == "Application").order_by(AuditEvent.id)
        )).scalars())
    assert actions == ["application.submitted", "application.rejected"]


async def test_only_the_regions_officer_decides(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    await refused(db, ErrorCode.NOT_FOUND, apps.approve_application, gw.viewer("officer_b"), app.id)
    await refused(db, ErrorCode.NOT_FOUND, apps.reject_application, gw.viewer("officer_b"), app.id, "No reason")
    for who in ("admin", "provider", "eligible"):
        await refused(db, ErrorCode.FORBIDDEN, apps.approve_application, gw.viewer(who), app.id)
    await refused(db, ErrorCode.NOT_FOUND, apps.approve_application, gw.viewer("officer_a"), 987654)
    assert (await application(db, app.id)).status == ApplicationStatus.SUBMITTED


async def test_eligibility_is_checked_again_at_approval(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    async with db.transaction() as s:
        person = await s.get(Person, gw.eligible.id)
        assert person is not None
        person.receives_carer_allowance = True  # the records changed since the submission
    error = await refused(db, ErrorCode.NOT_ELIGIBLE, apps.approve_application, gw.viewer("officer_a"), app.id)
    assert error.message.startswith("No longer eligible") and "carer's allowance" in error.message
    assert (await application(db, app.id)).status == ApplicationStatus.SUBMITTED
    assert await entitlements_of(db, gw.eligible.id) == []


async def test_special_social_services_are_granted_in_days(db, gw: GrantWorld) -> None:
    home = await run(db, apps.submit_application, gw.viewer("group_two"), kind=SOCIAL,
                     details={"service_form": "HOME"}, attachments=MEDICAL)
    # Two day-counted services exist: the officer names the one that fits the form.
    error = await refused(db, ErrorCode.REQUIRED, apps.approve_application, gw.viewer("officer_a"), home.id)
    assert error.field == "classifierItemId"
    start = apps.grant_start()
    end = start + dt.timedelta(days=27)
    await run(db, apps.approve_application, gw.viewer("officer_a"), home.id, classifier_item_id=gw.social_home.id,
              valid_from=start, valid_until=end)
    [ent] = await entitlements_of(db, gw.group_two.id)
    assert ent.classifier_item_id == gw.social_home.id
    assert ent.quantity == Decimal(working_days_between(start - dt.timedelta(days=1), end))

    residential = await run(db, apps.submit_application, gw.viewer("parent"), kind=SOCIAL, person_id=gw.child.id,
                            details={"service_form": "RESIDENTIAL", "classifier_item_id": gw.social_day.id},
                            attachments=MEDICAL)
    await run(db, apps.approve_application, gw.viewer("officer_a"), residential.id, valid_from=start,
              valid_until=end)
    [child_ent] = await entitlements_of(db, gw.child.id)
    assert child_ent.classifier_item_id == gw.social_day.id and child_ent.quantity == Decimal(28)


async def test_a_missing_aid_is_added_to_the_irp(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("group_two"), kind=ApplicationKind.MISSING_AID,
                    details={"classifier_item_id": gw.wheelchair.id, "quantity": Decimal(1)})
    await run(db, apps.approve_application, gw.viewer("officer_a"), app.id)
    [ent] = await entitlements_of(db, gw.group_two.id)
    assert ent.classifier_item_id == gw.wheelchair.id and ent.quantity == Decimal("1.00")
    assert ent.source == EntitlementSource.APPLICATION
