"""GraphiQL works offline: the page and every asset it loads come from the app itself (no CDN);
it is on in the demo and off by default in production."""

from __future__ import annotations

import re

import httpx
import pytest

from marketplace.settings import Settings
from tirek.app import create_app

HTML = {"accept": "text/html"}


async def _client(settings: Settings, db) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings=settings, db=db)),
                             base_url="http://tirek.test")


async def test_graphiql_is_served_from_the_app_itself(db, settings) -> None:  # type: ignore[no-untyped-def]
    demo = Settings(**{**settings.model_dump(), "demo": True})
    assert demo.graphiql_enabled
    async with await _client(demo, db) as http:
        page = await http.get("/graphql", headers=HTML)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "://" not in page.text  # nothing from another origin
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert {a.rsplit("/", 1)[-1] for a in assets} == {
            "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "start.js"}
        for asset in assets:
            served = await http.get(asset)
            assert served.status_code == 200, (asset, "run scripts/setup.sh to copy GraphiQL's assets")
            assert len(served.content) > 100, asset
        graphiql = (await http.get("/graphiql/static/vendor/graphiql.min.js")).text
        assert "createFetcher" in graphiql


@pytest.mark.parametrize("overrides", [{}, {"demo": True, "graphiql": False}])
async def test_graphiql_is_off_by_default_in_production(db, settings, overrides) -> None:  # type: ignore[no-untyped-def]
    production = Settings(**{**settings.model_dump(), **overrides})
    assert not production.graphiql_enabled
    async with await _client(production, db) as http:
        page = await http.get("/graphql", headers=HTML)
        assert page.status_code in (404, 405) and "GraphiQL" not in page.text
        assert (await http.get("/graphiql/static/start.js")).status_code == 404


async def test_graphiql_can_be_switched_on_outside_the_demo(db, settings) -> None:  # type: ignore[no-untyped-def]
    asked = Settings(**{**settings.model_dump(), "graphiql": True})
    async with await _client(asked, db) as http:
        assert (await http.get("/graphql", headers=HTML)).status_code == 200
