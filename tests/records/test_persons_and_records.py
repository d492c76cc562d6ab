"""Persons and disability records: kept by the region's officer, seen within scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Person, Sex
from marketplace.errors import ErrorCode
from marketplace.identifiers import make_iin
from marketplace.records import services as records
from marketplace.records.models import DisabilityGroup, DisabilityRecord, ExamFormat, RecordStatus
from tests import factories as f
from tests.factories import actions, refused, run

TODAY = f.today()
IIN = make_iin(dt.date(1992, 6, 15), "F", 501)


def person_args(world, **kw):
    args = dict(iin=IIN, last_name="Сейткали", first_name="Дана", region_id=world.region_a.id)
    args.update(kw)
    return args


async def test_officer_registers_a_person_of_the_region(db, world):
    p = await run(db, records.register_person, world.viewer("officer_a"), **person_args(world, middle_name=" "))
    assert (p.birth_date, p.sex, p.region_id) == (dt.date(1992, 6, 15), Sex.F, world.region_a.id)
    assert p.middle_name is None
    assert await actions(db, "Person", p.id) == ["person.registered"]


async def test_sex_and_century_come_from_the_iin(db, world):
    iin = make_iin(dt.date(2012, 2, 29), "M", 502)
    p = await run(db, records.register_person, world.viewer("admin"), **person_args(world, iin=iin))
    assert (p.birth_date, p.sex) == (dt.date(2012, 2, 29), Sex.M)


async def test_duplicate_iin(db, world):
    await run(db, records.register_person, world.viewer("officer_a"), **person_args(world))
    await refused(db, ErrorCode.DUPLICATE, records.register_person, world.viewer("admin"),
                  **person_args(world, region_id=world.region_b.id))


@pytest.mark.parametrize("iin", ["", "12345", "123456789012", "92061540050x", IIN[:-1] + str((int(IIN[-1]) + 1) % 10)])
async def test_malformed_iin(db, world, iin):
    await refused(db, ErrorCode.INVALID_IIN, records.register_person, world.viewer("officer_a"),
                  **person_args(world, iin=iin))
    async with db.session() as s:
        assert (await s.execute(select(func.count()).select_from(Person))).scalar_one() == 2


@pytest.mark.parametrize(("kw", "code"), [
    ({"last_name": ""}, ErrorCode.REQUIRED),
    ({"first_name": "x" * 101}, ErrorCode.TOO_LONG),
    ({"legal_representative_id": 999999}, ErrorCode.NOT_FOUND),
])
async def test_bad_person_input(db, world, kw, code):
    await refused(db, code, records.register_person, world.viewer("officer_a"), **person_args(world, **kw))


async def test_registering_persons_is_for_officers_of_the_region(db, world):
    await refused(db, ErrorCode.FORBIDDEN, records.register_person, world.viewer("officer_b"), **person_args(world))
    for who in ("recipient_a", "provider_a"):
        await refused(db, ErrorCode.FORBIDDEN, records.register_person, world.viewer(who), **person_args(world))
    await refused(db, ErrorCode.NOT_FOUND, records.register_person, world.viewer("admin"),
                  **person_args(world, region_id=999999))


async def test_person_reads_are_scoped(db, world):
    pid = world.recipient_a.id
    for who in ("recipient_a", "officer_a", "admin"):
        assert (await run(db, records.get_person, world.viewer(who), pid)).id == pid
    for who in ("recipient_b", "officer_b", "provider_a"):
        await refused(db, ErrorCode.NOT_FOUND, records.get_person, world.viewer(who), pid)
    await refused(db, ErrorCode.NOT_FOUND, records.get_person, world.viewer("admin"), 999999)


# -- records ---------------------------------------------------------------------------
def record_args(person, **kw):
    args = dict(person_id=person.id, group=DisabilityGroup.II, cause="GENERAL_DISEASE", nosology_code="G80.1",
                exam_format=ExamFormat.IN_ABSENTIA, valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=365),
                decision_number="MSE-2026-0001")
    args.update(kw)
    return args


@pytest.fixture
async def newcomer(db, world):
    async with db.transaction() as s:
        return await f.person(s, world.region_a)


async def test_officer_registers_a_record(db, world, newcomer):
    rec = await run(db, records.register_disability, world.viewer("officer_a"),
                    **record_args(newcomer, nosology_code=" g80.1 "))
    assert (rec.nosology_code, rec.status, rec.region_id) == ("G80.1", RecordStatus.ACTIVE, world.region_a.id)
    assert await actions(db, "DisabilityRecord", rec.id) == ["record.registered"]
    assert [r.id for r in await run(db, records.list_records, world.viewer("officer_a"), newcomer.id)] == [rec.id]


@pytest.mark.parametrize("code", ["G80", "G80.1", "S78.01", "F84.0"])
async def test_icd10_codes_accepted(db, world, newcomer, code):
    rec = await run(db, records.register_disability, world.viewer("officer_a"),
                    **record_args(newcomer, nosology_code=code, decision_number=None))
    assert rec.nosology_code == code


@pytest.mark.parametrize("code", ["", "G8", "80", "G800", "G80.", "G80.123", "ГG80", "GG0", "G80;DROP"])
async def test_icd10_codes_refused(db, world, newcomer, code):
    await refused(db, ErrorCode.INVALID, records.register_disability, world.viewer("officer_a"),
                  **record_args(newcomer, nosology_code=code))


@pytest.mark.parametrize(("kw", "code"), [
    ({"valid_until": TODAY - dt.timedelta(days=1)}, ErrorCode.OUT_OF_RANGE),
    ({"valid_from": dt.date(1900, 1, 1)}, ErrorCode.OUT_OF_RANGE),  # before birth
    ({"valid_from": TODAY + dt.timedelta(days=800), "valid_until": None}, ErrorCode.OUT_OF_RANGE),
    ({"cause": ""}, ErrorCode.REQUIRED),
    ({"cause": "x" * 65}, ErrorCode.TOO_LONG),
    ({"group": "IV"}, ErrorCode.INVALID),
    ({"exam_format": "BY_PHONE"}, ErrorCode.INVALID),
    ({"group": DisabilityGroup.CHILD}, ErrorCode.INVALID),  # an adult
    ({"decision_number": "x" * 41}, ErrorCode.TOO_LONG),
])
async def test_bad_record_input(db, world, newcomer, kw, code):
    await refused(db, code, records.register_disability, world.viewer("officer_a"), **record_args(newcomer, **kw))
    async with db.session() as s:
        n = (await s.execute(select(func.count()).select_from(DisabilityRecord)
                             .where(DisabilityRecord.person_id == newcomer.id))).scalar_one()
    assert n == 0


async def test_one_active_record_at_a_time_and_unique_decisions(db, world, newcomer):
    officer = world.viewer("officer_a")
    ends = TODAY + dt.timedelta(days=100)
    await run(db, records.register_disability, officer, **record_args(newcomer, valid_until=ends))
    await refused(db, ErrorCode.DUPLICATE, records.register_disability, officer,
                  **record_args(newcomer, decision_number="MSE-2026-0002", valid_from=ends))
    await refused(db, ErrorCode.DUPLICATE, records.register_disability, officer,
                  **record_args(newcomer, decision_number="MSE-2026-0001",
                                valid_from=ends + dt.timedelta(days=1), valid_until=None))
    # A record after the current one ends is fine.
    later = await run(db, records.register_disability, officer,
                      **record_args(newcomer, decision_number="MSE-2027-0001",
                                    valid_from=ends + dt.timedelta(days=1), valid_until=None))
    assert later.valid_until is None
    # ... and the earlier one can no longer be made to overlap it.
    first = (await run(db, records.list_records, officer, newcomer.id))[-1]
    await refused(db, ErrorCode.DUPLICATE, records.extend_disability_record, officer, first.id,
                  ends + dt.timedelta(days=30))


async def test_records_are_kept_by_the_officer_of_the_region(db, world, newcomer):
    await refused(db, ErrorCode.NOT_FOUND, records.register_disability, world.viewer("officer_b"),
                  **record_args(newcomer))
    await refused(db, ErrorCode.FORBIDDEN, records.register_disability, world.viewer("recipient_a"),
                  **record_args(newcomer))
    await refused(db, ErrorCode.FORBIDDEN, records.register_disability, world.viewer("provider_a"),
                  **record_args(newcomer))
    rec = await run(db, records.register_disability, world.viewer("admin"), **record_args(newcomer))
    assert rec.person_id == newcomer.id


async def test_close_a_record(db, world, newcomer):
    rec = await run(db, records.register_disability, world.viewer("officer_a"), **record_args(newcomer))
    await refused(db, ErrorCode.NOT_FOUND, records.close_disability_record, world.viewer("officer_b"), rec.id)
    await refused(db, ErrorCode.FORBIDDEN, records.close_disability_record, world.viewer("recipient_a"), rec.id)
    closed = await run(db, records.close_disability_record, world.viewer("officer_a"), rec.id)
    assert closed.status == RecordStatus.CLOSED
    await refused(db, ErrorCode.INVALID_TRANSITION, records.close_disability_record, world.viewer("officer_a"), rec.id)
    assert await actions(db, "DisabilityRecord", rec.id) == ["record.registered", "record.closed"]


async def test_extend_a_record(db, world, newcomer):
    officer = world.viewer("officer_a")
    rec = await run(db, records.register_disability, officer, **record_args(newcomer))
    longer = await run(db, records.extend_disability_record, officer, rec.id, TODAY + dt.timedelta(days=730))
    assert longer.valid_until == TODAY + dt.timedelta(days=730)
    await refused(db, ErrorCode.OUT_OF_RANGE, records.extend_disability_record, officer, rec.id,
                  TODAY + dt.timedelta(days=700))
    await refused(db, ErrorCode.NOT_FOUND, records.extend_disability_record, world.viewer("officer_b"), rec.id,
                  TODAY + dt.timedelta(days=800))
    lifelong = await run(db, records.extend_disability_record, officer, rec.id, None)
    assert lifelong.valid_until is None
    await refused(db, ErrorCode.INVALID, records.extend_disability_record, officer, rec.id,
                  TODAY + dt.timedelta(days=900))
    await run(db, records.close_disability_record, officer, rec.id)
    await refused(db, ErrorCode.INVALID_TRANSITION, records.extend_disability_record, officer, rec.id, None)
    assert await actions(db, "DisabilityRecord", rec.id) == [
        "record.registered", "record.extended", "record.extended", "record.closed"]


async def test_record_reads_are_scoped(db, world):
    pid = world.recipient_a.id
    for who in ("recipient_a", "officer_a", "admin"):
        assert len(await run(db, records.list_records, world.viewer(who), pid)) == 1
    for who in ("recipient_b", "officer_b", "provider_a"):
        await refused(db, ErrorCode.NOT_FOUND, records.list_records, world.viewer(who), pid)
