"""Every state change that concerns someone notifies the right accounts, in their language,
in the same transaction; delivery (adapters, live subscribers) happens only after commit."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from marketplace import clock
from marketplace.accounts.models import Sex
from marketplace.applications import services as apps
from marketplace.applications.models import Application, ApplicationKind
from marketplace.calendar import add_working_days
from marketplace.catalog import services as catalog
from marketplace.catalog.models import ListingStatus
from marketplace.claims import services as claims
from marketplace.claims.models import ClaimKind, CompensationClaim
from marketplace.db import utcnow
from marketplace.errors import DomainError, ErrorCode
from marketplace.identifiers import make_iin
from marketplace.notifications import delivery
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from marketplace.orders import services as orders
from marketplace.records import services as records
from tests import factories as f
from tests.factories import GrantWorld, new_key, refused, run
from tests.notifications.inbox import RecordingAdapter, kinds, notes

UTC = dt.UTC
WORKER = make_iin(dt.date(1990, 5, 17), Sex.F.value, 77)


@pytest.fixture
def adapter(outbox: RecordingAdapter) -> RecordingAdapter:
    """tests/conftest.py's outbox: the deliveries these tests read."""
    return outbox


async def assistant_order(db, gw: GrantWorld):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        ent = await f.entitlement(s, gw.eligible, gw.assistant, quantity=100, daily_limit=Decimal(8))
    return await run(db, orders.place_order, gw.viewer("eligible"), listing_id=gw.assistant_listing.id,
                     entitlement_id=ent.id, quantity=Decimal(10), idempotency_key=new_key())


async def test_the_service_hours_path_notifies_each_party_in_its_language(db, gw: GrantWorld, adapter, day_is_over) -> None:  # type: ignore[no-untyped-def]
    acc = gw.accounts
    order = await assistant_order(db, gw)
    # The provider (English) hears of the order; the recipient who placed it does not.
    [placed] = await notes(db, acc["provider"].id)
    assert placed.kind == "order.placed" and placed.title == f"New order №{order.id}"
    assert placed.body == "10 × Personal assistant. Accept or decline it."
    assert placed.subject_type == "Order" and placed.subject_id == order.id
    assert await notes(db, acc["eligible"].id) == []

    await run(db, orders.accept_order, gw.viewer("provider"), order.id)
    today = clock.today()
    log = await run(db, orders.log_service_hours, gw.viewer("provider"), order_id=order.id, worker_iin=WORKER,
                    worker_name="Сәуле Ахметова", service_date=today, start_time=dt.time(9, 0),
                    end_time=dt.time(12, 30))
    await run(db, orders.confirm_service_hours, gw.viewer("eligible"), [log.id])
    claim = await run(db, claims.submit_service_hours_claim, gw.viewer("provider"), order_id=order.id,
                      idempotency_key=new_key())
    await run(db, claims.approve_claim, gw.viewer("officer_a"), claim.id)
    await run(db, claims.mark_claim_paid, gw.viewer("officer_a"), claim.id, idempotency_key=new_key())

    # The recipient (Kazakh): accepted, hours to confirm, a claim made and paid for their service.
    got = await notes(db, acc["eligible"].id)
    assert [n.kind for n in got] == ["order.accepted", "service_log.logged", "claim.submitted.person",
                                     "claim.paid.person"]
    assert got[0].title == f"№{order.id} тапсырыс қабылданды"
    assert got[1].title == "Сағаттар растауды күтуде"
    assert "3,5 сағат" in got[1].body and "09:00–12:30" in got[1].body and "Сәуле Ахметова" in got[1].body
    assert got[3].title == "Мемлекет сіздің қызметіңізді төледі" and "7\u00a0000,00\u00a0₸" in got[3].body
    # The region's officers, each in their own language, hear of the claim to decide.
    [ru] = await notes(db, acc["officer_a"].id)
    assert ru.kind == "claim.submitted" and ru.title == f"Новая заявка на возмещение №{claim.id}"
    assert (await notes(db, acc["officer_a2"].id))[0].title == f"New claim №{claim.id}"
    assert await kinds(db, acc["officer_b"].id) == []
    # The provider: its order, then the decisions on its claim (not its own acts).
    assert await kinds(db, acc["provider"].id) == ["order.placed", "claim.approved", "claim.paid"]
    paid = (await notes(db, acc["provider"].id))[-1]
    assert paid.title == f"Claim №{claim.id} paid" and paid.body == "7,000.00 KZT has been paid."
    # Every row went to the delivery adapter after its commit, with the contacts known.
    await delivery.drain()
    assert len(adapter.sent) == 9  # provider 3, recipient 4, two officers 1 each
    to_person = [m for m in adapter.sent if m.account_id == acc["eligible"].id]
    assert {m.phone for m in to_person} == {"+77010000001"}
    assert {m.email for m in adapter.sent if m.account_id == acc["provider"].id} == {"care@example.kz"}


