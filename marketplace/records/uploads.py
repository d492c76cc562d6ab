"""An IRP file uploaded by an officer (``POST /imports/irp``) and its per-row report.

The upload is kept (who, when, the file's SHA-256 and size, what it created) with every refused
row (line, field, code, message), so the report can be read again and downloaded as CSV after the
request that ran it has ended. A re-upload of the same file runs again and creates nothing twice
(``irp_import`` matches persons, records and lines); its report says so (``unchanged``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, UTCDateTime, utcnow


class IrpUpload(Base):
    __tablename__ = "irp_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)  # None: the admin's
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # known once the file is read
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    persons_created: Mapped[int] = mapped_column(Integer, default=0)
    records_created: Mapped[int] = mapped_column(Integer, default=0)
    entitlements_created: Mapped[int] = mapped_column(Integer, default=0)
    invitations_sent: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IrpUploadError(Base):
    """One refused row of an upload (a file-level refusal has line 0)."""

    __tablename__ = "irp_upload_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("irp_uploads.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(1000))
