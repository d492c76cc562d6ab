"""Reminders of terms about to be missed reach the officers without anyone asking: from the
served app's background loop, and from `tirek notify-terms-due` (cron), once per day each."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

from sqlalchemy import select

from marketplace import clock
from marketplace.applications import services as apps
from marketplace.applications.models import Application, ApplicationKind
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from tests.factories import GrantWorld, change, run


async def _due_today(db, gw: GrantWorld) -> Application:  # type: ignore[no-untyped-def]
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    await change(db, Application, Application.id == app.id, due_date=clock.today())
    return app


async def _reminders(db) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return list((await s.execute(
            select(Notification.account_id, Notification.dedup_key).where(Notification.kind == "term.due_soon")
            .order_by(Notification.account_id)
        )).all())


async def test_the_background_loop_reminds_each_officer_once_however_often_it_runs(db, gw: GrantWorld) -> None:  # type: ignore[no-untyped-def]
    app = await _due_today(db, gw)
    stop = asyncio.Event()
    loops = [asyncio.create_task(notifications.run_term_reminders(db, every_seconds=0.02, stop=stop))
             for _ in range(2)]  # two API processes' loops
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*loops), timeout=10)
    got = await _reminders(db)
    officers = sorted([gw.accounts["officer_a"].id, gw.accounts["officer_a2"].id])
    assert [a for a, _ in got] == officers
    assert {k for _, k in got} == {f"term:Application:{app.id}:{clock.today().isoformat()}"}


async def test_the_loop_survives_a_failing_round(db, gw: GrantWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    real = notifications.notify_terms_due

    async def flaky(database, today=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OSError("database away")
        return await real(database, today)

    monkeypatch.setattr(notifications, "notify_terms_due", flaky)
    await _due_today(db, gw)
    stop = asyncio.Event()
    loop = asyncio.create_task(notifications.run_term_reminders(db, every_seconds=0.02, stop=stop))
    for _ in range(200):
        await asyncio.sleep(0.02)
        if len(await _reminders(db)) == 2:
            break
    stop.set()
    await asyncio.wait_for(loop, timeout=10)
    assert len(calls) >= 2 and len(await _reminders(db)) == 2


async def _cli(db, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "TIREK_DATABASE_URL": db.url, "TIREK_SECRET_KEY": "cli-test-" + "k" * 32}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tirek.cli", "notify-terms-due", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def test_the_cli_command_sends_todays_reminders_once(db, gw: GrantWorld) -> None:  # type: ignore[no-untyped-def]
    await _due_today(db, gw)
    code, out = await _cli(db)
    assert code == 0 and "2 reminders sent" in out, out
    code, out = await _cli(db)
    assert code == 0 and "0 reminders sent" in out, out
    code, out = await _cli(db, "--date", "31.12.2026")
    assert code != 0 and "YYYY-MM-DD" in out, out
    assert len(await _reminders(db)) == 2


async def test_the_served_app_runs_the_reminders_from_its_lifespan(db, gw: GrantWorld, settings) -> None:  # type: ignore[no-untyped-def]
    from tirek.app import create_app
    from tirek.wiring import process_services

    await _due_today(db, gw)
    configured = settings.model_copy(update={"term_reminder_interval": 1})
    app = create_app(settings=configured, db=db, services=process_services(configured, db))
    async with app.router.lifespan_context(app):
        for _ in range(250):
            if len(await _reminders(db)) == 2:
                break
            await asyncio.sleep(0.02)
    assert len(await _reminders(db)) == 2
    off = settings.model_copy(update={"term_reminder_interval": 0})
    assert process_services(off, db).on_startup == []


async def test_an_overdue_item_reminds_its_officers_daily_in_their_language_until_decided(db, gw: GrantWorld) -> None:  # type: ignore[no-untyped-def]
    from marketplace.calendar import add_working_days, working_days_between
    from marketplace.notifications import messages

    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    today = clock.today()
    due = add_working_days(today, -2)  # two working days late
    await change(db, Application, Application.id == app.id, due_date=due)

    async def overdue() -> list[tuple[int, str, str | None]]:
        async with db.session() as s:
            return list((await s.execute(
                select(Notification.account_id, Notification.title, Notification.dedup_key)
                .where(Notification.kind == "term.overdue").order_by(Notification.id)
            )).all())

    assert await notifications.notify_terms_due(db) == 2
    assert await notifications.notify_terms_due(db) == 0  # once per officer a day
    got = await overdue()
    by_officer = {a: title for a, title, _ in got}
    late = working_days_between(due, today)
    params = {"what": messages.SUBJECTS["Application"], "number": app.id, "due": due, "left": -late, "late": late}
    assert by_officer == {
        gw.accounts["officer_a"].id: messages.render("term.overdue", gw.accounts["officer_a"].language, params)[0],
        gw.accounts["officer_a2"].id: messages.render("term.overdue", gw.accounts["officer_a2"].language, params)[0],
    }
    assert "Overdue since" in by_officer[gw.accounts["officer_a2"].id]  # English for the English-speaking one
    # The next day, again; once decided, never more.
    tomorrow = today + dt.timedelta(days=1)
    assert await notifications.notify_terms_due(db, tomorrow) == 2
    await run(db, apps.reject_application, gw.viewer("officer_a"), app.id, "No such measure in the IRP.")
    assert await notifications.notify_terms_due(db, tomorrow + dt.timedelta(days=1)) == 0
    assert {k for _, _, k in await overdue()} == {f"term:Application:{app.id}:{d.isoformat()}" for d in (today, tomorrow)}
