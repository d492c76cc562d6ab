"""Result documents (marketplace.documents): issued with the decision, in the person's language,
sealed with the portal's key, verifiable, and a changed byte or an untrusted key fails."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from marketplace.accounts.models import Language, Person
from marketplace.applications import services as apps
from marketplace.applications.models import ApplicationKind
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.db import Database
from marketplace.documents import signing
from marketplace.documents.models import DocumentSubject, ResultDocument
from marketplace.documents.services import CODE_PATTERN, MAX_PDF_BYTES, verify_code, verify_file
from marketplace.errors import DomainError, ErrorCode
from marketplace.settings import Settings
from tests import factories as f
from tests.factories import GrantWorld, build_grant_world, change, run
from tests.claims.conftest import make_order

KAZAKH_LETTERS = "әғқңөұүһі"


async def submitted_claim(db: Database, world: f.World, language: Language = Language.RU) -> CompensationClaim:
    async with db.transaction() as s:
        await s.execute(update(Person).where(Person.id == world.recipient_a.id).values(language=language))
        order = await make_order(s, world)
        return await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=order.id,
                                              idempotency_key=f"k-{uuid.uuid4().hex[:8]}")


async def documents(db: Database) -> list[ResultDocument]:
    async with db.session() as s:
        return list((await s.execute(select(ResultDocument).order_by(ResultDocument.id))).scalars())


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_approving_a_claim_issues_a_sealed_pdf_in_the_persons_language(db: Database, world: f.World) -> None:
    claim = await submitted_claim(db, world, Language.KK)
    async with db.transaction() as s:
        await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
    [doc] = await documents(db)
    assert (doc.subject, doc.subject_id, doc.decision, doc.language) == (
        DocumentSubject.CLAIM, claim.id, "APPROVED", Language.KK)
    assert doc.person_id == world.recipient_a.id and doc.region_id == world.region_a.id
    assert CODE_PATTERN.match(doc.code)
    assert doc.pdf.startswith(b"%PDF-") and b"/FontFile2" in doc.pdf  # the TTF is embedded
    text = text_of(doc.pdf)
    assert "Өтемақы талабы бойынша шешім" in text and "Мақұлданды" in text
    assert set(KAZAKH_LETTERS) & set(text) and doc.code in text and world.recipient_a.iin in text
    assert "200 000,00" in text  # the amount approved, formatted for kk
    assert doc.sha256 == hashlib.sha256(doc.pdf).hexdigest()
    assert signing.signature_holds(doc.public_key, doc.pdf, doc.signature)
    assert doc.public_key in signing.active_key().trusted


async def test_deciding_an_application_issues_its_document_with_the_reason(db: Database) -> None:
    async with db.transaction() as s:
        gw: GrantWorld = await build_grant_world(s)
        await s.execute(update(Person).where(Person.id == gw.eligible.id).values(language=Language.EN))
    rejected = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    await run(db, apps.reject_application, gw.viewer("officer_a"), rejected.id, "The IRP has no such measure.")
    [doc] = await documents(db)
    assert (doc.subject, doc.subject_id, doc.decision, doc.language) == (
        DocumentSubject.APPLICATION, rejected.id, "REJECTED", Language.EN)
    text = text_of(doc.pdf)
    assert "Decision on an application" in text and "Rejected" in text and "Individual assistant" in text
    assert "The IRP has no such measure." in text
    # Russian by default: the letters of another alphabet are embedded as well.
    await change(db, Person, Person.id == gw.eligible.id, language=Language.RU)
    again = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    await run(db, apps.reject_application, gw.viewer("officer_a"), again.id, "Заявление подано повторно.")
    assert "Решение по заявлению" in text_of((await documents(db))[-1].pdf)
    approved = await run(db, apps.submit_application, gw.viewer("eligible"), kind=ApplicationKind.INDIVIDUAL_ASSISTANT)
    await run(db, apps.approve_application, gw.viewer("officer_a"), approved.id)
    docs = await documents(db)
    assert [(d.subject_id, d.decision) for d in docs] == [
        (rejected.id, "REJECTED"), (again.id, "REJECTED"), (approved.id, "APPROVED")]
    assert "Одобрено" in text_of(docs[-1].pdf)


async def test_no_document_without_the_decision_and_none_twice(db: Database, world: f.World) -> None:
    claim = await submitted_claim(db, world)
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
            raise RuntimeError("the transaction fails after the decision")
    assert await documents(db) == []  # rolled back with the decision
    async with db.session() as s:
        assert (await s.get(CompensationClaim, claim.id)).status == ClaimStatus.SUBMITTED  # type: ignore[union-attr]
    # A refused decision issues nothing: another region's officer, then a second decision.
    with pytest.raises(DomainError) as err:
        async with db.transaction() as s:
            await cs.approve_claim(s, world.viewer("officer_b"), claim.id)
    assert err.value.code == ErrorCode.NOT_FOUND
    async with db.transaction() as s:
        await cs.reject_claim(s, world.viewer("officer_a"), claim.id, "Not delivered.")
    with pytest.raises(DomainError):
        async with db.transaction() as s:
            await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
    docs = await documents(db)
    assert [(d.subject_id, d.decision) for d in docs] == [(claim.id, "REJECTED")]


async def test_paying_issues_no_second_document(db: Database, world: f.World) -> None:
    claim = await submitted_claim(db, world)
    async with db.transaction() as s:
        await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
    async with db.transaction() as s:
        await cs.mark_claim_paid(s, world.viewer("officer_a"), claim.id, idempotency_key="pay-1")
    assert len(await documents(db)) == 1
    async with db.session() as s:
        assert (await s.execute(select(func.count()).select_from(ResultDocument))).scalar_one() == 1


async def test_verification_tells_genuine_from_changed_or_unknown(db: Database, world: f.World) -> None:
    claim = await submitted_claim(db, world)
    async with db.transaction() as s:
        await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
    [doc] = await documents(db)
    async with db.session() as s:
        by_code = await verify_code(s, doc.code)
        assert by_code.genuine and by_code.facts is not None and by_code.facts.decision == "APPROVED"
        assert (await verify_code(s, doc.code.lower())).genuine  # codes are read case-insensitively
        assert not (await verify_code(s, "AAAA-BBBB-CCCC-DDDD")).genuine
        assert not (await verify_code(s, "'; DROP TABLE x")).genuine
        assert (await verify_file(s, doc.pdf)).genuine
        assert (await verify_file(s, doc.pdf, doc.code)).genuine
        changed = bytearray(doc.pdf)
        changed[len(changed) // 2] ^= 0x01
        for data in (bytes(changed), doc.pdf + b"\n", doc.pdf[:-1]):
            verdict = await verify_file(s, data)
            assert not verdict.genuine and verdict.facts is None and verdict.file_matches is False
        # The right file under another code is not that document.
        assert not (await verify_file(s, doc.pdf, "AAAA-BBBB-CCCC-DDDD")).genuine
        with pytest.raises(DomainError) as err:
            await verify_file(s, b"")
        assert err.value.code == ErrorCode.REQUIRED
        with pytest.raises(DomainError) as err:
            await verify_file(s, doc.pdf + b" " * MAX_PDF_BYTES)
        assert (err.value.code, err.value.field) == (ErrorCode.TOO_LONG, "file")
    # A row changed in the database no longer holds its seal either.
    await change(db, ResultDocument, ResultDocument.id == doc.id,
                 pdf=bytes(changed), sha256=hashlib.sha256(bytes(changed)).hexdigest())
    async with db.session() as s:
        assert not (await verify_code(s, doc.code)).genuine
        assert not (await verify_file(s, bytes(changed))).genuine


async def test_only_trusted_keys_make_a_document_genuine(db: Database, world: f.World) -> None:
    before = signing.active_key()
    old = signing.load_key(signing.new_private_key())
    signing.install(old)
    try:
        claim = await submitted_claim(db, world)
        async with db.transaction() as s:
            await cs.approve_claim(s, world.viewer("officer_a"), claim.id)
        [doc] = await documents(db)
        assert doc.public_key == old.public_key and doc.key_id == old.key_id
        new_private = signing.new_private_key()
        signing.install(signing.load_key(new_private))  # rotated, the old key not trusted
        async with db.session() as s:
            assert not (await verify_code(s, doc.code)).genuine
            assert not (await verify_file(s, doc.pdf)).genuine
        signing.install(signing.load_key(new_private, [old.public_key]))  # rotated, the old key still trusted
        async with db.session() as s:
            assert (await verify_code(s, doc.code)).genuine
    finally:
        signing.install(before)


def test_signing_keys_are_checked_and_the_demo_makes_one(tmp_path: Path) -> None:
    for bad in ("not base64!", "c2hvcnQ=", ""):
        with pytest.raises(ValueError):
            signing.load_key(bad)
    with pytest.raises(ValueError):
        signing.load_key(signing.new_private_key(), ["c2hvcnQ="])
    key = signing.load_key(signing.new_private_key())
    signature = key.sign(b"data")
    assert signing.signature_holds(key.public_key, b"data", signature)
    assert not signing.signature_holds(key.public_key, b"datA", signature)
    assert not signing.signature_holds(key.public_key, b"data", "broken")
    demo = Settings(demo=True, var_dir=tmp_path / "var")
    assert demo.document_signing_key and (tmp_path / "var" / "document-signing.key").is_file()
    again = Settings(demo=True, var_dir=tmp_path / "var")
    assert again.document_signing_key == demo.document_signing_key
    assert signing.load_key(demo.document_signing_key).key_id
    assert Settings(secret_key="x" * 20, var_dir=tmp_path / "other").document_signing_key is None
