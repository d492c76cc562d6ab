"""A two-region portal (tests.security.scene) over HTTP, built once per module and backend."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from marketplace.db import Database
from marketplace.notifications.events import install as install_notifications
from marketplace.settings import Settings
from tests.conftest import BACKENDS, database_url
from tests.graphql_client import GraphQLClient
from tests.security.conftest import make_app
from tests.security.scene import Scene


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