async def test_declined_and_delivered_orders_tell_the_recipient(db, gw: GrantWorld) -> None:
    order = await assistant_order(db, gw)
    await run(db, orders.decline_order, gw.viewer("provider"), order.id, "Нет свободных специалистов")
    second = await assistant_order_again(db, gw)
    await run(db, orders.accept_order, gw.viewer("provider"), second.id)
    await run(db, orders.mark_delivered, gw.viewer("provider"), second.id)
    got = await notes(db, gw.accounts["eligible"].id)
    assert [n.kind for n in got] == ["order.declined", "order.accepted", "order.delivered"]
    assert "Нет свободных специалистов" in got[0].body
    assert got[2].title == f"№{second.id} тапсырыс жеткізілді"


async def assistant_order_again(db, gw: GrantWorld):  # type: ignore[no-untyped-def]
    async with db.session() as s:
        ent = (await records.my_entitlements(s, gw.viewer("eligible")))[0]
    return await run(db, orders.place_order, gw.viewer("eligible"), listing_id=gw.assistant_listing.id,
                     entitlement_id=ent.id, quantity=Decimal(5), idempotency_key=new_key())


async def test_applications_tell_the_person_and_their_representative(db, gw: GrantWorld) -> None:
    acc = gw.accounts
    app = await run(db, apps.submit_application, gw.viewer("parent"), kind=ApplicationKind.SPECIAL_SOCIAL_SERVICES,
                    person_id=gw.child.id, details={"service_form": "HOME"},
                    attachments=[{"kind": "MEDICAL_RECORD"}])
    # The representative (English) gets the registration notice with the term; officers a new item.
    [registered] = await notes(db, acc["parent"].id)
    assert registered.title == f"Application №{app.id} registered"
    assert f"due by {app.due_date:%d.%m.%Y}" in registered.body and "special social services" in registered.body
    assert (await notes(db, acc["officer_a"].id))[0].title == f"Новое заявление №{app.id}"
    await run(db, apps.approve_application, gw.viewer("officer_a"), app.id, classifier_item_id=gw.social_home.id)
    approved = (await notes(db, acc["parent"].id))[-1]
    assert approved.kind == "application.approved" and approved.title == f"Application №{app.id} approved"
    assert "is now in your programme" in approved.body
    # The officer who decided is not told of their own decision.
    assert await kinds(db, acc["officer_a"].id) == ["application.submitted.officer"]

    own = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    await run(db, apps.reject_application, gw.viewer("officer_a2"), own.id, "Шарт жасасу үшін жеке келу керек.")
    got = await notes(db, acc["eligible"].id)
    assert [n.kind for n in got] == ["application.submitted", "application.rejected"]
    assert got[0].title == f"№{own.id} өтініш тіркелді"
    assert got[1].title == f"№{own.id} өтініш бойынша бас тартылды"
    assert got[1].body.endswith("Себебі: Шарт жасасу үшін жеке келу керек.")


