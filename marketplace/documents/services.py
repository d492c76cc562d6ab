"""Issuing and verifying result documents (a person opening their own: ``reading``).

``issue_decision_document`` is called by the decision itself (applications and claims
services), in its transaction: the decision and its document commit or roll back together.
A verifier learns only what checking a document needs (``PublicFacts``): whether the code or
the file is genuine and unchanged, what kind of decision it is, its outcome, when and by which
region's office it was issued, and the file's fingerprint. Names, IINs, amounts and reasons
are in the PDF its holder shows, never on the public page.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Final

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.models import Person, Region
from marketplace.applications.models import Application
from marketplace.catalog.models import ClassifierItem
from marketplace.claims.models import CompensationClaim
from marketplace.db import utcnow
from marketplace.documents import signing
from marketplace.documents.models import DocumentSubject, ResultDocument
from marketplace.documents.rendering import TEXTS, DecisionFacts, render_decision
from marketplace.errors import DomainError, ErrorCode

CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_GROUPS: Final = 4  # 4 × 4 characters of 32: 80 bits, not to be guessed
CODE_PATTERN: Final = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")
MAX_PDF_BYTES: Final = 512 * 1024  # a decision is ~20 KB; the request body limit is 1 MiB


def new_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))


def clean_code(code: str | None) -> str:
    text = (code or "").strip().upper()
    if not CODE_PATTERN.match(text):
        raise DomainError(ErrorCode.INVALID, "A document code is four groups of four letters and digits.", "code")
    return text


def verify_path(code: str) -> str:
    return f"/documents/{code}"


def download_path(code: str) -> str:
    return f"/documents/{code}/pdf"


def _person_name(person: Person) -> str:
    return " ".join(p for p in (person.last_name, person.first_name, person.middle_name) if p)


async def issue_decision_document(session: AsyncSession, subject: Application | CompensationClaim) -> ResultDocument:
    """The sealed PDF of a decision just taken on ``subject`` (APPROVED or REJECTED), in the person's language."""
    person = await session.get(Person, subject.person_id)
    region = await session.get(Region, subject.region_id)
    assert person is not None and region is not None
    language = person.language
    if isinstance(subject, Application):
        kind, title = DocumentSubject.APPLICATION, TEXTS[language][subject.kind.value]
        amount, reason = None, subject.reason
    else:
        item = await session.get(ClassifierItem, subject.classifier_item_id)
        assert item is not None
        kind, title = DocumentSubject.CLAIM, getattr(item, f"name_{language.value.lower()}")
        amount, reason = subject.amount_approved, subject.reject_reason
    key = signing.active_key()
    code = new_code()
    issued_at = utcnow()
    pdf = render_decision(DecisionFacts(
        subject=kind.value, subject_number=subject.id, decision=subject.status.value, language=language, code=code,
        issued_at=issued_at, region_name=getattr(region, f"name_{language.value.lower()}"),
        person_name=_person_name(person), iin=person.iin, subject_title=title, amount=amount, reason=reason,
        verify_url=verify_path(code), key_id=key.key_id,
    ))
    document = ResultDocument(
        code=code, subject=kind, subject_id=subject.id, person_id=person.id, region_id=region.id,
        decision=subject.status.value, language=language, issued_at=issued_at,
        sha256=hashlib.sha256(pdf).hexdigest(), signature=key.sign(pdf), key_id=key.key_id,
        public_key=key.public_key, pdf=pdf,
    )
    session.add(document)
    await session.flush()
    return document


# -- the person's own documents ------------------------------------------------------------------
async def documents_of_subjects(
    session: AsyncSession, subject: DocumentSubject, subject_ids: list[int]
) -> dict[int, ResultDocument]:
    """The documents of these applications or claims (the caller has already scoped them)."""
    rows = await session.execute(
        select(ResultDocument).where(ResultDocument.subject == subject, ResultDocument.subject_id.in_(subject_ids))
    )
    return {d.subject_id: d for d in rows.scalars()}


# -- verification by anyone --------------------------------------------------------------------
@dataclass(frozen=True)
class PublicFacts:
    code: str
    subject: DocumentSubject
    decision: str
    issued_at: dt.datetime
    region_name_kk: str
    region_name_ru: str
    region_name_en: str
    sha256: str
    key_id: str


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    facts: PublicFacts | None  # None when no document of the portal matches
    # For a file: whether it is, byte for byte, the document the portal signed.
    file_matches: bool | None = None


def _sealed(document: ResultDocument, data: bytes) -> bool:
    key = signing.active_key()
    return (
        document.public_key in key.trusted
        and hashlib.sha256(data).hexdigest() == document.sha256
        and signing.signature_holds(document.public_key, data, document.signature)
    )


async def _facts(session: AsyncSession, document: ResultDocument) -> PublicFacts:
    region = await session.get(Region, document.region_id)
    assert region is not None
    return PublicFacts(
        code=document.code, subject=document.subject, decision=document.decision, issued_at=document.issued_at,
        region_name_kk=region.name_kk, region_name_ru=region.name_ru, region_name_en=region.name_en,
        sha256=document.sha256, key_id=document.key_id,
    )


async def verify_code(session: AsyncSession, code: str) -> Verdict:
    """Is there a genuine document with this code? (Its stored PDF must still hold its seal.)"""
    try:
        text = clean_code(code)
    except DomainError:
        return Verdict(False, None)
    document = (await session.execute(select(ResultDocument).where(ResultDocument.code == text))).scalar_one_or_none()
    if document is None:
        return Verdict(False, None)
    genuine = _sealed(document, document.pdf)
    return Verdict(genuine, await _facts(session, document) if genuine else None)


async def verify_file(session: AsyncSession, data: bytes, code: str | None = None) -> Verdict:
    """Is this file a genuine, unchanged document of the portal (the one with ``code``, when given)?"""
    if not data:
        raise DomainError(ErrorCode.REQUIRED, "Attach the PDF as the 'file' part.", "file")
    if len(data) > MAX_PDF_BYTES:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} bytes.", "file", count=MAX_PDF_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    stmt = select(ResultDocument).where(ResultDocument.sha256 == digest)
    if code is not None:
        try:
            stmt = stmt.where(ResultDocument.code == clean_code(code))
        except DomainError:
            return Verdict(False, None, file_matches=False)
    document = (await session.execute(stmt)).scalars().first()
    if document is None or not _sealed(document, data):
        return Verdict(False, None, file_matches=False)
    return Verdict(True, await _facts(session, document), file_matches=True)

