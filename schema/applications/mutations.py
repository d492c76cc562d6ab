"""Mutations of applications: submit (recipient), approve and reject (the region's officer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from marketplace.applications import services
from marketplace.db import run_in_transaction
from marketplace.errors import DomainError
from schema.applications.queries import application_type
from schema.applications.types import (
    Application,
    ApplicationKind,
    AttachmentKind,
    ServiceForm,
)
from schema.core.errors import UserError, user_errors
from schema.core.ids import decode_id
from schema.core.mutations import guarded


@strawberry.input(description="The applicant's choices; facts come from the records, not from here.")
class ApplicationDetailsInput:
    service_form: ServiceForm | None = None  # type: ignore[valid-type]
    classifier_item_id: strawberry.ID | None = strawberry.field(
        default=None, description="MISSING_AID: the aid; SPECIAL_SOCIAL_SERVICES: optionally the service."
    )
    quantity: Decimal | None = strawberry.field(default=None, description="MISSING_AID: how many (default 1).")
    note: str | None = None


@strawberry.input(description="A document the records cannot hold, uploaded first with POST /receipts.")
class AttachmentInput:
    kind: AttachmentKind  # type: ignore[valid-type]
    file_id: strawberry.ID | None = None
    title: str | None = None


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _run(info: strawberry.Info, fn, *args: Any, **kwargs: Any) -> ApplicationPayload:  # type: ignore[no-untyped-def]
    app, errors = await guarded(
        lambda: run_in_transaction(info.context.db, fn, info.context.viewer, *args, **kwargs)
    )
    return ApplicationPayload(application=application_type(info, app) if app else None, errors=errors)


@strawberry.type
class ApplicationMutations:
    @strawberry.mutation(description="Apply, for yourself or a person you represent. Eligibility is read from the "
                                     "records; a refusal says which rule and what the records show.")
    async def submit_application(
        self,
        info: strawberry.Info,
        kind: ApplicationKind,  # type: ignore[valid-type]
        person_id: strawberry.ID | None = None,
        details: ApplicationDetailsInput | None = None,
        attachments: list[AttachmentInput] | None = None,
    ) -> ApplicationPayload:
        try:
            given: dict[str, Any] = {}
            if details is not None:
                if details.service_form is not None:
                    given["service_form"] = details.service_form.value
                if details.classifier_item_id is not None:
                    given["classifier_item_id"] = decode_id(
                        details.classifier_item_id, "ClassifierItem", "details.classifierItemId")
                if details.quantity is not None:
                    given["quantity"] = details.quantity
                if details.note is not None:
                    given["note"] = details.note
            files = [
                {"kind": a.kind.value, "title": a.title,
                 "file_id": decode_id(a.file_id, "Receipt", f"attachments.{i}.fileId") if a.file_id else None}
                for i, a in enumerate(attachments or [])
            ]
            pid = decode_id(person_id, "Person", "personId") if person_id is not None else None
        except DomainError as exc:
            return ApplicationPayload(errors=user_errors(exc))
        return await _run(info, services.submit_application, kind=kind, person_id=pid, details=given,
                          attachments=files)

    @strawberry.mutation(description="Officer of the person's region: approve, issuing the entitlement (an "
                                     "assistant: up to 8 hours a day for the period). Never issues twice.")
    async def approve_application(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        classifier_item_id: strawberry.ID | None = None,
        quantity: Decimal | None = None,
        valid_from: dt.date | None = None,
        valid_until: dt.date | None = None,
        daily_limit: Decimal | None = None,
    ) -> ApplicationPayload:
        try:
            aid = decode_id(application_id, "Application", "applicationId")
            item = decode_id(classifier_item_id, "ClassifierItem", "classifierItemId") if classifier_item_id else None
        except DomainError as exc:
            return ApplicationPayload(errors=user_errors(exc))
        return await _run(info, services.approve_application, aid, classifier_item_id=item, quantity=quantity,
                          valid_from=valid_from, valid_until=valid_until, daily_limit=daily_limit)

    @strawberry.mutation(description="Officer of the person's region: refuse, with a reason the person reads.")
    async def reject_application(
        self, info: strawberry.Info, application_id: strawberry.ID, reason: str
    ) -> ApplicationPayload:
        try:
            aid = decode_id(application_id, "Application", "applicationId")
        except DomainError as exc:
            return ApplicationPayload(errors=user_errors(exc))
        return await _run(info, services.reject_application, aid, reason)