async def test_listing_moderation_and_new_irp_lines(db, gw: GrantWorld) -> None:
    async with db.transaction() as s:
        good = await f.listing(s, gw.assistant_provider, gw.assistant, [gw.region_a], status=ListingStatus.PENDING_REVIEW,
                               title_en="Assistant, weekdays")
        bad = await f.listing(s, gw.assistant_provider, gw.assistant, [gw.region_a], status=ListingStatus.PENDING_REVIEW,
                              title_en="Assistant, nights")
    await run(db, catalog.review_listing, gw.viewer("officer_a"), good.id, "APPROVE")
    await run(db, catalog.review_listing, gw.viewer("officer_a"), bad.id, "REJECT", "Night work needs a licence.")
    got = await notes(db, gw.accounts["provider"].id)
    assert [(n.kind, n.title) for n in got] == [("listing.approved", "Listing published"),
                                                ("listing.rejected", "Listing rejected")]
    assert got[0].body == "“Assistant, weekdays” is now published in the catalogue."
    assert got[1].body == "“Assistant, nights” was rejected: Night work needs a licence."

    start = dt.datetime.now(UTC).date()
    await run(db, records.issue_entitlement, gw.viewer("officer_a"), person_id=gw.group_two.id,
              classifier_item_id=gw.wheelchair.id, quantity=Decimal(1), valid_from=start,
              valid_until=start + dt.timedelta(days=300))
    [line] = await notes(db, gw.accounts["group_two"].id)
    assert line.kind == "entitlement.issued" and line.title == "Новая позиция в вашей ИПР"


async def test_nothing_is_notified_or_delivered_when_the_change_rolls_back(db, gw: GrantWorld, adapter) -> None:  # type: ignore[no-untyped-def]
    async def fail_after_accepting(s, viewer, order_id):  # type: ignore[no-untyped-def]
        await orders.accept_order(s, viewer, order_id)
        await s.flush()  # the notification rows are written...
        raise DomainError(ErrorCode.INVALID, "changed my mind")  # ...and rolled back with the change

    order = await assistant_order(db, gw)
    await delivery.drain()
    adapter.sent.clear()
    await refused(db, ErrorCode.INVALID, fail_after_accepting, gw.viewer("provider"), order.id)
    await delivery.drain()
    assert adapter.sent == []
    assert await notes(db, gw.accounts["eligible"].id) == []


async def test_a_disabled_account_is_not_notified(db, gw: GrantWorld) -> None:
    async with db.transaction() as s:
        acc = await s.get(type(gw.accounts["provider"]), gw.accounts["provider"].id)
        acc.is_active = False
    await assistant_order(db, gw)
    assert await notes(db, gw.accounts["provider"].id) == []


async def test_marking_read_is_scoped_to_ones_own(db, gw: GrantWorld) -> None:
    order = await assistant_order(db, gw)
    await run(db, orders.accept_order, gw.viewer("provider"), order.id)
    [mine] = await run(db, notifications.list_notifications, gw.viewer("eligible"), first=10)
    [theirs] = await run(db, notifications.list_notifications, gw.viewer("provider"), first=10)
    # Someone else's id is not found, and nothing is marked, not even one's own in the same call.
    await refused(db, ErrorCode.NOT_FOUND, notifications.mark_read, gw.viewer("eligible"), [mine.id, theirs.id])
    await refused(db, ErrorCode.NOT_FOUND, notifications.mark_read, gw.viewer("eligible"), [theirs.id])
    await refused(db, ErrorCode.NOT_FOUND, notifications.get_notification, gw.viewer("eligible"), theirs.id)
    assert await run(db, notifications.count_unread, gw.viewer("provider")) == 1
    assert await run(db, notifications.count_unread, gw.viewer("eligible")) == 1
    assert await run(db, notifications.mark_read, gw.viewer("eligible"), [mine.id]) == 1
    assert await run(db, notifications.mark_read, gw.viewer("eligible"), [mine.id]) == 0  # already read
    assert await run(db, notifications.list_notifications, gw.viewer("eligible"), unread_only=True) == []
    # "all" marks only the viewer's own.
    assert await run(db, notifications.mark_read, gw.viewer("taxi"), all_unread=True) == 0
    assert await run(db, notifications.count_unread, gw.viewer("provider")) == 1
    assert await run(db, notifications.mark_read, gw.viewer("provider"), all_unread=True) == 1
    await refused(db, ErrorCode.REQUIRED, notifications.mark_read, gw.viewer("provider"), [])


