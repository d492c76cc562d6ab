"""IRP files over plain HTTP (proactive intake): an officer uploads MSE decisions and IRP lines
as CSV; the per-row report is answered, kept, and downloadable as CSV.

``POST /imports/irp``: the body is the CSV itself (``Content-Type: text/csv``) or a multipart
form with a ``file`` part (the portal's upload form). Either way the body is spooled to a
temporary file as it arrives (never held whole in memory; at most ``MAX_FILE_BYTES``) while its
SHA-256 is computed, then imported line by line (``marketplace/records/intake.py``).
``GET /imports/irp/{id}``: the report as JSON; ``GET /imports/irp/{id}/report.csv``: its refused
rows as CSV (line, field, code, message). Officers and the admin only; a report is seen by its
uploader, the officers of its region and the admin.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from typing import Any, BinaryIO

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.errors import DomainError, ErrorCode
from marketplace.i18n import translate
from marketplace.records import intake
from marketplace.records.irp_import import MAX_FILE_BYTES
from schema.context import request_viewer
from schema.core.ids import decode_id, to_global_id

STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}
CHUNK = 64 * 1024
SHOWN_ERRORS = 100  # in the JSON answer; the CSV has them all


def _error(exc: DomainError, viewer: Viewer) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": exc.field, "code": exc.code.value, "message": translate(exc, viewer.language)}]},
        status_code=STATUS.get(exc.code, 400),
    )


def _too_large() -> DomainError:
    return DomainError(ErrorCode.TOO_LONG, "The file is over {count} bytes.", "file", count=MAX_FILE_BYTES)


class _Spool:
    """The body written to a temporary file as it arrives, hashed and counted on the way."""

    def __init__(self) -> None:
        self.file: BinaryIO = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_FILE_BYTES:
            raise _too_large()
        self.digest.update(chunk)
        self.file.write(chunk)

    def lines(self) -> io.TextIOWrapper:
        self.file.seek(0)
        return io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]

    def close(self) -> None:
        self.file.close()


async def spool_upload(upload: UploadFile) -> _Spool:
    """A multipart file part (already spooled by Starlette's parser) copied, hashed and counted."""
    spool = _Spool()
    try:
        while chunk := await upload.read(CHUNK):
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    return spool


async def _spool_body(request: Request) -> tuple[_Spool, str]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=3, max_part_size=MAX_FILE_BYTES + 1) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise DomainError(ErrorCode.REQUIRED, "Attach the CSV file as the 'file' part.", "file")
            return await spool_upload(upload), upload.filename or "irp.csv"
    spool = _Spool()
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    return spool, request.query_params.get("filename", "irp.csv")


async def import_spooled(db: Any, viewer: Viewer, spool: _Spool, filename: str) -> dict[str, Any]:
    """Import a spooled file as ``viewer`` and answer its kept report (the API's JSON shape);
    the portal's upload page calls this too."""
    upload_id = await intake.start_upload(db, viewer, filename)
    await intake.receive_upload(db, viewer, upload_id, spool.lines(), sha256=spool.digest.hexdigest,
                                size=lambda: spool.size)
    async with db.session() as session:
        report = await intake.upload_report(session, viewer, upload_id)
    return _report_json(report.upload, report.errors)


def _report_json(upload: Any, errors: list[Any]) -> dict[str, Any]:
    gid = to_global_id("IrpUpload", upload.id)
    return {
        "id": gid, "filename": upload.filename, "sha256": upload.sha256, "size": upload.size_bytes,
        "rows": upload.rows, "personsCreated": upload.persons_created, "recordsCreated": upload.records_created,
        "entitlementsCreated": upload.entitlements_created, "invitationsSent": upload.invitations_sent,
        "unchanged": upload.unchanged, "failed": upload.failed,
        "errors": [{"line": e.line, "field": e.field, "code": e.code, "message": e.message}
                   for e in errors[:SHOWN_ERRORS]],
        "report": f"/imports/irp/{gid}/report.csv",
    }


async def upload_irp(request: Request) -> Response:
    viewer = request_viewer(request)
    spool = None
    try:
        viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
        spool, filename = await _spool_body(request)
        answer = await import_spooled(request.app.state.db, viewer, spool, filename)
    except DomainError as exc:
        return _error(exc, viewer)
    finally:
        if spool is not None:
            spool.close()
    return JSONResponse(answer, status_code=201)


async def _report(request: Request) -> tuple[Viewer, intake.UploadReport]:
    viewer = request_viewer(request)
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    upload_id = decode_id(request.path_params["upload_id"], "IrpUpload", "uploadId")
    async with request.app.state.db.session() as session:
        return viewer, await intake.upload_report(session, viewer, upload_id)


async def irp_upload_report(request: Request) -> Response:
    try:
        _, report = await _report(request)
    except DomainError as exc:
        return _error(exc, request_viewer(request))
    return JSONResponse(_report_json(report.upload, report.errors))


async def irp_upload_report_csv(request: Request) -> Response:
    try:
        _, report = await _report(request)
    except DomainError as exc:
        return _error(exc, request_viewer(request))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "field", "code", "message"])
    writer.writerows([e.line, e.field or "", e.code, e.message] for e in report.errors)
    name = f"irp-upload-{report.upload.id}-report.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
