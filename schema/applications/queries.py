"""Queries of applications: the form filled from the records, each role's list, the officer's queue."""

from __future__ import annotations

import strawberry

from marketplace.applications import services
from marketplace.clock import today
from schema.applications.types import Application, ApplicationForm, ApplicationKind, ApplicationStatus, ServiceForm
from schema.applications.types import proven_facts
from schema.core.errors import user_errors
from schema.core.ids import decode_id
from schema.core.node import node_fetcher
from schema.core.pagination import Connection, service_connection


def application_type(info: strawberry.Info, app) -> Application:  # type: ignore[no-untyped-def]
    return Application.from_model(app, info.context.viewer.language, today())


@node_fetcher("Application")
async def fetch_application(info: strawberry.Info, pk: int) -> Application:
    async with info.context.db.session() as session:
        return application_type(info, await services.get_application(session, info.context.viewer, pk))


@strawberry.type
class ApplicationQueries:
    @strawberry.field(description="The application form of a kind for the signed-in recipient (or a person they "
                                  "represent), filled from the records: proven facts, eligibility, what is needed.")
    async def application_form(
        self,
        info: strawberry.Info,
        kind: ApplicationKind,  # type: ignore[valid-type]
        person_id: strawberry.ID | None = None,
        classifier_item_id: strawberry.ID | None = None,
        service_form: ServiceForm | None = None,  # type: ignore[valid-type]
    ) -> ApplicationForm:
        details = {}
        if classifier_item_id is not None:
            details["classifier_item_id"] = decode_id(classifier_item_id, "ClassifierItem", "classifierItemId")
        if service_form is not None:
            details["service_form"] = service_form.value
        async with info.context.db.session() as session:
            form = await services.application_form(
                session, info.context.viewer, kind=kind,
                person_id=decode_id(person_id, "Person", "personId") if person_id is not None else None,
                details=details,
            )
        language = info.context.viewer.language
        return ApplicationForm(
            kind=form.kind, person_pk=form.person.id, eligible=form.eligible,
            refusal=user_errors(form.refusal)[0] if form.refusal else None,
            proven_facts=proven_facts(form.proven_facts, language),
            required_attachments=form.required_attachments, not_to_upload=form.refused_attachments,
            term_working_days=form.term_working_days, due_date_if_submitted_today=form.due_date_if_submitted_today,
        )

    @strawberry.field(description="Applications in the viewer's scope. An officer's queue comes soonest due "
                                  "first, each flagged isOverdue / isDueSoon; a recipient's latest first.")
    async def applications(
        self,
        info: strawberry.Info,
        status: ApplicationStatus | None = None,  # type: ignore[valid-type]
        kind: ApplicationKind | None = None,  # type: ignore[valid-type]
        overdue_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Application]:
        return await service_connection(
            info, services.list_applications, status=status, kind=kind, overdue_only=overdue_only, first=first,
            after=after, key=services.application_cursor, wrap=lambda a: application_type(info, a))

    @strawberry.field(description="One application in the viewer's scope.")
    async def application(self, info: strawberry.Info, id: strawberry.ID) -> Application:
        return await fetch_application(info, decode_id(id, "Application"))
