"""Health probes, GraphiQL, and the HTTP guard rails of the app."""

from __future__ import annotations

import httpx

from marketplace.settings import Settings
from tirek.app import create_app
from schema.services import Services


async def test_healthz_and_readyz_report_database_and_search(api, db, settings):  # type: ignore[no-untyped-def]
    import httpx

    assert (await api.http.get("/healthz")).json() == {"status": "ok"}
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"

    async def search_down() -> bool:
        return False

    app = create_app(settings=settings, db=db, services=Services(search_health=search_down))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        degraded = await http.get("/readyz")
    assert degraded.status_code == 503
    assert degraded.json()["checks"] == {"database": "ok", "search": "down"}


async def test_graphiql_on_get_and_queries_only_by_post(db, settings):  # type: ignore[no-untyped-def]
    # GraphiQL is off by default outside the demo (tests/test_graphiql.py); switched on here.
    app = create_app(settings=Settings(**{**settings.model_dump(), "graphiql": True}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        via_get = await http.get("/graphql", params={"query": "{ regions { code } }"},
                                 headers={"accept": "application/json"})
        assert via_get.status_code in {400, 405}


async def test_oversized_body_is_refused_before_parsing(api):  # type: ignore[no-untyped-def]
    big = "{ regions { code } }" + " " * (2 * 1024 * 1024)
    response = await api.http.post("/graphql", json={"query": big})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
