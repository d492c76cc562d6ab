"""Applications (granted, not bought) as GraphQL types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from marketplace.accounts.models import Language
from marketplace.applications import models as m
from marketplace.applications import services
from marketplace.notifications import messages
from schema.accounts.types import Person
from schema.catalog.types import ClassifierItem
from schema.core.errors import UserError
from schema.documents import ResultDocument
from schema.core.ids import to_global_id
from schema.core.loaders import related
from schema.core.node import Node
from schema.records.types import Entitlement

ApplicationKind = strawberry.enum(m.ApplicationKind, description="What is applied for.")
ApplicationStatus = strawberry.enum(m.ApplicationStatus)
ServiceForm = strawberry.enum(services.ServiceForm, description="Where special social services are given.")
AttachmentKind = strawberry.enum(
    services.AttachmentKind,
    description="A document. Those the records hold (identity, residence, disability, IRP, carer's allowance; "
                "a court decision when the records show the representative) are never uploaded.",
)


@strawberry.type(description="Something the state's records already prove, so nobody has to upload it.")
class ProvenFact:
    code: str
    label: str
    value: str
    source: str


def proven_facts(facts: list[dict[str, Any]], language: Language) -> list[ProvenFact]:
    out = []
    for f in facts:
        code = f.get("code", "")
        label = messages.FACT_LABELS.get(code)
        source = messages.FACT_SOURCES.get(f.get("source", ""))
        out.append(ProvenFact(
            code=code, label=label.in_(language) if label else code,
            value=messages.fact_value(code, f.get("data") or {}, language),
            source=source.in_(language) if source else f.get("source", ""),
        ))
    return out


@strawberry.type
class ApplicationAttachment:
    kind: AttachmentKind  # type: ignore[valid-type]
    title: str | None
    file_id: strawberry.ID | None = strawberry.field(description="The uploaded file (POST /receipts), if any.")


@strawberry.type(description="An application with its legal term; decided by an officer of the person's region.")
class Application(Node):
    kind: ApplicationKind  # type: ignore[valid-type]
    status: ApplicationStatus  # type: ignore[valid-type]
    service_form: ServiceForm | None  # type: ignore[valid-type]
    requested_quantity: Decimal | None
    note: str | None
    proven_facts: list[ProvenFact]
    attachments: list[ApplicationAttachment]
    required_attachments: list[AttachmentKind]  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="Why it was refused, for the person to read.")
    submitted_at: dt.datetime
    due_date: dt.date = strawberry.field(description="Submission + the term in working days.")
    term_working_days: int
    is_overdue: bool
    is_due_soon: bool = strawberry.field(description="Undecided and due within two working days.")
    working_days_left: int | None
    decided_at: dt.datetime | None
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]
    item_pk: strawberry.Private[int | None]
    entitlement_pk: strawberry.Private[int | None]

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.from_model(await info.context.loaders.person.load(self.person_pk))

    @strawberry.field(description="The aid or service asked for, when one was named.")
    async def classifier_item(self, info: strawberry.Info) -> ClassifierItem | None:
        return await related(info.context.loaders.classifier_item, self.item_pk, ClassifierItem)

    @strawberry.field(description="The entitlement the approval issued.")
    async def entitlement(self, info: strawberry.Info) -> Entitlement | None:
        return await related(info.context.loaders.entitlement, self.entitlement_pk, Entitlement)

    @strawberry.field(description="The decision as a sealed PDF (null until it is decided).")
    async def decision_document(self, info: strawberry.Info) -> ResultDocument | None:
        return await related(info.context.loaders.application_document, self.pk, ResultDocument)

    @classmethod
    def from_model(cls, a: m.Application, language: Language, today: dt.date) -> Application:
        d = a.details or {}
        form = d.get("service_form")
        return cls(
            id=strawberry.ID(to_global_id("Application", a.id)), pk=a.id, person_pk=a.person_id,
            item_pk=d.get("classifier_item_id"), entitlement_pk=a.entitlement_id, kind=a.kind, status=a.status,
            service_form=services.ServiceForm(form) if form else None,
            requested_quantity=Decimal(d["quantity"]) if d.get("quantity") else None, note=d.get("note"),
            proven_facts=proven_facts(d.get("proven_facts") or [], language),
            attachments=[
                ApplicationAttachment(
                    kind=services.AttachmentKind(x["kind"]), title=x.get("title"),
                    file_id=strawberry.ID(to_global_id("Receipt", x["file_id"])) if x.get("file_id") else None,
                )
                for x in d.get("attachments") or []
            ],
            required_attachments=[services.AttachmentKind(x) for x in d.get("required_attachments") or []],
            reason=a.reason, submitted_at=a.submitted_at, due_date=a.due_date,
            term_working_days=services.TERM_WORKING_DAYS[a.kind], is_overdue=services.is_overdue(a, today),
            is_due_soon=services.is_due_soon(a, today), working_days_left=services.working_days_left(a, today),
            decided_at=a.decided_at,
        )


@strawberry.type(description="The form before submission: what the records prove, whether the person is "
                             "eligible (and if not, why), and the only documents still needed.")
class ApplicationForm:
    kind: ApplicationKind  # type: ignore[valid-type]
    eligible: bool
    refusal: UserError | None
    proven_facts: list[ProvenFact]
    required_attachments: list[AttachmentKind]  # type: ignore[valid-type]
    not_to_upload: list[AttachmentKind] = strawberry.field(  # type: ignore[valid-type]
        description="Documents the records hold: an upload of these is refused."
    )
    term_working_days: int
    due_date_if_submitted_today: dt.date
    person_pk: strawberry.Private[int]

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.from_model(await info.context.loaders.person.load(self.person_pk))
