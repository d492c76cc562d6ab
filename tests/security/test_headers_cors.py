"""Security headers on every kind of answer, CORS from configuration, and receipt files:
served only to those allowed, with their content types enforced on the way in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from marketplace.db import Database
from marketplace.settings import Settings
from schema.core.ids import to_global_id
from tests.graphql_client import GraphQLClient
from tests.security.conftest import make_app
from tests.security.scene import PDF, ROLES, Scene, gid

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PORTAL = "https://portal.tirek.example"
EVIL = "https://evil.example"


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, response.status_code, name)


async def test_security_headers_on_every_kind_of_answer(client: GraphQLClient, scene: Scene) -> None:
    http = client.http
    token = await scene.token("recipient")
    answers = [
        await http.post("/graphql", json={"query": "{ regions { code } }"}),  # 200
        await http.post("/graphql", json={"query": "{ nope }"}),  # a validation error
        await http.post("/graphql", json={"query": "{ me { id } }"}, headers={"authorization": "Bearer forged"}),  # 401
        await http.post("/graphql", content=b"x" * (scene.settings.max_body_bytes + 1),
                        headers={"content-type": "application/json"}),  # 413
        await http.post("/graphql", content=b"{oops", headers={"content-type": "application/json"}),  # 400
        await http.get("/graphql", params={"query": "{ regions { code } }"}),  # 400: no queries via GET
        await http.get("/healthz"),
        await http.get("/readyz"),
        await http.get(f"/receipts/{to_global_id('Receipt', 1)}", headers={"authorization": f"Bearer {token}"}),  # 404
        await http.get("/no-such-path"),
    ]
    statuses = [r.status_code for r in answers]
    assert statuses == [200, 200, 401, 413, 400, 400, 200, 200, 404, 404], statuses
    for response in answers:
        assert_security_headers(response)


# -- CORS --------------------------------------------------------------------------------------
async def cors_client(db: Database, settings: Settings, origins: list[str]) -> tuple[httpx.AsyncClient, Any]:
    app = make_app(db, settings.model_copy(update={"cors_origins": origins}))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test"), app


def preflight(origin: str, headers: str = "authorization, content-type") -> dict[str, str]:
    return {"origin": origin, "access-control-request-method": "POST", "access-control-request-headers": headers}


async def test_cors_default_allows_no_origin(db: Database, settings: Settings) -> None:
    http, _ = await cors_client(db, settings, [])
    async with http:
        for origin in (PORTAL, EVIL, "null"):
            response = await http.options("/graphql", headers=preflight(origin))
            assert response.status_code == 400
            assert "access-control-allow-origin" not in response.headers
            simple = await http.post("/graphql", json={"query": "{ regions { code } }"}, headers={"origin": origin})
            assert "access-control-allow-origin" not in simple.headers


async def test_cors_allows_exactly_the_configured_origins(db: Database, settings: Settings) -> None:
    http, _ = await cors_client(db, settings, [PORTAL])
    async with http:
        ok = await http.options("/graphql", headers=preflight(PORTAL))
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == PORTAL
        assert "POST" in ok.headers["access-control-allow-methods"]
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in ok.headers  # bearer tokens, never cookies
        simple = await http.post("/graphql", json={"query": "{ regions { code } }"}, headers={"origin": PORTAL})
        assert simple.headers["access-control-allow-origin"] == PORTAL
        assert_security_headers(simple)
        for origin in (EVIL, PORTAL + ".evil.example", "http://portal.tirek.example", "null"):
            refused = await http.options("/graphql", headers=preflight(origin))
            assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers, origin
            simple = await http.post("/graphql", json={"query": "{ regions { code } }"}, headers={"origin": origin})
            assert "access-control-allow-origin" not in simple.headers, origin
        odd_header = await http.options("/graphql", headers=preflight(PORTAL, "x-debug-sql"))
        assert odd_header.status_code == 400
        assert (await http.options("/graphql", headers={**preflight(PORTAL), "access-control-request-method": "DELETE"})
                ).status_code == 400


def test_cors_origins_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIREK_CORS_ORIGINS", f'["{PORTAL}", "https://admin.tirek.example"]')
    monkeypatch.setenv("TIREK_SECRET_KEY", "cors-" + "x" * 32)
    monkeypatch.setenv("TIREK_VAR_DIR", str(tmp_path))
    assert Settings().cors_origins == [PORTAL, "https://admin.tirek.example"]
    monkeypatch.delenv("TIREK_CORS_ORIGINS")
    assert Settings().cors_origins == []


# -- receipt files -------------------------------------------------------------------------------
async def upload(http: httpx.AsyncClient, token: str | None, person: str, name: str, data: bytes,
                 content_type: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post("/receipts", data={"personId": person}, files={"file": (name, data, content_type)},
                           headers=headers)


RECEIPT_READERS = {"recipient": 200, "other_recipient": 404, "provider": 404, "other_provider": 404,
                   "officer": 200, "other_officer": 404, "admin": 200, "anonymous": 401}


async def test_receipts_are_served_only_to_those_allowed(client: GraphQLClient, scene: Scene) -> None:
    assert set(RECEIPT_READERS) == set(ROLES)
    person = gid("Person", scene.sides["a"].person.id)
    response = await upload(client.http, await scene.token("recipient"), person, "чек.pdf", PDF, "application/pdf")
    assert response.status_code == 201, response.text
    receipt_id = response.json()["id"]
    for role, status in RECEIPT_READERS.items():
        token = await scene.token(role)
        got = await client.http.get(f"/receipts/{receipt_id}",
                                    headers={"authorization": f"Bearer {token}"} if token else {})
        assert got.status_code == status, (role, got.status_code, got.text[:200])
        assert_security_headers(got)
        if status == 200:
            assert got.content == PDF
            assert got.headers["content-type"] == "application/pdf"
            assert got.headers["content-disposition"].startswith("attachment;")
            assert "sandbox" in got.headers["content-security-policy"]
        else:
            assert PDF not in got.content and b"%PDF" not in got.content
    # Other ids: missing, of another type, malformed -- all the same NOT_FOUND-like refusal, no content.
    recipient = {"authorization": f"Bearer {await scene.token('recipient')}"}
    for other in (to_global_id("Receipt", 10**9), to_global_id("Order", 1), "not-an-id", "..%2F..%2Fetc%2Fpasswd"):
        got = await client.http.get(f"/receipts/{other}", headers=recipient)
        assert got.status_code in (400, 404), (other, got.status_code)
        assert_security_headers(got)


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("fake.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),  # type says PDF, bytes say HTML
    ("fake.png", PDF, "image/png"),
    ("fake.jpg", PNG, "image/jpeg"),
    ("run.exe", b"MZ\x90\x00\x03", "application/octet-stream"),
    ("empty.pdf", b"", "application/pdf"),
    ("polyglot.pdf", b"GIF89a" + PDF, "application/pdf"),
])
async def test_receipt_content_types_are_enforced(client: GraphQLClient, scene: Scene, name: str, data: bytes,
                                                  content_type: str) -> None:
    token = await scene.token("recipient")
    response = await upload(client.http, token, gid("Person", scene.sides["a"].person.id), name, data, content_type)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == "FILE_REJECTED"


async def test_receipt_uploads_are_scoped_and_names_never_reach_the_disk(client: GraphQLClient, scene: Scene) -> None:
    person_a, person_b = gid("Person", scene.sides["a"].person.id), gid("Person", scene.sides["b"].person.id)
    assert (await upload(client.http, None, person_a, "r.pdf", PDF, "application/pdf")).status_code == 401
    for role in ("other_recipient", "provider", "officer", "admin"):
        refused = await upload(client.http, await scene.token(role), person_a, "r.pdf", PDF, "application/pdf")
        assert refused.status_code in (403, 404), (role, refused.status_code)
    token = await scene.token("recipient")
    assert (await upload(client.http, token, person_b, "r.pdf", PDF, "application/pdf")).status_code == 404
    for ok_name, data, ctype in [("../../../../etc/passwd.png", PNG, "image/png"), ("x\x00.jpg", JPEG, "image/jpg")]:
        response = await upload(client.http, token, person_a, ok_name, data, ctype)
        assert response.status_code == 201, response.text
    stored = sorted(p.name for p in Path(scene.settings.receipts_dir or "").rglob("*") if p.is_file())
    assert stored and all(len(name) == 64 and set(name) <= set("0123456789abcdef") for name in stored), stored
    too_big = await upload(client.http, token, person_a, "big.pdf", PDF + b"0" * scene.settings.max_receipt_bytes,
                           "application/pdf")
    assert too_big.status_code in (400, 413)
    assert_security_headers(too_big)


async def test_receipts_are_served_with_their_checked_type_as_attachments(client: GraphQLClient, scene: Scene) -> None:
    """On the way out: the type checked on the way in (never the client's word or name), as an
    attachment, not sniffed, sandboxed -- so a receipt cannot run as a page of the portal."""
    token = await scene.token("recipient")
    person = gid("Person", scene.sides["a"].person.id)
    for name, data, declared, served in [("a.png", PNG, "image/png", "image/png"),
                                         ("a.html", JPEG, "image/JPEG; charset=utf-8", "image/jpeg"),
                                         ("a.svg", JPEG, "image/jpg", "image/jpeg"),
                                         ("<script>.pdf", PDF, "application/pdf", "application/pdf")]:
        response = await upload(client.http, token, person, name, data, declared)
        assert response.status_code == 201, response.text
        assert response.json()["contentType"] == served
        got = await client.http.get(f"/receipts/{response.json()['id']}", headers={"authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.content == data
        assert got.headers["content-type"] == served, (name, got.headers["content-type"])
        assert got.headers["content-disposition"] == f'attachment; filename="receipt-{from_global(got)}"'
        assert got.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert_security_headers(got)


def from_global(response: httpx.Response) -> str:
    from schema.core.ids import decode_id

    return str(decode_id(response.request.url.path.rsplit("/", 1)[-1], "Receipt"))


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_plain_http_refusals_are_json_with_a_code(client: GraphQLClient, scene: Scene) -> None:
    """/receipts, the other plain routes and the GraphQL endpoint's HTTP layer answer every refusal as a
    JSON ``errors`` list with a code."""
    token = await scene.token("recipient")
    auth = {"authorization": f"Bearer {token}"}
    broken_multipart = await client.http.post(
        "/receipts", content=b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
        headers={**auth, "content-type": "multipart/form-data; boundary=x"})
    not_multipart = await client.http.post("/receipts", content=b"plain", headers={**auth, "content-type": "text/plain"})
    officer = {"authorization": f"Bearer {await scene.token('officer')}"}
    broken_import = await client.http.post(
        "/imports/irp", content=b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
        headers={**officer, "content-type": "multipart/form-data; boundary=x"})
    answers = {
        "malformed multipart": broken_multipart,
        "malformed import": broken_import,
        "import by a recipient": await client.http.post("/imports/irp", files={"file": ("a.csv", b"x", "text/csv")},
                                                        headers=auth),
        "not multipart": not_multipart,
        "no such path": await client.http.get("/nowhere"),
        "wrong method": await client.http.delete("/receipts"),
        "bad receipt id": await client.http.get("/receipts/garbage", headers=auth),
        "GraphQL body not JSON": await client.http.post("/graphql", content=b"{bad", headers={
            "content-type": "application/json"}),
        "GraphQL batch": await client.http.post("/graphql", json=[{"query": "{ me { id } }"}]),
        "GraphQL without a query": await client.http.post("/graphql", json={}),
        "GraphQL query over GET": await client.http.get("/graphql?query={regions{code}}",
                                                        headers={"accept": "application/json"}),
    }
    for what, response in answers.items():
        assert response.status_code >= 400, (what, response.status_code)
        assert response.headers["content-type"].startswith("application/json"), (what, response.text)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert int(response.headers["content-length"]) == len(response.content)
        errors = response.json()["errors"]
        code = errors[0].get("code") or errors[0].get("extensions", {}).get("code")
        assert code, (what, response.text)
