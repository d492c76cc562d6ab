"""The one home of lifecycles and of input cleaning: a transition outside its table is a programming
error, and the cleaners apply one rule each (control characters, exact decimals, ids)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sqlalchemy import select

from marketplace import lifecycle
from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import Provider, VerificationStatus
from marketplace.cleaning import MAX_DB_ID, clean_exact_decimal, clean_id, clean_optional_text, clean_quantity
from marketplace.cleaning import clean_reason, clean_required_text
from marketplace.errors import DomainError, ErrorCode
from marketplace.orders.models import OrderStatus
from marketplace.quotes.models import QuoteStatus
from marketplace.transport.models import TripStatus
from tests import factories as f


def test_each_lifecycle_knows_where_a_status_comes_from():
    assert set(lifecycle.ORDER.sources(OrderStatus.CANCELLED)) == {OrderStatus.PLACED, OrderStatus.ACCEPTED}
    assert lifecycle.ORDER.may(OrderStatus.DELIVERED, OrderStatus.CONFIRMED)
    assert not lifecycle.ORDER.may(OrderStatus.CONFIRMED, OrderStatus.CANCELLED)
    assert lifecycle.QUOTE.may(QuoteStatus.QUOTED, QuoteStatus.QUOTED)  # a revision
    assert lifecycle.TRIP.sources(TripStatus.COMPLETED) == (TripStatus.CONFIRMED,)


async def test_a_transition_outside_the_table_is_refused_before_any_statement():
    with pytest.raises(ValueError, match="not in its lifecycle"):
        await lifecycle.transition(
            None, None, lifecycle.ORDER, object(), OrderStatus.PLACED,  # type: ignore[arg-type]
            old=[OrderStatus.CONFIRMED], action="order.placed", refusal=lambda now: AssertionError(),  # type: ignore[arg-type,return-value]
        )


async def test_a_lifecycle_moves_the_column_that_holds_its_status(db):
    """A provider's verification lives in ``verification_status``: the move is conditional on it
    (a stale picture of the row is refused with what the row is now) and audited with it."""
    verification = lifecycle.PROVIDER_VERIFICATION
    assert verification.may(VerificationStatus.PENDING, VerificationStatus.VERIFIED)
    assert not verification.may(VerificationStatus.VERIFIED, VerificationStatus.PENDING)
    async with db.transaction() as s:
        provider = await f.provider(s, [await f.region(s)], verification_status=VerificationStatus.PENDING)
        await lifecycle.transition(s, None, verification, provider, VerificationStatus.SUSPENDED,
                                   action="provider.verification_changed", refusal=lambda now: AssertionError(now))
        assert provider.verification_status == VerificationStatus.SUSPENDED
        await s.flush()
        event = (await s.execute(select(AuditEvent).where(AuditEvent.subject_type == "Provider",
                                                          AuditEvent.subject_id == provider.id))).scalar_one()
        assert (event.before["verification_status"], event.after["verification_status"]) == ("PENDING", "SUSPENDED")
    async with db.transaction() as s:
        stale = await s.get(Provider, provider.id)
        stale.verification_status = VerificationStatus.PENDING  # what an earlier read said, never flushed
        with pytest.raises(DomainError) as err:
            await lifecycle.transition(
                s, None, verification, stale, VerificationStatus.VERIFIED, old=[VerificationStatus.PENDING],
                action="provider.verification_changed",
                refusal=lambda now: DomainError(ErrorCode.INVALID_TRANSITION, str(now.verification_status.value)))
        assert err.value.message == "SUSPENDED"


@pytest.mark.parametrize("clean", [clean_required_text, clean_optional_text])
def test_control_characters_are_refused_in_every_text(clean):
    with pytest.raises(DomainError) as err:
        clean("Иван\x00", "name", 50)
    assert err.value.code == ErrorCode.INVALID
    assert clean("  a\n b ", "note", 50, multiline=True) == "a\n b"
    with pytest.raises(DomainError):
        clean("a\nb", "name", 50)


def test_a_reason_keeps_its_lines_and_needs_three_characters():
    assert clean_reason("Not\r\nused") == "Not\nused"
    with pytest.raises(DomainError) as err:
        clean_reason("no")
    assert err.value.code == ErrorCode.INVALID


@pytest.mark.parametrize("given", ["1e3", "1_0", "１", 1.5, True, "NaN"])
def test_exact_decimals_are_read_strictly(given):
    with pytest.raises(DomainError) as err:
        clean_quantity(given)
    assert err.value.code == ErrorCode.INVALID


def test_exact_decimals_have_bounds_and_two_places():
    assert clean_exact_decimal(" 12.5 ", "unitPrice", most=Decimal(100), kind="price") == Decimal("12.50")
    with pytest.raises(DomainError) as err:
        clean_exact_decimal("100.01", "amount", most=Decimal(100), kind="amount")
    assert err.value.code == ErrorCode.OUT_OF_RANGE
    with pytest.raises(DomainError) as err:
        clean_exact_decimal("1.005", "quantity", most=Decimal(100), kind="quantity")
    assert err.value.code == ErrorCode.INVALID
    with pytest.raises(DomainError) as err:
        clean_exact_decimal(None, "unitPrice", most=Decimal(100), kind="price")
    assert err.value.code == ErrorCode.REQUIRED


@pytest.mark.parametrize("given", [0, -1, True, "5", MAX_DB_ID + 1])
def test_an_id_that_cannot_exist_is_not_found(given):
    with pytest.raises(DomainError) as err:
        clean_id(given, "order", "orderId")
    assert err.value.code == ErrorCode.NOT_FOUND
    assert clean_id(MAX_DB_ID, "order", "orderId") == MAX_DB_ID