async def test_terms_about_to_be_missed_are_told_once_a_day(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    later = await run(db, apps.submit_application, gw.viewer("group_two"),
                      kind=ApplicationKind.SPECIAL_SOCIAL_SERVICES, details={"service_form": "HOME"},
                      attachments=[{"kind": "MEDICAL_RECORD"}])
    late = await run(db, apps.submit_application, gw.viewer("walks"), kind=ApplicationKind.MISSING_AID,
                     details={"classifier_item_id": gw.wheelchair.id})
    order = await assistant_order(db, gw)
    day = dt.date(2027, 2, 11)  # a Thursday; two working days later is Monday 15 February
    async with db.transaction() as s:
        claim = CompensationClaim(
            kind=ClaimKind.PROVIDER_ORDER, person_id=gw.eligible.id, region_id=gw.region_a.id,
            provider_id=gw.assistant_provider.id, order_id=order.id, classifier_item_id=gw.assistant.id,
            submitted_by_account_id=gw.accounts["provider"].id, quantity=Decimal(1),
            amount_claimed=Decimal(2000), amount_approvable=Decimal(2000), due_date=dt.date(2027, 2, 12),
        )
        s.add(claim)
        await s.execute(update(Application).where(Application.id == app.id).values(due_date=dt.date(2027, 2, 15)))
        await s.execute(update(Application).where(Application.id == later.id).values(due_date=dt.date(2027, 2, 16)))
        await s.execute(update(Application).where(Application.id == late.id).values(due_date=dt.date(2027, 2, 10)))
    before = len(await notes(db, gw.accounts["officer_a"].id))
    # Due within two working days: the application and the claim (not the later one); the overdue one
    # keeps reminding until it is decided; to each of the region's two officers.
    assert await notifications.notify_terms_due(db, day) == 6
    got = (await notes(db, gw.accounts["officer_a"].id))[before:]
    assert [(n.kind, n.subject_type, n.subject_id) for n in got] == [
        ("term.overdue", "Application", late.id), ("term.due_soon", "Application", app.id),
        ("term.due_soon", "CompensationClaim", claim.id)]
    assert got[0].title == f"Срок истёк 10.02.2027: Заявление №{late.id}"
    assert "просрочено рабочих дней: 1" in got[0].body
    assert got[1].title == f"Срок истекает 15.02.2027: Заявление №{app.id}"
    assert "осталось рабочих дней: 2" in got[1].body
    assert (await notes(db, gw.accounts["officer_a2"].id))[-1].title == (
        f"Term ends 12.02.2027: Compensation claim №{claim.id}")
    assert await kinds(db, gw.accounts["officer_b"].id) == []
    assert await notifications.notify_terms_due(db, day) == 0  # the same day again: nothing new
    # The next day (Friday): the application, the claim due today, the one due Tuesday and the overdue one.
    assert await notifications.notify_terms_due(db, day + dt.timedelta(days=1)) == 8
    assert add_working_days(day, 2) == dt.date(2027, 2, 15)


async def test_two_reminder_runs_at_once_send_each_reminder_once(db, gw: GrantWorld) -> None:
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    day = dt.date(2027, 2, 11)
    async with db.transaction() as s:
        await s.execute(update(Application).where(Application.id == app.id).values(due_date=day))
    results = await asyncio.gather(notifications.notify_terms_due(db, day), notifications.notify_terms_due(db, day))
    assert sorted(results) == [0, 2]
    async with db.session() as s:
        rows = (await s.execute(select(Notification).where(Notification.kind == "term.due_soon"))).scalars().all()
    assert len(rows) == 2 and {r.dedup_key for r in rows} == {f"term:Application:{app.id}:2027-02-11"}


async def test_live_notifications_wake_on_the_bus_and_poll_the_table(db, gw: GrantWorld) -> None:
    account = gw.accounts["eligible"].id
    stream = notifications.live_notifications(db, account, poll_interval=0.2)
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.3)  # subscribed; nothing yet
    assert not first.done()
    order = await assistant_order(db, gw)
    await run(db, orders.accept_order, gw.viewer("provider"), order.id)  # same process: the bus rings
    row = await asyncio.wait_for(first, 5)
    assert row.kind == "order.accepted" and row.account_id == account
    # A row written by another API process (no bus here): the poll finds it.
    async with db.transaction() as s:
        await s.execute(insert(Notification).values(
            account_id=account, kind="test.other_process", title="t", body="b", payload={}, created_at=utcnow()))
    row = await asyncio.wait_for(stream.__anext__(), 5)
    assert row.kind == "test.other_process"
    await stream.aclose()
    assert delivery.bus.subscriber_count(account) == 0
    # Resuming after a known id replays what came since.
    replay = notifications.live_notifications(db, account, after_id=0, poll_interval=0.2)
    assert [(await replay.__anext__()).kind, (await replay.__anext__()).kind] == ["order.accepted",
                                                                                  "test.other_process"]
    await replay.aclose()


