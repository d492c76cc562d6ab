"""Mutations of applications: submit (recipient), approve and reject (the region's officer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from marketplace.applications import services
from schema.applications.queries import application_type
from schema.applications.types import Application, ApplicationKind, AttachmentKind, ServiceForm
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.inputs import optional_id
from schema.core.mutations import mutation, transaction


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
class ApplicationPayload(Payload):
    application: Application | None = None


def _details(details: ApplicationDetailsInput | None) -> dict[str, Any]:
    """The choices given, by the service's names (a field left out is not among them)."""
    if details is None:
        return {}
    given = {"service_form": details.service_form.value if details.service_form is not None else None,
             "classifier_item_id": optional_id(details.classifier_item_id, "ClassifierItem",
                                               "details.classifierItemId"),
             "quantity": details.quantity, "note": details.note}
    return {name: value for name, value in given.items() if value is not None}


def _attachments(attachments: list[AttachmentInput] | None) -> list[dict[str, Any]]:
    return [{"kind": a.kind.value, "title": a.title,
             "file_id": optional_id(a.file_id, "Receipt", f"attachments.{i}.fileId")}
            for i, a in enumerate(attachments or [])]


def _application(info: strawberry.Info, application) -> ApplicationPayload:  # type: ignore[no-untyped-def]
    return ApplicationPayload(application=application_type(info, application))


@strawberry.type
class ApplicationMutations:
    @mutation(description="Apply, for yourself or a person you represent. Eligibility is read from the "
                          "records; a refusal says which rule and what the records show.")
    async def submit_application(
        self,
        info: strawberry.Info,
        kind: ApplicationKind,  # type: ignore[valid-type]
        person_id: strawberry.ID | None = None,
        details: ApplicationDetailsInput | None = None,
        attachments: list[AttachmentInput] | None = None,
    ) -> ApplicationPayload:
        given, files = _details(details), _attachments(attachments)
        return _application(info, await transaction(
            info, services.submit_application, kind=kind, person_id=optional_id(person_id, "Person", "personId"),
            details=given, attachments=files))

    @mutation(description="Officer of the person's region: approve, issuing the entitlement (an "
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
        return _application(info, await transaction(
            info, services.approve_application, decode_id(application_id, "Application", "applicationId"),
            classifier_item_id=optional_id(classifier_item_id, "ClassifierItem", "classifierItemId"),
            quantity=quantity, valid_from=valid_from, valid_until=valid_until, daily_limit=daily_limit))

    @mutation(description="Officer of the person's region: refuse, with a reason the person reads.")
    async def reject_application(
        self, info: strawberry.Info, application_id: strawberry.ID, reason: str
    ) -> ApplicationPayload:
        return _application(info, await transaction(
            info, services.reject_application, decode_id(application_id, "Application", "applicationId"), reason))
