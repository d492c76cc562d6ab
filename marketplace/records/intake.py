"""Proactive intake over HTTP: an officer's IRP file becomes persons, records, IRP lines and
invitations, with a report kept per upload (``POST /imports/irp``; the CLI's ``tirek import-irp``
runs the same import without keeping one).

``receive_upload`` runs the import over a text stream (the file is never read whole: the HTTP
layer spools the body to a temporary file as it arrives and hands over a stream of its lines),
keeping an ``IrpUpload`` row with what it created and an ``IrpUploadError`` row per refused row.
Officers upload for their own region (a row of another region is refused by the import), the
admin for any. The report is readable by whoever uploaded it, the officers of its region and the
admin; anyone else gets NOT_FOUND, as for a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.audit.services import record as audit
from marketplace.db import Database, utcnow
from marketplace.errors import DomainError, not_found
from marketplace.i18n import translate
from marketplace.records import irp_import
from marketplace.records.uploads import IrpUpload, IrpUploadError

#: Refused rows kept per upload (a file of a million bad rows keeps the first ones and says how many).
MAX_KEPT_ERRORS = 100_000


@dataclass
class UploadReport:
    upload: IrpUpload
    errors: list[IrpUploadError]


async def start_upload(db: Database, viewer: Viewer, filename: str) -> int:
    """Open the upload's row before any of the file is read (so a refusal of the file has a report)."""
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    name = (filename or "").strip()[:255] or "irp.csv"
    async with db.transaction() as session:
        upload = IrpUpload(account_id=viewer.account_id, region_id=None if viewer.is_admin else viewer.region_id,
                           filename=name, size_bytes=0, rows=0, persons_created=0, records_created=0,
                           entitlements_created=0, invitations_sent=0, unchanged=0, failed=0)
        session.add(upload)
        await session.flush()
        audit(session, viewer, "irp_upload.started", upload, None, {"filename": name})
        return upload.id


async def receive_upload(
    db: Database,
    viewer: Viewer,
    upload_id: int,
    lines: Iterable[str],
    *,
    sha256: Callable[[], str] | None = None,
    size: Callable[[], int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> irp_import.ImportReport:
    """Run the import over ``lines`` and keep its report under the upload. A refusal of the whole
    file (a header without the columns) is kept as the report's line 0; text that stops being
    UTF-8 is refused from the line where reading stopped (the rows before it landed)."""
    try:
        report = await irp_import.import_irp(db, viewer, lines, progress=progress)
    except DomainError as exc:  # the header: the whole file refused
        report = irp_import.ImportReport(
            errors=[irp_import.RowError(0, exc.field, exc.code.value, translate(exc, viewer.language))])
    async with db.transaction() as session:
        kept = report.errors[:MAX_KEPT_ERRORS]
        session.add_all(IrpUploadError(upload_id=upload_id, line=e.line, field=e.field, code=e.code,
                                       message=e.message[:1000]) for e in kept)
        await session.execute(update(IrpUpload).where(IrpUpload.id == upload_id).values(
            sha256=sha256() if sha256 else None, size_bytes=size() if size else 0, rows=report.rows,
            persons_created=report.persons_created, records_created=report.records_created,
            entitlements_created=report.entitlements_created, invitations_sent=report.invitations_sent,
            unchanged=report.unchanged, failed=report.failed, finished_at=utcnow()))
        upload = await session.get(IrpUpload, upload_id)
        assert upload is not None
        audit(session, viewer, "irp_upload.finished", upload, None,
              {"rows": report.rows, "failed": report.failed, "persons_created": report.persons_created,
               "entitlements_created": report.entitlements_created})
    return report


async def upload_report(session: AsyncSession, viewer: Viewer, upload_id: int) -> UploadReport:
    """The upload and its refused rows, in line order; NOT_FOUND for anyone it does not concern."""
    viewer.require_authenticated()
    upload = await session.get(IrpUpload, upload_id)
    concerned = upload is not None and (
        viewer.is_admin or upload.account_id == viewer.account_id
        or (upload.region_id is not None and viewer.is_officer_of(upload.region_id)))
    if not concerned:
        raise not_found("upload", "uploadId")
    errors = list((await session.execute(
        select(IrpUploadError).where(IrpUploadError.upload_id == upload_id)
        .order_by(IrpUploadError.line, IrpUploadError.id))).scalars())
    return UploadReport(upload, errors)
