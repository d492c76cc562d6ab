"""Quotes past their term expire without anyone asking: from the served app's hourly loop and from
`tirek expire-quotes` (cron), once each."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

from sqlalchemy import update

from marketplace import clock
from marketplace.quotes import services as quotes
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.upkeep import run_periodically
from tests.quotes.world import QuoteWorld


async def _lapsed(qw: QuoteWorld) -> Quote:
    q = await qw.request()
    async with qw.db.transaction() as s:
        await s.execute(update(Quote).where(Quote.id == q.id).values(due_date=clock.today() - dt.timedelta(days=1)))
    return q


async def test_the_background_loops_expire_a_lapsed_request_once(qw: QuoteWorld) -> None:
    q = await _lapsed(qw)
    stop = asyncio.Event()
    loops = [asyncio.create_task(run_periodically(lambda: quotes.expire_quotes(qw.db), "quotes expired",
                                                  every_seconds=0.02, stop=stop)) for _ in range(2)]
    await asyncio.sleep(0.4)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*loops), timeout=10)
    assert (await qw.quote(q.id)).status == QuoteStatus.EXPIRED
    assert (await qw.actions(q.id)).count("quote.expired") == 1


async def test_the_cli_command_expires_once(qw: QuoteWorld) -> None:
    q = await _lapsed(qw)
    env = {**os.environ, "TIREK_DATABASE_URL": qw.db.url, "TIREK_SECRET_KEY": "cli-test-" + "k" * 32}

    async def cli(*args: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tirek.cli", "expire-quotes", *args, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()

    code, out = await cli()
    assert code == 0 and "1 quotes expired" in out, out
    code, out = await cli()
    assert code == 0 and "0 quotes expired" in out, out
    code, out = await cli("--date", "31.12.2026")
    assert code != 0 and "YYYY-MM-DD" in out, out
    assert (await qw.quote(q.id)).status == QuoteStatus.EXPIRED


async def test_the_served_app_expires_quotes_from_its_lifespan(qw: QuoteWorld, settings) -> None:  # type: ignore[no-untyped-def]
    from tirek.app import create_app
    from tirek.wiring import process_services

    q = await _lapsed(qw)
    configured = settings.model_copy(update={"term_reminder_interval": 1})
    app = create_app(settings=configured, db=qw.db, services=process_services(configured, qw.db))
    async with app.router.lifespan_context(app):
        for _ in range(250):
            if (await qw.quote(q.id)).status == QuoteStatus.EXPIRED:
                break
            await asyncio.sleep(0.02)
    assert (await qw.quote(q.id)).status == QuoteStatus.EXPIRED
