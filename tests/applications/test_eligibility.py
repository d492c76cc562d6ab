"""Eligibility is read from the records: each rule refuses with a clear reason, and the form
lists what the records already prove (nothing of it is ever uploaded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.applications import services as apps
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.errors import DomainError, ErrorCode, ValidationErrors
from marketplace.records.models import EntitlementSource
from tests import factories as f
from tests.factories import GrantWorld, refused, run, today

ASSISTANT = ApplicationKind.INDIVIDUAL_ASSISTANT
SOCIAL = ApplicationKind.SPECIAL_SOCIAL_SERVICES
AID = ApplicationKind.MISSING_AID
MEDICAL = [{"kind": "MEDICAL_RECORD", "title": "Form 5 and outpatient abstract"}]


async def count_applications(db) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(Application))).scalar_one())


async def test_the_form_lists_what_the_records_prove(db, gw: GrantWorld) -> None:
    form = await run(db, apps.application_form, gw.viewer("eligible"), kind=ASSISTANT)
    assert form.eligible and form.refusal is None
    codes = [fact["code"] for fact in form.proven_facts]
    assert codes == ["IDENTITY", "RESIDENCE", "DISABILITY", "IRP", "MOBILITY", "CARER_ALLOWANCE"]
    identity = form.proven_facts[0]
    assert identity["source"] == "PERSONS" and identity["data"]["iin"] == gw.eligible.iin
    assert form.proven_facts[2]["data"]["group"] == "I"
    assert form.required_attachments == []
    assert {"IDENTITY_DOCUMENT", "DISABILITY_CERTIFICATE", "IRP_EXTRACT"} <= {k.value for k in form.refused_attachments}
    assert form.term_working_days == 10


@pytest.mark.parametrize(
    ("who", "code", "says"),
    [
        ("group_two", ErrorCode.NOT_ELIGIBLE, "group I; the records show group II"),
        ("walks", ErrorCode.NOT_ELIGIBLE, "difficulty moving"),
        ("allowance", ErrorCode.NOT_ELIGIBLE, "carer's allowance"),
        ("no_record", ErrorCode.NO_ACTIVE_RECORD, "no disability in force"),
    ],
)
async def test_each_assistant_rule_refuses_with_its_reason(db, gw: GrantWorld, who: str, code: ErrorCode, says: str) -> None:
    error = await refused(db, code, apps.submit_application, gw.viewer(who), kind=ASSISTANT)
    assert says in error.message
    form = await run(db, apps.application_form, gw.viewer(who), kind=ASSISTANT)
    assert not form.eligible and form.refusal.code == code and says in form.refusal.message
    assert await count_applications(db) == 0


async def test_a_child_has_no_group_i_and_gets_no_assistant(db, gw: GrantWorld) -> None:
    error = await refused(db, ErrorCode.NOT_ELIGIBLE, apps.submit_application, gw.viewer("parent"),
                          kind=ASSISTANT, person_id=gw.child.id)
    assert "a child's disability" in error.message


async def test_an_assistant_already_in_the_irp_is_a_duplicate(db, gw: GrantWorld) -> None:
    async with db.transaction() as s:
        await f.entitlement(s, gw.eligible, gw.assistant, quantity=100, source=EntitlementSource.IRP)
    error = await refused(db, ErrorCode.DUPLICATE, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    assert "already has a personal assistant" in error.message


async def test_a_second_pending_application_is_a_duplicate(db, gw: GrantWorld) -> None:
    first = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    error = await refused(db, ErrorCode.DUPLICATE, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT)
    assert f"№{first.id}" in error.message
    assert await count_applications(db) == 1


async def test_submission_stores_the_proven_facts_and_the_term(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT,
                    details={"note": "to work and back"})
    assert app.status == ApplicationStatus.SUBMITTED and app.region_id == gw.region_a.id
    assert app.details["note"] == "to work and back"
    assert {x["code"] for x in app.details["proven_facts"]} >= {"IDENTITY", "DISABILITY", "MOBILITY"}
    assert app.due_date == apps.due_date_for(ASSISTANT, app.submitted_at)
    assert app.submitted_by_account_id == gw.accounts["eligible"].id


async def test_uploading_what_the_records_hold_is_refused(db, gw: GrantWorld) -> None:
    with pytest.raises(ValidationErrors) as info:
        await run(db, apps.submit_application, gw.viewer("eligible"), kind=ASSISTANT,
                  attachments=[{"kind": "IDENTITY_DOCUMENT"}, {"kind": "DISABILITY_CERTIFICATE"}])
    assert [e.field for e in info.value.errors] == ["attachments.0.kind", "attachments.1.kind"]
    assert all("records already hold" in e.message for e in info.value.errors)
    # The records show the child's representative: no court decision to upload either.
    with pytest.raises(DomainError) as info2:
        await run(db, apps.submit_application, gw.viewer("parent"), kind=SOCIAL, person_id=gw.child.id,
                  details={"service_form": "HOME"}, attachments=[*MEDICAL, {"kind": "COURT_DECISION"}])
    assert "records already hold" in info2.value.message
    assert await count_applications(db) == 0


async def test_special_social_services_need_the_form_and_the_medical_record(db, gw: GrantWorld) -> None:
    v = gw.viewer("group_two")
    await refused(db, ErrorCode.REQUIRED, apps.submit_application, v, kind=SOCIAL)
    error = await refused(db, ErrorCode.REQUIRED, apps.submit_application, v, kind=SOCIAL,
                          details={"service_form": "DAY_CARE"})
    assert error.field == "attachments" and "medical record" in error.message
    await refused(db, ErrorCode.INVALID, apps.submit_application, v, kind=SOCIAL, details={"service_form": "SPA"})
    app = await run(db, apps.submit_application, v, kind=SOCIAL, details={"service_form": "DAY_CARE"},
                    attachments=MEDICAL)
    assert app.details["service_form"] == "DAY_CARE" and app.details["attachments"][0]["kind"] == "MEDICAL_RECORD"
    assert "AGE" in {x["code"] for x in app.details["proven_facts"]}
    assert app.due_date == apps.due_date_for(SOCIAL, app.submitted_at)
    # No record in force: refused whatever is attached.
    await refused(db, ErrorCode.NO_ACTIVE_RECORD, apps.submit_application, gw.viewer("no_record"), kind=SOCIAL,
                  details={"service_form": "HOME"}, attachments=MEDICAL)


async def test_a_missing_aid_must_really_be_missing(db, gw: GrantWorld) -> None:
    async with db.transaction() as s:
        await f.entitlement(s, gw.eligible, gw.wheelchair, quantity=1)
    v = gw.viewer("eligible")
    await refused(db, ErrorCode.REQUIRED, apps.submit_application, v, kind=AID)
    error = await refused(db, ErrorCode.DUPLICATE, apps.submit_application, v, kind=AID,
                          details={"classifier_item_id": gw.wheelchair.id})
    assert "already in the IRP" in error.message
    await refused(db, ErrorCode.INVALID, apps.submit_application, v, kind=AID,
                  details={"classifier_item_id": gw.assistant.id})
    await refused(db, ErrorCode.NOT_FOUND, apps.submit_application, v, kind=AID,
                  details={"classifier_item_id": 999999})
    app = await run(db, apps.submit_application, gw.viewer("group_two"), kind=AID,
                    details={"classifier_item_id": gw.wheelchair.id, "quantity": Decimal(1)})
    fact = next(x for x in app.details["proven_facts"] if x["code"] == "AID_NOT_IN_IRP")
    assert fact["data"]["code"] == gw.wheelchair.code
    # Another aid is another application; the same aid again is a duplicate.
    await run(db, apps.submit_application, gw.viewer("group_two"), kind=AID,
              details={"classifier_item_id": gw.social_home.id})
    await refused(db, ErrorCode.DUPLICATE, apps.submit_application, gw.viewer("group_two"), kind=AID,
                  details={"classifier_item_id": gw.wheelchair.id})


async def test_who_may_apply(db, gw: GrantWorld) -> None:
    # A legal representative applies for the person they represent...
    app = await run(db, apps.submit_application, gw.viewer("parent"), kind=SOCIAL, person_id=gw.child.id,
                    details={"service_form": "HOME"}, attachments=MEDICAL)
    assert app.person_id == gw.child.id and app.submitted_by_account_id == gw.accounts["parent"].id
    # ...but nobody else's, and other roles not at all.
    await refused(db, ErrorCode.NOT_FOUND, apps.submit_application, gw.viewer("group_two"), kind=SOCIAL,
                  person_id=gw.child.id, details={"service_form": "HOME"}, attachments=MEDICAL)
    await refused(db, ErrorCode.FORBIDDEN, apps.submit_application, gw.viewer("officer_a"), kind=ASSISTANT,
                  person_id=gw.eligible.id)
    await refused(db, ErrorCode.FORBIDDEN, apps.submit_application, gw.viewer("provider"), kind=ASSISTANT)
    await refused(db, ErrorCode.INVALID, apps.submit_application, gw.viewer("eligible"), kind="PENSION")


async def test_the_form_for_a_missing_aid_before_choosing_one(db, gw: GrantWorld) -> None:
    form = await run(db, apps.application_form, gw.viewer("eligible"), kind=AID)
    assert form.eligible and {x["code"] for x in form.proven_facts} == {"IDENTITY", "RESIDENCE", "DISABILITY", "IRP"}
    form = await run(db, apps.application_form, gw.viewer("no_record"), kind=AID)
    assert not form.eligible and form.refusal.code == ErrorCode.NO_ACTIVE_RECORD
    form = await run(db, apps.application_form, gw.viewer("parent"), kind=SOCIAL, person_id=gw.child.id)
    assert form.required_attachments == [apps.AttachmentKind.MEDICAL_RECORD]
    assert apps.AttachmentKind.COURT_DECISION in form.refused_attachments
    assert "LEGAL_REPRESENTATIVE" in {x["code"] for x in form.proven_facts}
    assert form.due_date_if_submitted_today >= today()
    _ = dt
