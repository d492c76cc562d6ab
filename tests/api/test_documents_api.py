"""Result documents over HTTP: the officer decides, the person finds the document in their account
(GraphQL) and downloads the PDF, anyone verifies it at /documents/{code}; nobody else gets it."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from sqlalchemy import update

from marketplace.accounts.models import Language, Person
from marketplace.claims import services as cs
from marketplace.db import Database
from schema.core.ids import to_global_id
from tests import factories as f
from tests.claims.conftest import make_order

ERR = "errors { field code message }"
APPROVE = f"mutation($id: ID!) {{ approveClaim(claimId: $id) {{ claim {{ status }} {ERR} }} }}"
MY_CLAIMS = """{ claims(first: 10) { edges { node { id status
  decisionDocument { code decision language issuedAt sha256 downloadUrl verifyUrl } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on CompensationClaim { id decisionDocument { code downloadUrl } } } }"""
JSON = {"accept": "application/json"}


@pytest.fixture
async def decided(db: Database, api: Any) -> dict[str, Any]:
    async with db.transaction() as s:
        world = await f.build_world(s)
        await s.execute(update(Person).where(Person.id == world.recipient_a.id).values(language=Language.KK))
        order = await make_order(s, world)
        claim = await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=order.id,
                                               idempotency_key=f"k-{uuid.uuid4().hex[:8]}")
    tokens = {name: await api.login(getattr(world, f"{name}_account").username)
              for name in ("recipient_a", "recipient_b", "officer_a", "officer_b", "provider_a", "provider_b")}
    claim_id = to_global_id("CompensationClaim", claim.id)
    undecided = (await api.data(MY_CLAIMS, token=tokens["recipient_a"]))["claims"]["edges"]
    assert [e["node"]["decisionDocument"] for e in undecided] == [None]
    payload = (await api.data(APPROVE, {"id": claim_id}, token=tokens["officer_a"]))["approveClaim"]
    assert payload["errors"] == [] and payload["claim"]["status"] == "APPROVED"
    return {"world": world, "tokens": tokens, "claim_id": claim_id}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_the_person_finds_and_downloads_the_document(api: Any, decided: dict[str, Any]) -> None:
    tokens = decided["tokens"]
    [edge] = (await api.data(MY_CLAIMS, token=tokens["recipient_a"]))["claims"]["edges"]
    doc = edge["node"]["decisionDocument"]
    assert doc["decision"] == "APPROVED" and doc["language"] == "KK"
    assert doc["downloadUrl"] == f"/documents/{doc['code']}/pdf" and doc["verifyUrl"] == f"/documents/{doc['code']}"
    pdf = await api.http.get(doc["downloadUrl"], headers=bearer(tokens["recipient_a"]))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert hashlib.sha256(pdf.content).hexdigest() == doc["sha256"]
    # The provider who claimed and the region's officer see the claim, so its document too.
    for who in ("provider_a", "officer_a"):
        assert (await api.http.get(doc["downloadUrl"], headers=bearer(tokens[who]))).content == pdf.content


async def test_nobody_else_gets_the_document(api: Any, decided: dict[str, Any]) -> None:
    tokens, claim_id = decided["tokens"], decided["claim_id"]
    [edge] = (await api.data(MY_CLAIMS, token=tokens["recipient_a"]))["claims"]["edges"]
    url = edge["node"]["decisionDocument"]["downloadUrl"]
    for who in ("recipient_b", "officer_b", "provider_b"):
        response = await api.http.get(url, headers=bearer(tokens[who]))
        assert response.status_code == 404 and response.json()["errors"][0]["code"] == "NOT_FOUND", who
        body = await api.execute(NODE, {"id": claim_id}, token=tokens[who])
        assert (body.get("data") or {}).get("node") is None, who
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", who
        listed = (await api.data(MY_CLAIMS, token=tokens[who]))["claims"]["edges"]
        assert claim_id not in {e["node"]["id"] for e in listed}, who
    anonymous = await api.http.get(url)
    assert anonymous.status_code == 401
    # An unknown code answers as a hidden one does.
    missing = await api.http.get("/documents/AAAA-BBBB-CCCC-DDDD/pdf", headers=bearer(tokens["recipient_a"]))
    assert missing.status_code == 404
    bad = await api.http.get("/documents/x'%20OR%201=1/pdf", headers=bearer(tokens["recipient_a"]))
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"


async def test_anyone_verifies_by_code_and_sees_no_personal_data(api: Any, decided: dict[str, Any]) -> None:
    world, tokens = decided["world"], decided["tokens"]
    [edge] = (await api.data(MY_CLAIMS, token=tokens["recipient_a"]))["claims"]["edges"]
    doc = edge["node"]["decisionDocument"]
    page = await api.http.get(doc["verifyUrl"], headers=JSON)  # anonymous
    assert page.status_code == 200
    body = page.json()
    assert body["genuine"] is True
    assert body["document"] == {
        "code": doc["code"], "subject": "CLAIM", "decision": "APPROVED", "issuedAt": body["document"]["issuedAt"],
        "issuedOn": body["document"]["issuedOn"],
        "region": {"kk": world.region_a.name_kk, "ru": world.region_a.name_ru, "en": world.region_a.name_en},
        "sha256": doc["sha256"], "keyId": body["document"]["keyId"],
    }
    person = world.recipient_a
    html = await api.http.get(doc["verifyUrl"], headers={"accept-language": "kk"})
    assert html.status_code == 200 and '<html lang="kk">' in html.text
    assert "Құжат түпнұсқа және өзгертілмеген." in html.text and doc["code"] in html.text
    for leak in (person.iin, person.last_name, person.first_name, "200 000", "200000"):
        assert leak not in html.text and leak not in page.text, leak
    unknown = await api.http.get("/documents/AAAA-BBBB-CCCC-DDDD", headers=JSON)
    assert unknown.status_code == 404 and unknown.json() == {"genuine": False}
    garbage = await api.http.get("/documents/%3Cscript%3E", headers={"accept-language": "en"})
    assert garbage.status_code == 404 and "<script>" not in garbage.text and "No genuine document" in garbage.text


async def test_an_uploaded_file_is_genuine_only_unchanged(api: Any, decided: dict[str, Any]) -> None:
    tokens = decided["tokens"]
    [edge] = (await api.data(MY_CLAIMS, token=tokens["recipient_a"]))["claims"]["edges"]
    doc = edge["node"]["decisionDocument"]
    pdf = (await api.http.get(doc["downloadUrl"], headers=bearer(tokens["recipient_a"]))).content
    for url in (doc["verifyUrl"], "/documents"):
        ok = await api.http.post(url, files={"file": ("d.pdf", pdf, "application/pdf")}, headers=JSON)
        assert ok.status_code == 200 and ok.json()["genuine"] is True and ok.json()["fileMatches"] is True, url
        assert ok.json()["document"]["code"] == doc["code"]
    tampered = pdf.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in pdf else pdf + b" "
    assert tampered != pdf
    for url in (doc["verifyUrl"], "/documents"):
        no = await api.http.post(url, files={"file": ("d.pdf", tampered, "application/pdf")}, headers=JSON)
        assert no.status_code == 200 and no.json() == {"genuine": False, "fileMatches": False}, url
    other = await api.http.post("/documents/AAAA-BBBB-CCCC-DDDD", files={"file": ("d.pdf", pdf, "application/pdf")},
                                headers=JSON)
    assert other.json()["genuine"] is False
    empty = await api.http.post("/documents", files={"nothing": ("x", b"", "text/plain")}, headers=JSON)
    assert empty.status_code == 400 and empty.json()["errors"][0]["code"] == "REQUIRED"
    page = await api.http.post(doc["verifyUrl"], files={"file": ("d.pdf", tampered, "application/pdf")},
                               headers={"accept-language": "ru"})
    assert "Подлинного документа нет" in page.text


MY_APPLICATIONS = """{ applications(first: 10) { edges { node { id status reason
  decisionDocument { code decision language downloadUrl } } } } }"""
REJECT_APPLICATION = f"""mutation($id: ID!, $reason: String!) {{ rejectApplication(applicationId: $id, reason: $reason) {{
  application {{ status }} {ERR} }} }}"""


async def test_an_applications_decision_is_in_the_account_too(db: Database, api: Any) -> None:
    from marketplace.applications import services as apps
    from marketplace.applications.models import ApplicationKind
    from tests.factories import build_grant_world, run

    async with db.transaction() as s:
        gw = await build_grant_world(s)
    app = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    person, officer = await api.login(gw.accounts["eligible"].username), await api.login(gw.accounts["officer_a"].username)
    other = await api.login(gw.accounts["officer_b"].username)
    app_id = to_global_id("Application", app.id)
    refused = (await api.data(REJECT_APPLICATION, {"id": app_id, "reason": "No such measure."}, token=other))
    assert refused["rejectApplication"]["errors"][0]["code"] == "NOT_FOUND"
    [edge] = (await api.data(MY_APPLICATIONS, token=person))["applications"]["edges"]
    assert edge["node"]["decisionDocument"] is None  # a refused decision issued nothing
    done = (await api.data(REJECT_APPLICATION, {"id": app_id, "reason": "No such measure."}, token=officer))
    assert done["rejectApplication"]["errors"] == []
    [edge] = (await api.data(MY_APPLICATIONS, token=person))["applications"]["edges"]
    doc = edge["node"]["decisionDocument"]
    assert doc["decision"] == "REJECTED" and doc["language"] == "RU"
    pdf = await api.http.get(doc["downloadUrl"], headers=bearer(person))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert (await api.http.get(doc["downloadUrl"], headers=bearer(other))).status_code == 404
    verdict = (await api.http.get(f"/documents/{doc['code']}", headers=JSON)).json()
    assert verdict["genuine"] and verdict["document"]["subject"] == "APPLICATION"
