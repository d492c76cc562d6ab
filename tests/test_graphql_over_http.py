"""GraphQL over HTTP as the current spec says, audited by graphql-http itself (npm ``graphql-http``,
``serverAudits``) against the real app served by uvicorn on a loopback port; and the points of the
spec the app answers in its own way (400 without ``data`` for a document that cannot run)."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from tirek.app import create_app

AUDIT = Path(__file__).with_name("http_audit")
GRAPHQL_RESPONSE = "application/graphql-response+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(db, settings) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """The app under uvicorn on 127.0.0.1: the URL of /graphql."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings=settings, db=db), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


async def test_graphql_http_audit_passes_every_audit(served: str) -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed (scripts/setup.sh installs it)"
    assert (AUDIT / "node_modules" / "graphql-http").is_dir(), "run scripts/setup.sh (npm ci in tests/http_audit)"
    process = await asyncio.create_subprocess_exec(node, str(AUDIT / "audit.mjs"), served, cwd=AUDIT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    results = json.loads(out)
    figures = {status: sum(r["status"] == status for r in results) for status in ("ok", "warn", "error")}
    print(f"graphql-http audit: pass {figures['ok']}, warn {figures['warn']}, error {figures['error']}")
    failing = [f"{r['status']} {r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] in ("warn", "error")]
    assert failing == [], "\n".join(failing)
    # The MAYs left are GET requests, refused on purpose (allow_queries_via_get=False: one way in, POST).
    notices = [r for r in results if r["status"] == "notice"]
    assert all("GET" in r["name"] for r in notices), notices
    assert figures["ok"] >= 58


@pytest.mark.parametrize("document", ["{ me { id ", "{ noSuchField }", "query($n: Int!) { regions { code } }"])
async def test_a_document_that_cannot_run_is_400_without_data(api, document: str) -> None:  # type: ignore[no-untyped-def]
    """Parse, validation and variable failures: 400 and no data with graphql-response+json;
    200 with data null for a client that asked for application/json (the legacy answer)."""
    modern = await api.http.post("/graphql", json={"query": document},
                                 headers={"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"})
    assert modern.status_code == 400
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = modern.json()
    assert "data" not in body and body["errors"]
    legacy = await api.http.post("/graphql", json={"query": document}, headers={"accept": "application/json"})
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
    assert legacy.json()["data"] is None and legacy.json()["errors"]


async def test_an_executed_request_is_200_in_the_negotiated_type(api) -> None:  # type: ignore[no-untyped-def]
    for accept, media in ((GRAPHQL_RESPONSE, GRAPHQL_RESPONSE), ("application/json", "application/json"),
                          ("*/*", "application/json"), (None, "application/json"),
                          (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json")):
        headers = {"accept": accept} if accept else {}
        ok = await api.http.post("/graphql", json={"query": "{ regions { code } }"}, headers=headers)
        assert ok.status_code == 200 and ok.headers["content-type"].startswith(media), (accept, ok.headers)
        assert "data" in ok.json()
    # A resolver's refusal happens during execution: 200, with data (null) and the error.
    refused = await api.http.post("/graphql", json={"query": 'query { node(id: "Tm9wZTox") { id } }'},
                                  headers={"accept": GRAPHQL_RESPONSE})
    assert refused.status_code == 200 and refused.json()["data"] is None
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
