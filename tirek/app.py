"""The ASGI application: GraphQL at /graphql, the web portal at /, receipts and result documents,
health probes, all behind the HTTP guard rails (``schema.app.GuardMiddleware``)."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from marketplace.db import Database
from marketplace.documents import signing
from marketplace.notifications.events import install as install_notifications
from marketplace.settings import Settings, get_settings
from schema.app import GuardMiddleware
from schema.documents import download_document, verify_document
from schema.http import GRAPHIQL, TirekGraphQL
from schema.imports import irp_upload_report, irp_upload_report_csv, upload_irp
from schema.receipts import download_receipt, upload_receipt
from schema.schema import build_schema
from schema.services import Services
from search.resilient import make_listing_search
from tirek.database import open_database
from tirek.wiring import process_services, search_services
from web.portal import Portal

log = logging.getLogger("tirek.app")
_frozen = False


def create_app(settings: Settings | None = None, db: Database | None = None,
               services: Services | None = None) -> Starlette:
    """The application on ``db`` (notifications installed on it) with ``services`` (default: the
    search of ``settings``, its outbox worker included; a search from the database when no
    ``listing_search`` is given)."""
    settings = settings or get_settings()
    db = install_notifications(db or Database(settings.database_url, **settings.engine_options()))
    if settings.document_signing_key:
        signing.install(signing.load_key(settings.document_signing_key, settings.document_trusted_keys))
    if services is None:
        services = search_services(settings, db)
    if services.listing_search is None:
        services.listing_search = make_listing_search(db, None, settings.meili_index)
    schema = build_schema(settings)
    graphql_app = TirekGraphQL(
        schema, db=db, settings=settings, allow_queries_via_get=False,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            async with db.session() as session:
                await session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception:  # noqa: BLE001 - a probe reports, it does not raise
            log.exception("readiness: database unreachable")
            checks["database"] = "down"
        if services.search_health is not None:
            checks["search"] = "ok" if await services.search_health() else "down"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        for start in services.on_startup:
            await start()
        # What is alive once the process has started (modules, the schema, the ORM's mappers)
        # lives as long as the process: out of the garbage collector's sight, so that its full
        # collections do not walk it again and again under load (they were ~5% of the CPU).
        global _frozen
        if not _frozen:  # once per process (tests start many apps)
            _frozen = True
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            for stop in services.on_shutdown:
                await stop()
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/receipts", upload_receipt, methods=["POST"]),
            Route("/receipts/{receipt_id}", download_receipt, methods=["GET"]),
            Route("/imports/irp", upload_irp, methods=["POST"]),
            Route("/imports/irp/{upload_id}", irp_upload_report, methods=["GET"]),
            Route("/imports/irp/{upload_id}/report.csv", irp_upload_report_csv, methods=["GET"]),
            Route("/documents", verify_document, methods=["POST"]),
            Route("/documents/{code}", verify_document, methods=["GET", "POST"]),
            Route("/documents/{code}/pdf", download_document, methods=["GET"]),
            *([Mount("/graphiql/static", StaticFiles(directory=GRAPHIQL / "static", check_dir=False))]
              if settings.graphiql_enabled else []),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *Portal(schema, db, settings, services).routes(),  # the web portal at / (web/)
        ],
        middleware=[
            Middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                       allow_headers=["authorization", "content-type"]),
            Middleware(GuardMiddleware, db=db, settings=settings),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.services = services
    app.state.schema = schema
    return app


def build_application(settings: Settings | None = None) -> Starlette:
    """The application ``tirek serve`` runs: the configured database, search and upkeep loops."""
    settings = settings or get_settings()
    db = open_database(settings, **settings.engine_options())
    return create_app(settings=settings, db=db, services=process_services(settings, db))
