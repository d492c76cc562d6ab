"""Mutations of records and IRPs, for LOCAL_BODY officers of the person's region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from marketplace.records import services
from schema.accounts.types import Person
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.inputs import optional_id
from schema.core.mutations import mutation, transaction
from schema.core.scalars import Language
from schema.records.types import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat


@strawberry.input
class RegisterPersonInput:
    iin: str
    last_name: str
    first_name: str
    region_id: strawberry.ID
    middle_name: str | None = None
    language: Language = Language.RU  # type: ignore[valid-type]
    phone: str | None = None
    address: str | None = None
    has_mobility_difficulty: bool = False
    receives_carer_allowance: bool = False
    legal_representative_id: strawberry.ID | None = None


@strawberry.input
class CorrectPersonFlagsInput:
    person_id: strawberry.ID
    reason: str
    has_mobility_difficulty: bool | None = None
    receives_carer_allowance: bool | None = None


@strawberry.input
class RegisterDisabilityInput:
    person_id: strawberry.ID
    group: DisabilityGroup  # type: ignore[valid-type]
    cause: str
    nosology_code: str
    exam_format: ExamFormat  # type: ignore[valid-type]
    valid_from: dt.date
    valid_until: dt.date | None = None
    decision_number: str | None = None


@strawberry.input
class IssueEntitlementInput:
    person_id: strawberry.ID
    classifier_item_id: strawberry.ID
    quantity: Decimal
    valid_from: dt.date
    valid_until: dt.date
    line_number: str | None = None
    quarterly_release: Decimal | None = None
    daily_limit: Decimal | None = None
    with_companion: bool = False


@strawberry.type
class PersonPayload(Payload):
    person: Person | None = None


@strawberry.type
class DisabilityRecordPayload(Payload):
    record: DisabilityRecord | None = None


@strawberry.type
class EntitlementPayload(Payload):
    entitlement: Entitlement | None = None


def _record(record) -> DisabilityRecordPayload:  # type: ignore[no-untyped-def]
    return DisabilityRecordPayload(record=DisabilityRecord.from_model(record))


def _entitlement(entitlement) -> EntitlementPayload:  # type: ignore[no-untyped-def]
    return EntitlementPayload(entitlement=Entitlement.from_model(entitlement))


@strawberry.type
class RecordMutations:
    @mutation(description="Register a person (IIN checked; birth date and sex read from it).")
    async def register_person(self, info: strawberry.Info, input: RegisterPersonInput) -> PersonPayload:
        representative = optional_id(input.legal_representative_id, "Person", "legalRepresentativeId")
        person = await transaction(
            info, services.register_person, iin=input.iin, last_name=input.last_name, first_name=input.first_name,
            region_id=decode_id(input.region_id, "Region", "regionId"), middle_name=input.middle_name,
            language=input.language, phone=input.phone, address=input.address,
            has_mobility_difficulty=input.has_mobility_difficulty,
            receives_carer_allowance=input.receives_carer_allowance, legal_representative_id=representative)
        return PersonPayload(person=Person.from_model(person))

    @mutation(description="Correct what the records say of a person (mobility difficulty, carer's allowance), "
                          "with a reason: the officer of the person's region or the admin; audited.")
    async def correct_person_flags(self, info: strawberry.Info, input: CorrectPersonFlagsInput) -> PersonPayload:
        person = await transaction(
            info, services.correct_person_flags, decode_id(input.person_id, "Person", "personId"),
            has_mobility_difficulty=input.has_mobility_difficulty,
            receives_carer_allowance=input.receives_carer_allowance, reason=input.reason)
        return PersonPayload(person=Person.from_model(person))

    @mutation(description="Record a disability set by medical-social examination.")
    async def register_disability(self, info: strawberry.Info, input: RegisterDisabilityInput) -> DisabilityRecordPayload:
        return _record(await transaction(
            info, services.register_disability, person_id=decode_id(input.person_id, "Person", "personId"),
            group=input.group, cause=input.cause, nosology_code=input.nosology_code, exam_format=input.exam_format,
            valid_from=input.valid_from, valid_until=input.valid_until, decision_number=input.decision_number))

    @mutation(description="Close a disability record (no new orders).")
    async def close_disability_record(self, info: strawberry.Info, record_id: strawberry.ID) -> DisabilityRecordPayload:
        return _record(await transaction(info, services.close_disability_record, _record_id(record_id)))

    @mutation(description="Extend (or make open-ended) a disability record after review.")
    async def extend_disability_record(
        self, info: strawberry.Info, record_id: strawberry.ID, valid_until: dt.date | None = None
    ) -> DisabilityRecordPayload:
        return _record(await transaction(info, services.extend_disability_record, _record_id(record_id), valid_until))

    @mutation(description="Add a line to a person's Individual Rehabilitation Program.")
    async def issue_entitlement(self, info: strawberry.Info, input: IssueEntitlementInput) -> EntitlementPayload:
        return _entitlement(await transaction(
            info, services.issue_entitlement, person_id=decode_id(input.person_id, "Person", "personId"),
            classifier_item_id=decode_id(input.classifier_item_id, "ClassifierItem", "classifierItemId"),
            quantity=input.quantity, valid_from=input.valid_from, valid_until=input.valid_until,
            line_number=input.line_number, quarterly_release=input.quarterly_release,
            daily_limit=input.daily_limit, with_companion=input.with_companion))

    @mutation(description="Close an IRP line (no new orders against it).")
    async def close_entitlement(self, info: strawberry.Info, entitlement_id: strawberry.ID) -> EntitlementPayload:
        return _entitlement(await transaction(info, services.close_entitlement,
                                              decode_id(entitlement_id, "Entitlement", "entitlementId")))


def _record_id(value: strawberry.ID) -> int:
    return decode_id(value, "DisabilityRecord", "recordId")
