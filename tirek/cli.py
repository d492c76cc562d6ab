"""The ``tirek`` command line: migrate, seed, serve, accounts, search index, upkeep, generate."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import os
import secrets
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
import uvicorn
from meilisearch_python_sdk import AsyncClient
from sqlalchemy import func, select
from tqdm import tqdm

from marketplace.accounts.models import Account, Language, Person, Region, Role
from marketplace.accounts.services import account_id_of, set_account_active, viewer_for_account
from marketplace.accounts.services import create_account as create
from marketplace.catalog.administration import apply_scheduled_caps
from marketplace.catalog.models import Provider
from marketplace.db import Database
from marketplace.demo import national
from marketplace.demo.synthetic import verification
from marketplace.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from marketplace.errors import DomainError
from marketplace.migrate import upgrade_sync
from marketplace.notifications.services import notify_terms_due as remind
from marketplace.quotes.services import expire_quotes as expire
from marketplace.records import irp_import
from marketplace.settings import Settings, get_settings
from search.client import client_from_settings
from search.indexer import reindex as rebuild
from search.indexer import run_worker
from search.server import MeilisearchProcess, MeilisearchUnavailable, find_or_install_binary
from tirek.database import open_database

T = TypeVar("T")

app = typer.Typer(help="Tirek: the marketplace for technical aids and rehabilitation services.", no_args_is_help=True)


def _on_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """``work(db)`` on the configured database (notifications installed), disposed of afterwards."""

    async def run() -> T:
        db = open_database(settings)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


def _settings(demo: bool = False) -> Settings:
    if demo:
        os.environ.setdefault("TIREK_DEMO", "1")
    get_settings.cache_clear()
    return get_settings()


@app.command()
def migrate(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Apply database migrations."""
    settings = _settings()
    upgrade_sync(settings.database_url, revision)
    typer.echo(f"Database at {revision}: {_safe_url(settings.database_url)}")


@app.command()
def seed(
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Load the demo data set."),
    recipients: int = typer.Option(200, help="How many demo recipients."),
    listings: int = typer.Option(500, help="How many demo listings."),
) -> None:
    """Load demo data (safe to re-run: it fills only what is missing)."""
    summary = _on_database(_settings(demo), lambda db: seed_demo(db, recipients=recipients, listings=listings))
    for name, count in summary.items():
        typer.echo(f"  {name}: {count}")


@app.command("create-account")
def create_account(
    username: str,
    role: Role = typer.Option(..., case_sensitive=False),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    person_iin: str | None = typer.Option(None, help="RECIPIENT: the person's IIN."),
    provider_bin: str | None = typer.Option(None, help="PROVIDER: the organisation's BIN."),
    region_code: str | None = typer.Option(None, help="LOCAL_BODY: the region code."),
    language: Language = typer.Option(Language.RU, case_sensitive=False),
) -> None:
    """Create an account (the operator's way in; ADMIN accounts start here)."""

    async def work(s) -> None:  # type: ignore[no-untyped-def]
        person_id = provider_id = region_id = None
        if person_iin:
            person_id = (await s.execute(select(Person.id).where(Person.iin == person_iin))).scalar_one_or_none()
            if person_id is None:
                raise typer.BadParameter("no person with that IIN")
        if provider_bin:
            provider_id = (
                await s.execute(select(Provider.id).where(Provider.bin == provider_bin))
            ).scalar_one_or_none()
            if provider_id is None:
                raise typer.BadParameter("no provider with that BIN")
        if region_code:
            region_id = (await s.execute(select(Region.id).where(Region.code == region_code))).scalar_one_or_none()
            if region_id is None:
                raise typer.BadParameter("no region with that code")
        account = await create(
            s, None, username=username, password=password, role=role, person_id=person_id,
            provider_id=provider_id, region_id=region_id, language=language,
        )
        typer.echo(f"Created {account.role.value} account {account.username}")

    _as_operator(_settings(), work)


def _as_operator(settings: Settings, work) -> None:  # type: ignore[no-untyped-def]
    """Run ``work(session)`` in one transaction as the operator; a refusal is printed, exit code 1."""

    async def run() -> None:
        db = open_database(settings)
        try:
            async with db.transaction() as session:
                await work(session)
        except DomainError as exc:
            typer.echo(f"Refused: {exc.message} ({exc.code.value})", err=True)
            raise typer.Exit(1) from exc
        finally:
            await db.dispose()

    asyncio.run(run())


