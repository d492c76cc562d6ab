"""A recipient's claim for an aid bought on their own: reservation, release, consumption."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from marketplace.claims import receipts
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimKind, ClaimStatus
from marketplace.errors import DomainError, ErrorCode
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from tests import factories as f
from tests.claims.conftest import PDF, audit_count, make_receipt
from tests.factories import change


async def submit(db, viewer, **kw):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        return await cs.submit_self_purchase_claim(s, viewer, **kw)


async def balance(db, ent_id):  # type: ignore[no-untyped-def]
    async with db.session() as s:
        e = await s.get(Entitlement, ent_id)
        return e.reserved, e.consumed


@pytest.fixture
async def receipt(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        return await make_receipt(s, world, claim_settings)


def args(world, receipt, **over):  # type: ignore[no-untyped-def]
    kw = dict(
        person_id=world.recipient_a.id,
        entitlement_id=world.entitlement_a.id,
        quantity=Decimal("1"),
        amount_paid=Decimal("300000.00"),
        receipt_id=receipt.id,
        idempotency_key="self-1",
    )
    kw.update(over)
    return kw


async def test_approvable_is_the_lesser_of_paid_and_cap_and_the_balance_is_reserved(db, world, receipt):  # type: ignore[no-untyped-def]
    claim = await submit(db, world.viewer("recipient_a"), **args(world, receipt))
    assert claim.kind == ClaimKind.SELF_PURCHASE and claim.status == ClaimStatus.SUBMITTED
    assert claim.amount_claimed == Decimal("300000.00")
    assert claim.amount_approvable == Decimal("250000.00")  # the cap
    assert claim.receipt_id == receipt.id and claim.provider_id is None
    assert claim.region_id == world.region_a.id
    assert await balance(db, world.entitlement_a.id) == (Decimal("1.00"), Decimal("0.00"))
    assert await audit_count(db, "entitlement.reserved", world.entitlement_a.id) == 1


async def test_paid_below_the_cap_is_approvable_in_full(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        r = await make_receipt(s, world, claim_settings)
    claim = await submit(db, world.viewer("recipient_a"), **args(world, r, quantity=Decimal("2"),
                                                                   amount_paid=Decimal("99999.99")))
    assert claim.amount_approvable == Decimal("99999.99")


async def test_rejection_releases_and_payment_consumes_the_reservation(db, world, claim_settings):  # type: ignore[no-untyped-def]
    viewer, officer = world.viewer("recipient_a"), world.viewer("officer_a")
    async with db.transaction() as s:
        r1 = await make_receipt(s, world, claim_settings, data=PDF + b"%1")
        r2 = await make_receipt(s, world, claim_settings, data=PDF + b"%2")
    c1 = await submit(db, viewer, **args(world, r1, idempotency_key="1"))
    c2 = await submit(db, viewer, **args(world, r2, idempotency_key="2"))
    assert await balance(db, world.entitlement_a.id) == (Decimal("2.00"), Decimal("0.00"))
    async with db.transaction() as s:
        await cs.reject_claim(s, officer, c1.id, "The receipt is for another item.")
    assert await balance(db, world.entitlement_a.id) == (Decimal("1.00"), Decimal("0.00"))
    assert await audit_count(db, "entitlement.released", world.entitlement_a.id) == 1
    async with db.transaction() as s:
        await cs.approve_claim(s, officer, c2.id)
    assert await balance(db, world.entitlement_a.id) == (Decimal("1.00"), Decimal("0.00"))
    async with db.transaction() as s:
        await cs.mark_claim_paid(s, officer, c2.id, idempotency_key="pay")
    assert await balance(db, world.entitlement_a.id) == (Decimal("0.00"), Decimal("1.00"))
    assert await audit_count(db, "entitlement.consumed", world.entitlement_a.id) == 1
    # replaying the payment moves nothing again
    async with db.transaction() as s:
        await cs.mark_claim_paid(s, officer, c2.id, idempotency_key="pay")
    assert await balance(db, world.entitlement_a.id) == (Decimal("0.00"), Decimal("1.00"))


async def test_reserved_balance_cannot_be_spent_twice(db, world, claim_settings):  # type: ignore[no-untyped-def]
    viewer = world.viewer("recipient_a")
    async with db.transaction() as s:
        receipts = [await make_receipt(s, world, claim_settings, data=PDF + b"%%%d" % n) for n in range(3)]
        # an order already holds one of the two units
        await s.execute(update(Entitlement).where(Entitlement.id == world.entitlement_a.id)
                        .values(reserved=Decimal("1")))
    await submit(db, viewer, **args(world, receipts[0], idempotency_key="a"))
    with pytest.raises(DomainError) as err:
        await submit(db, viewer, **args(world, receipts[1], idempotency_key="b"))
    assert err.value.code == ErrorCode.INSUFFICIENT_BALANCE and err.value.field == "quantity"
    with pytest.raises(DomainError) as err:
        await submit(db, viewer, **args(world, receipts[2], quantity=Decimal("5"), idempotency_key="c"))
    assert err.value.code == ErrorCode.INSUFFICIENT_BALANCE
    assert await balance(db, world.entitlement_a.id) == (Decimal("2.00"), Decimal("0.00"))


async def test_same_key_same_claim_and_a_receipt_backs_one_claim(db, world, receipt):  # type: ignore[no-untyped-def]
    viewer = world.viewer("recipient_a")
    c1 = await submit(db, viewer, **args(world, receipt))
    c2 = await submit(db, viewer, **args(world, receipt))
    assert c1.id == c2.id
    assert await balance(db, world.entitlement_a.id) == (Decimal("1.00"), Decimal("0.00"))
    with pytest.raises(DomainError) as err:
        await submit(db, viewer, **args(world, receipt, idempotency_key="new"))
    assert err.value.code == ErrorCode.DUPLICATE and err.value.field == "receiptId"
    with pytest.raises(DomainError) as err:
        await submit(db, viewer, **args(world, receipt, amount_paid=Decimal("1.00")))
    assert err.value.code == ErrorCode.IDEMPOTENCY_CONFLICT


async def test_a_representative_claims_for_the_represented_person(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, legal_representative_id=world.recipient_a.id)
        await f.disability_record(s, child)
        ent = await f.entitlement(s, child, world.item, quantity=1)
    parent = f.viewer_of(world.recipient_a_account, frozenset({child.id}))
    async with db.transaction() as s:
        r = await cs_receipt(s, parent, child.id, claim_settings)
    claim = await submit(db, parent, person_id=child.id, entitlement_id=ent.id, quantity=Decimal("1"),
                         amount_paid=Decimal("1000.00"), receipt_id=r.id, idempotency_key="child")
    assert claim.person_id == child.id and claim.submitted_by_account_id == world.recipient_a_account.id


async def cs_receipt(s, viewer, person_id, settings):  # type: ignore[no-untyped-def]
    return await receipts.store_receipt(s, viewer, person_id=person_id, filename="r.pdf",
                                        content_type="application/pdf", data=PDF, settings=settings)


async def test_refusals(db, world, receipt, claim_settings):  # type: ignore[no-untyped-def]
    viewer = world.viewer("recipient_a")

    async def code(v=viewer, **over):  # type: ignore[no-untyped-def]
        with pytest.raises(DomainError) as err:
            await submit(db, v, **args(world, receipt, **over))
        return err.value.code, err.value.field

    # another person (not represented) is out of scope
    assert await code(person_id=world.recipient_b.id) == (ErrorCode.NOT_FOUND, "personId")
    # wrong roles
    for name in ("provider_a", "officer_a", "admin"):
        assert (await code(v=world.viewer(name)))[0] == ErrorCode.FORBIDDEN
    # another person's entitlement, and another person's receipt
    assert await code(entitlement_id=world.entitlement_b.id) == (ErrorCode.NOT_FOUND, "entitlementId")
    async with db.transaction() as s:
        rb = await make_receipt(s, world, claim_settings, side="b")
    assert await code(receipt_id=rb.id) == (ErrorCode.NOT_FOUND, "receiptId")
    assert await code(receipt_id=424242) == (ErrorCode.NOT_FOUND, "receiptId")
    # bad numbers
    for q in (Decimal("0"), Decimal("-1"), Decimal("0.5"), 1.0, "x", Decimal("1e9")):
        c, fld = await code(quantity=q)
        assert c in (ErrorCode.OUT_OF_RANGE, ErrorCode.INVALID) and fld == "quantity", q
    for a in (Decimal("0"), Decimal("-10"), Decimal("10.005"), 10.5, None, Decimal("1e12"), Decimal("Infinity")):
        c, fld = await code(amount_paid=a)
        assert c in (ErrorCode.OUT_OF_RANGE, ErrorCode.INVALID) and fld == "amountPaid", a
    # a closed entitlement, a closed record, an item with no cap
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, status=EntitlementStatus.CLOSED)
    assert (await code())[0] == ErrorCode.NO_ENTITLEMENT
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id, status=EntitlementStatus.ACTIVE)
    await change(db, DisabilityRecord, DisabilityRecord.person_id == world.recipient_a.id, status=RecordStatus.CLOSED)
    assert (await code())[0] == ErrorCode.NO_ACTIVE_RECORD
    await change(db, DisabilityRecord, DisabilityRecord.person_id == world.recipient_a.id, status=RecordStatus.ACTIVE)
    async with db.transaction() as s:
        custom = await f.classifier_item(s, price_cap=None)
        ent = await f.entitlement(s, world.recipient_a, custom, quantity=1)
    assert (await code(entitlement_id=ent.id))[0] == ErrorCode.NOT_ELIGIBLE
    assert await balance(db, world.entitlement_a.id) == (Decimal("0.00"), Decimal("0.00"))
    assert await audit_count(db, "claim.submitted") == 0


async def test_an_expired_entitlement_is_refused(db, world, receipt):  # type: ignore[no-untyped-def]
    await change(db, Entitlement, Entitlement.id == world.entitlement_a.id,
                 valid_from=f.today() - dt.timedelta(days=400), valid_until=f.today() - dt.timedelta(days=5))
    with pytest.raises(DomainError) as err:
        await submit(db, world.viewer("recipient_a"), **args(world, receipt))
    assert err.value.code == ErrorCode.NO_ENTITLEMENT


async def test_quarterly_release_bounds_a_self_purchase(db, world, claim_settings):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        diapers = await f.classifier_item(s, price_cap=Decimal("150.00"))
        ent = await f.entitlement(s, world.recipient_a, diapers, quantity=1460, quarterly_release=365,
                                  valid_from=f.today() - dt.timedelta(days=10),
                                  valid_until=f.today() + dt.timedelta(days=300))
        r1 = await make_receipt(s, world, claim_settings, data=PDF + b"%1")
        r2 = await make_receipt(s, world, claim_settings, data=PDF + b"%2")
    viewer = world.viewer("recipient_a")
    with pytest.raises(DomainError) as err:
        await submit(db, viewer, **args(world, r1, entitlement_id=ent.id, quantity=Decimal("366"),
                                        amount_paid=Decimal("50000.00")))
    assert err.value.code == ErrorCode.INSUFFICIENT_BALANCE
    claim = await submit(db, viewer, **args(world, r2, entitlement_id=ent.id, quantity=Decimal("365"),
                                            amount_paid=Decimal("60000.00"), idempotency_key="q"))
    assert claim.amount_approvable == Decimal("54750.00")
