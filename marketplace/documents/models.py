"""Result documents: the decision on an application or a claim, as a sealed PDF."""

from __future__ import annotations

import enum

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.models import Language
from marketplace.db import Base, PersonId, PrimaryKey, RegionId, WrittenAt, enum_column


class DocumentSubject(str, enum.Enum):
    APPLICATION = "APPLICATION"
    CLAIM = "CLAIM"


class ResultDocument(Base):
    """One decision's PDF, its SHA-256 and the portal's Ed25519 signature over the PDF's bytes.

    ``code`` is what the document prints and what anyone verifies it by (``/documents/{code}``):
    random, so codes cannot be guessed and walked. ``public_key`` is the key that signed it,
    checked at verification against the keys the portal trusts (``signing.trusted_keys``).
    """

    __tablename__ = "result_documents"
    __table_args__ = (UniqueConstraint("subject", "subject_id", name="uq_result_documents_subject"),)

    id: Mapped[PrimaryKey]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    subject: Mapped[DocumentSubject] = mapped_column(enum_column(DocumentSubject))
    subject_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[PersonId]
    region_id: Mapped[RegionId] = mapped_column(index=False)
    decision: Mapped[str] = mapped_column(String(16))
    language: Mapped[Language] = mapped_column(enum_column(Language))
    issued_at: Mapped[WrittenAt]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    signature: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
