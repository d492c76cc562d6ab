"""Fixtures of the security tests: the real app over HTTP, with catalogue search served from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from marketplace.db import Database
from schema.services import Services
from tests.graphql_client import GraphQLClient
from tests.security.leaks import leak_in, sent_strings
from tests.security.scene import Scene
from tirek.app import create_app
from tirek.wiring import search_services

_GREPPED = ("json", "text/")  # what a person or a program reads; receipt files are the user's own bytes


def make_app(db: Database, settings: Any, services: Services | None = None) -> Any:
    if services is None:
        services = search_services(settings, db, run_indexer=False)  # no TIREK_MEILI_URL: the database answers
    return create_app(settings=settings, db=db, services=services)


@pytest.fixture(autouse=True)
def grep_every_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer the app gives in these tests, over the in-process transport, is grepped for SQL,
    file paths, stack traces and secrets (``leaks.LEAKS``); one is a failure of the test that got it."""
    from tests.security.hostile import STATS

    original = httpx.ASGITransport.handle_async_request

    async def checked(self: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
        try:
            sent = sent_strings(request.content, request.headers.get("content-type", ""))
        except httpx.RequestNotRead:  # a streamed body: nothing of it is echoed
            sent = []
        sent += [request.url.path, request.url.query.decode("utf-8", "replace")]
        response = await original(self, request)
        body = b"".join([chunk async for chunk in response.stream])
        content_type = response.headers.get("content-type", "")
        if any(kind in content_type for kind in _GREPPED) or not content_type:
            leak = leak_in(body.decode("utf-8", "replace"), sent)
            assert leak is None, (f"{request.method} {request.url.path} answered {response.status_code} "
                                  f"with {leak!r}: {body[:600]!r}")
            STATS["answers grepped for leaks"] += 1
        return httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(body),
                              extensions=response.extensions)

    monkeypatch.setattr(httpx.ASGITransport, "handle_async_request", checked)


@pytest.fixture
async def client(db: Database, settings: Any) -> AsyncIterator[GraphQLClient]:
    """Like ``api``, with searchListings wired (from the database)."""
    app = make_app(db, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        yield GraphQLClient(http)


@pytest.fixture
async def scene(db: Database, settings: Any) -> Scene:
    return await Scene.build(db, settings)
