"""A two-region portal (tests.security.scene) over HTTP, built once per module and backend; and the app
with search on Meilisearch or on the database alone (``search_api``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from marketplace.db import Database
from marketplace.notifications.events import install as install_notifications
from marketplace.settings import Settings
from schema.services import Services
from search.client import make_client
from search.indexer import drain_outbox
from search.resilient import make_listing_search
from tests.conftest import BACKENDS, database_url
from tests.graphql_client import GraphQLClient
from tests.security.conftest import make_app
from tests.security.scene import Scene
from tirek.app import create_app


@pytest.fixture(scope="module", params=BACKENDS)
async def scene_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[tuple[GraphQLClient, Scene]]:
    """Each test makes fresh objects of its own in the scene, so one world serves the module."""
    tmp = tmp_path_factory.mktemp("scene")
    db = install_notifications(Database(database_url(request, request.param, tmp)))
    settings = Settings(database_url=db.url, secret_key="scene-" + uuid.uuid4().hex, var_dir=tmp / "var")
    try:
        scene = await Scene.build(db, settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(db, settings)),
                                     base_url="http://tirek.test") as http:
            yield GraphQLClient(http), scene
    finally:
        await db.dispose()


@pytest.fixture(params=["meilisearch", "database"])
async def search_api(request, db, settings, meili):  # type: ignore[no-untyped-def]
    """The app with search on a fresh Meilisearch index, or on the database alone."""
    index = f"test_{uuid.uuid4().hex[:10]}"
    client = make_client(meili.url, meili.master_key) if request.param == "meilisearch" else None
    services = Services(listing_search=make_listing_search(db, client, index))
    app = create_app(settings=Settings(**{**settings.model_dump(), "meili_index": index}), db=db, services=services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        api = GraphQLClient(http)

        async def sync_index() -> None:
            if client is not None:
                await drain_outbox(db, client, index)

        api.sync_index = sync_index  # type: ignore[attr-defined]
        api.backend = request.param  # type: ignore[attr-defined]
        yield api
    if client is not None:
        try:
            await client.index(index).delete()
        finally:
            await client.aclose()