@app.command("disable-account")
def disable_account(
    username: str,
    enable: bool = typer.Option(False, "--enable", help="Enable the account again (its old tokens stay void)."),
) -> None:
    """Disable an account: it cannot sign in and its tokens stop working at once (audited)."""

    async def work(s) -> None:  # type: ignore[no-untyped-def]
        account = await set_account_active(s, None, await account_id_of(s, username), enable)
        typer.echo(f"{'Enabled' if enable else 'Disabled'} account {account.username}")

    _as_operator(_settings(), work)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database into a new index and swap it in (no empty moment)."""
    async def work(db: Database, client: AsyncClient, index: str) -> None:
        typer.echo(f"Reindexed: {await rebuild(db, client, index, progress=True)}")

    _with_search("No TIREK_MEILI_URL: nothing to reindex (search is served from the database).", work)


@app.command("search-worker")
def search_worker(interval: float = typer.Option(1.0, help="Seconds between outbox drains.")) -> None:
    """Run the search outbox worker on its own (the API processes also run one; one holds the lock at a time)."""
    _with_search("No TIREK_MEILI_URL configured.",
                 lambda db, client, index: run_worker(db, client, index, interval=interval))


def _with_search(refusal: str, work: Callable[[Database, AsyncClient, str], Awaitable[None]]) -> None:
    """``work(db, client, index)`` with the configured Meilisearch; without one, ``refusal`` and exit code 1."""
    settings = _settings()
    client = client_from_settings(settings)
    if client is None:
        typer.echo(refusal, err=True)
        raise typer.Exit(1)

    async def with_client(db: Database) -> None:
        try:
            await work(db, client, settings.meili_index)
        finally:
            await client.aclose()

    _on_database(settings, with_client)


@app.command("import-irp")
def import_irp(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV of MSE decisions and IRP lines."),
    as_user: str = typer.Option(..., "--as", help="The officer (or admin) account the import is done as."),
    errors_csv: Path | None = typer.Option(None, help="Write the refused rows and reasons to this CSV."),
) -> None:
    """Import MSE decisions and IRP lines; bad rows are reported by line, good ones land; safe to re-run."""
    settings = _settings()

    async def run() -> irp_import.ImportReport:
        db = open_database(settings)
        try:
            async with db.session() as s:
                account = (await s.execute(select(Account).where(Account.username == as_user))).scalar_one_or_none()
                if account is None or not account.is_active:
                    raise typer.BadParameter(f"no active account {as_user!r}")
                viewer = await viewer_for_account(s, account)
            text = irp_import.read_file(file)
            total = sum(1 for _ in irp_import.read_rows(text))
            with tqdm(total=total, desc="IRP rows", unit="row") as bar:
                return await irp_import.import_irp(db, viewer, text, progress=bar.update)
        finally:
            await db.dispose()

    try:
        report = asyncio.run(run())
    except DomainError as exc:
        typer.echo(f"Refused: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{report.rows} rows: {report.persons_created} persons, {report.records_created} records, "
        f"{report.entitlements_created} IRP lines created; {report.unchanged} already there; {report.failed} refused"
    )
    for e in report.errors[:50]:
        typer.echo(f"  line {e.line}: {e.field or '-'}: {e.code}: {e.message}", err=True)
    if len(report.errors) > 50:
        typer.echo(f"  ... and {len(report.errors) - 50} more", err=True)
    if errors_csv is not None:
        with errors_csv.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "field", "code", "message"])
            writer.writerows([e.line, e.field, e.code, e.message] for e in report.errors)
    raise typer.Exit(2 if report.failed else 0)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    workers: int = typer.Option(1, min=1, max=64),
    demo: bool = typer.Option(False, "--demo", help="Migrate, seed if empty, start Meilisearch if none is given."),
) -> None:
    """Run the portal (GraphQL at /graphql)."""
    settings = _settings(demo)
    meili = None
    if demo:
        upgrade_sync(settings.database_url)
        seed_if_empty(settings)
    if settings.meili_url is None:
        meili = start_embedded_meilisearch(settings)
    ide = ", GraphiQL in a browser" if settings.graphiql_enabled else ""
    typer.echo(f"\nTirek is running: http://{host}:{port}/  (the portal; GraphQL at /graphql{ide})")
    if demo:
        typer.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in DEMO_LOGINS.items():
            typer.echo(f"  {username:<14} {what}")
    # uvicorn re-raises SIGTERM after its graceful shutdown: turn it into SystemExit
    # so that the embedded Meilisearch is stopped below, not orphaned.

    def _exit_on_sigterm(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (its default
        # FORWARDED_ALLOW_IPS), before the app; whose header is believed is decided in one place, the app's
        # GuardMiddleware, from TIREK_TRUSTED_PROXIES only (schema/app.py::forwarded_client).
        uvicorn.run("tirek.asgi:app", host=host, port=port, workers=workers, factory=False, log_level="info",
                    proxy_headers=False, forwarded_allow_ips="")
    finally:
        if meili is not None:
            meili.stop()


def seed_if_empty(settings: Settings) -> None:
    """The demo data in an empty database, and what an older demo database lacks."""

    async def work(db: Database) -> None:
        async with db.session() as s:
            count = (await s.execute(select(func.count()).select_from(Account))).scalar_one()
            demo = (await s.execute(select(Account.id).where(Account.username == "recipient"))).first()
        if count == 0:
            typer.echo("Empty database: loading demo data ...")
            await seed_demo(db)
        elif demo:
            await seed_demo(db)  # a demo database from an earlier version: fill in what it lacks

    _on_database(settings, work)


def start_embedded_meilisearch(settings: Settings):  # type: ignore[no-untyped-def]
    """Start a Meilisearch the project owns, under var/, and point the API at it.

    Returns None (search served from the database, with a warning) when it cannot start.
    """
    data_dir = Path(settings.var_dir) / "meilisearch"
    key_file = Path(settings.var_dir) / "meilisearch.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(24))
        key_file.chmod(0o600)
    try:
        binary = find_or_install_binary(Path(settings.var_dir))
        # It dies with the API (Linux), a stale one left on the data directory is stopped first,
        # and it is restarted when it exits (search/server.py::MeilisearchProcess.supervise).
        process = MeilisearchProcess(binary=binary, data_dir=data_dir, master_key=key_file.read_text().strip(),
                                     die_with_parent=True)
        process.start()
        process.supervise()
    except MeilisearchUnavailable as exc:
        typer.echo(f"WARNING: Meilisearch could not start ({exc}); search is served from the database.", err=True)
        return None
    os.environ["TIREK_MEILI_URL"] = process.url
    os.environ["TIREK_MEILI_KEY"] = process.master_key

    get_settings.cache_clear()  # the app (and every worker process) reads the new URL
    typer.echo(f"Meilisearch started at {process.url}")
    return process


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


DAY_OPTION = typer.Option(None, "--date", help="The day to count from, YYYY-MM-DD (default: today in Almaty).")


def _run_for_day(day: str | None, work: Any) -> int:
    """``work(db, day)`` (a job that falls due by the calendar) on the configured database."""
    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError as exc:
        raise typer.BadParameter("a date as YYYY-MM-DD", param_hint="--date") from exc
    return int(_on_database(_settings(), lambda db: work(db, when)))


@app.command("notify-terms-due")
def notify_terms_due(day: str | None = DAY_OPTION) -> None:
    """Tell officers of applications and claims whose term ends within two working days.

    The served app does this every hour by itself (TIREK_TERM_REMINDER_INTERVAL); run this from
    cron when that is off. Safe to repeat: a reminder goes once per subject, officer and day."""
    typer.echo(f"{_run_for_day(day, remind)} reminders sent")


@app.command("expire-quotes")
def expire_quotes(day: str | None = DAY_OPTION) -> None:
    """Expire quotes a provider left unanswered, or a recipient left unordered, past their term.

    The served app does this every hour by itself (TIREK_TERM_REMINDER_INTERVAL); run this from
    cron when that is off. Safe to repeat: a quote expires once."""
    typer.echo(f"{_run_for_day(day, expire)} quotes expired")


@app.command("apply-caps")
def apply_caps(day: str | None = DAY_OPTION) -> None:
    """Put into force the classifier's price caps set ahead whose date has come.

    The served app does this every hour by itself; run this from cron when that is off. Safe to
    repeat: a cap is applied once."""
    typer.echo(f"{_run_for_day(day, apply_scheduled_caps)} price caps applied")


@app.command()
def generate(
    scale: str = typer.Option("national", help="'national' (732,100 persons, 32,000 providers, 50,000 listings) "
                                               "or a fraction of it, such as 0.01."),
    database_url: str | None = typer.Option(None, help="Default: TIREK_DATABASE_URL. Must be empty or hold "
                                                       "an earlier run of the same scale."),
    chunk_size: int = typer.Option(20_000, min=100, help="Persons (or providers, listings) per transaction."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars."),
    check: bool = typer.Option(True, "--verify/--no-verify", help="Check balances, orders and claims afterwards."),
) -> None:
    """Generate realistic synthetic data at national scale (benchmarks); re-run to resume an interrupted run."""
    try:
        fraction = national.parse_scale(scale)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scale") from exc
    url = database_url or Settings(secret_key=os.environ.get("TIREK_SECRET_KEY") or "unused").database_url
    started = time.perf_counter()
    upgrade_sync(url)
    typer.echo(f"Migrated {_safe_url(url)} in {time.perf_counter() - started:.1f}s")

    async def run() -> dict[str, int]:
        report = await national.generate(url, fraction, chunk_size=chunk_size, progress=progress, echo=typer.echo)
        if report.stopped_early or not check:
            return {}
        t0 = time.perf_counter()
        problems = await verification.verify(url)
        counts = await verification.table_counts(url)
        typer.echo("Rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        typer.echo(f"Checked in {time.perf_counter() - t0:.1f}s: "
                   + ("every rule holds" if not any(problems.values())
                      else "; ".join(f"{k}: {v}" for k, v in problems.items() if v)))
        return problems

    try:
        problems = asyncio.run(run())
    except national.GenerationError as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Total time {time.perf_counter() - started:.1f}s")
    if any(problems.values()):
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    app()
