"""Receipt files for self-purchase claims.

Storage rules:
- only PDF, JPEG and PNG, and the first bytes must match the declared type
  (``%PDF-``, ``FF D8 FF``, ``89 PNG``): a declared type alone proves nothing;
- not empty, at most ``settings.max_receipt_bytes``;
- written under ``settings.receipts_dir`` with a random name (``secrets.token_hex``),
  never the client's file name, which is kept only as a label in the database;
  the SHA-256 of the content is recorded and checked again on reading;
- the file is written before the row is flushed; if the caller's transaction
  rolls back, the file is removed again, so no orphan is left behind.

Who may read a receipt: the recipient it belongs to (or their legal
representative), a LOCAL_BODY officer of the person's region, and an ADMIN.
Anyone else gets NOT_FOUND, exactly as for a receipt that does not exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.claims.models import Receipt
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.settings import Settings, get_settings

# Declared content type -> the magic bytes its content must start with.
MAGIC: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
ALLOWED_TYPES = frozenset(MAGIC)
MAX_ORIGINAL_NAME = 200
_STORAGE_NAME_RE = re.compile(r"^[0-9a-f]{64}$")
_PENDING_KEY = "tirek_pending_receipt_files"


def _reject(message: str, field: str = "file", **params: Any) -> DomainError:
    return DomainError(ErrorCode.FILE_REJECTED, message, field, **params)


def clean_content_type(content_type: str | None) -> str:
    """``image/JPEG; charset=x`` -> ``image/jpeg``; only the allowed types pass."""
    value = (content_type or "").split(";", 1)[0].strip().lower()
    if value == "image/jpg":  # a common misspelling of the registered type
        value = "image/jpeg"
    if value not in ALLOWED_TYPES:
        raise _reject("Only PDF, JPEG or PNG receipts are accepted.", "contentType")
    return value


def clean_filename(filename: str | None) -> str:
    """A display label: the last path component, no control characters, at most 200 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in {"", ".", ".."}:
        name = "receipt"
    if len(name) > MAX_ORIGINAL_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_ORIGINAL_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_ORIGINAL_NAME]
    return name


def check_content(data: bytes, content_type: str, max_bytes: int) -> None:
    """Refuse an empty, oversized, or mislabelled file (FILE_REJECTED, field ``file``)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _reject("No file was given.")
    if len(data) == 0:
        raise _reject("The file is empty.")
    if len(data) > max_bytes:
        raise _reject("The file is larger than {size} KiB.", size=max_bytes // 1024)
    if not bytes(data[: len(MAGIC[content_type])]) == MAGIC[content_type]:
        raise _reject("The file's content is not what its type says.")


def _receipts_dir(settings: Settings) -> Path:
    assert settings.receipts_dir is not None  # set by Settings' validator
    return Path(settings.receipts_dir)


def _path_of(settings: Settings, storage_name: str) -> Path:
    if not _STORAGE_NAME_RE.match(storage_name):  # defence in depth: never join an odd name to a path
        raise RuntimeError(f"receipt storage name {storage_name!r} is malformed")
    return _receipts_dir(settings) / storage_name


def _write_file(directory: Path, storage_name: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = directory / storage_name
    tmp = directory / f".{storage_name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def _track_for_rollback(session: AsyncSession, path: Path) -> None:
    """Remove ``path`` if the session's transaction rolls back; forget it once committed."""
    info = session.sync_session.info
    pending: list[Path] | None = info.get(_PENDING_KEY)
    if pending is None:
        pending = info[_PENDING_KEY] = []

        @event.listens_for(session.sync_session, "after_commit")
        def _committed(_sess: Any) -> None:
            pending.clear()

        @event.listens_for(session.sync_session, "after_rollback")
        def _rolled_back(_sess: Any) -> None:
            for p in pending:
                try:
                    p.unlink(missing_ok=True)
                except OSError:  # pragma: no cover - best effort
                    pass
            pending.clear()

    pending.append(path)


async def store_receipt(
    session: AsyncSession,
    viewer: Viewer,
    *,
    person_id: int,
    filename: str | None,
    content_type: str | None,
    data: bytes,
    settings: Settings | None = None,
) -> Receipt:
    """A recipient uploads a receipt for themself or a person they represent. The same bytes
    uploaded again for the same person return the first receipt (nothing new is stored); the
    same bytes for another person are stored, but can back no second claim
    (``CompensationClaim.receipt_sha256`` is unique)."""
    settings = settings or get_settings()
    viewer.require_role(Role.RECIPIENT)
    if not viewer.acts_for_person(person_id) or await session.get(Person, person_id) is None:
        raise not_found("person", "personId")
    ctype = clean_content_type(content_type)
    check_content(data, ctype, settings.max_receipt_bytes)
    data = bytes(data)
    name = clean_filename(filename)
    digest = hashlib.sha256(data).hexdigest()
    first = (await session.execute(
        select(Receipt).where(Receipt.person_id == person_id, Receipt.sha256 == digest).order_by(Receipt.id).limit(1)
    )).scalar_one_or_none()
    if first is not None:
        return first
    storage_name = secrets.token_hex(32)

    path = await asyncio.to_thread(_write_file, _receipts_dir(settings), storage_name, data)
    _track_for_rollback(session, path)
    receipt = Receipt(
        person_id=person_id,
        uploaded_by_account_id=viewer.account_id,
        storage_name=storage_name,
        original_name=name,
        content_type=ctype,
        size_bytes=len(data),
        sha256=digest,
    )
    session.add(receipt)
    await session.flush()
    audit(session, viewer, "receipt.uploaded", receipt, None, snapshot(receipt))
    return receipt


async def can_read_receipt(session: AsyncSession, viewer: Viewer, receipt: Receipt) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.is_admin or viewer.acts_for_person(receipt.person_id):
        return True
    if viewer.role == Role.LOCAL_BODY:
        person = await session.get(Person, receipt.person_id)
        return person is not None and viewer.is_officer_of(person.region_id)
    return False


async def get_receipt(session: AsyncSession, viewer: Viewer, receipt_id: int) -> Receipt:
    """The receipt's metadata, if the viewer may read it; otherwise NOT_FOUND."""
    viewer.require_authenticated()
    receipt = await session.get(Receipt, receipt_id)
    if receipt is None or not await can_read_receipt(session, viewer, receipt):
        raise not_found("receipt", "receiptId")
    return receipt


async def open_receipt(
    session: AsyncSession, viewer: Viewer, receipt_id: int, *, settings: Settings | None = None
) -> tuple[Receipt, bytes]:
    """The receipt and its bytes. The content is checked against the recorded SHA-256."""
    settings = settings or get_settings()
    receipt = await get_receipt(session, viewer, receipt_id)
    path = _path_of(settings, receipt.storage_name)
    data = await asyncio.to_thread(path.read_bytes)
    if hashlib.sha256(data).hexdigest() != receipt.sha256:
        raise RuntimeError(f"receipt {receipt.id}: stored file does not match its SHA-256")
    return receipt, data