async def test_invataxi_steps_notify_the_other_side_and_not_twice(db, gw: GrantWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from marketplace.transport import services as transport

    async with db.transaction() as s:
        ent = await f.entitlement(s, gw.eligible, gw.taxi, quantity=10)
    pickup = (dt.datetime.now(UTC) + dt.timedelta(days=2)).replace(hour=4, minute=0, second=0, microsecond=0)

    async def book(when: dt.datetime):  # type: ignore[no-untyped-def]
        return await run(db, transport.book_trip, gw.viewer("eligible"), listing_id=gw.taxi_listing.id,
                         entitlement_id=ent.id, starts_at=when, pickup_address="Абай 10", dropoff_address="Емхана №4",
                         needs_wheelchair=True, with_companion=True, idempotency_key=new_key())

    taxi, person = gw.accounts["taxi"].id, gw.accounts["eligible"].id
    trip = await book(pickup)
    [requested] = await notes(db, taxi)
    assert requested.title == f"Новая заявка на инватакси №{trip.id}"
    assert requested.body == (f"Подача {pickup + dt.timedelta(hours=5):%d.%m.%Y %H:%M}: Абай 10 → Емхана №4. "
                              "Кресло-коляска. С сопровождающим. Подтвердите с автомобилем или предложите другое время.")
    await run(db, transport.propose_trip_time, gw.viewer("taxi"), trip.id, pickup + dt.timedelta(hours=2))
    await run(db, transport.accept_trip_proposal, gw.viewer("eligible"), trip.id)
    await run(db, transport.confirm_trip, gw.viewer("taxi"), trip.id, gw.van.id)
    monkeypatch.setattr(clock, "now", lambda: pickup + dt.timedelta(hours=3))
    await run(db, transport.mark_trip_done, gw.viewer("taxi"), trip.id)
    await run(db, transport.complete_trip, gw.viewer("eligible"), trip.id)
    monkeypatch.undo()
    other = await book(pickup + dt.timedelta(days=1))
    await run(db, transport.decline_trip, gw.viewer("taxi"), other.id, "Машина на ремонте")
    third = await book(pickup + dt.timedelta(days=2))
    await run(db, transport.cancel_trip, gw.viewer("eligible"), third.id)

    # Each side hears of the other side's steps only, and the trip's order adds nothing of its own.
    assert await kinds(db, taxi) == ["trip.requested", "trip.proposal_accepted", "trip.completed", "trip.requested",
                                     "trip.requested", "trip.cancelled"]
    got = await notes(db, person)
    assert [n.kind for n in got] == ["trip.time_proposed", "trip.confirmed", "trip.done", "trip.declined"]
    assert got[1].title == "Инватакси расталды" and gw.van.plate_number in got[1].body
    assert "Машина на ремонте" in got[3].body
