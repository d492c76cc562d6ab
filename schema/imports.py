"""The IRP import over plain HTTP: ``POST /imports/irp``, an officer's (or the admin's) CSV file of
MSE decisions and IRP lines as one multipart part ``file``; the answer is the per-row report:
how many rows, what was created, what was already there, and each bad row with its line, field,
code and message in the viewer's language (the good rows land; see ``marketplace.records.irp_import``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from marketplace.accounts.models import Role
from marketplace.errors import DomainError, ErrorCode
from marketplace.i18n import translate
from marketplace.records import irp_import
from schema.context import request_viewer

STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403}


async def import_irp_file(request: Request) -> Response:
    viewer = request_viewer(request)
    db = request.app.state.db
    try:
        viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
        async with request.form(max_files=1, max_fields=2, max_part_size=irp_import.MAX_FILE_BYTES + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise DomainError(ErrorCode.REQUIRED, "Attach the CSV file as the 'file' part.", "file")
            text = irp_import.decode(await upload.read(irp_import.MAX_FILE_BYTES + 1))
        report = await irp_import.import_irp(db, viewer, text)
    except DomainError as exc:
        return JSONResponse({"errors": [{"field": exc.field, "code": exc.code.value,
                                         "message": translate(exc, viewer.language)}]},
                            status_code=STATUS.get(exc.code, 400))
    return JSONResponse({
        "rows": report.rows, "failed": report.failed, "personsCreated": report.persons_created,
        "recordsCreated": report.records_created, "entitlementsCreated": report.entitlements_created,
        "unchanged": report.unchanged,
        "errors": [{"line": e.line, "field": e.field, "code": e.code,
                    "message": translate(e.error, viewer.language) if e.error else e.message} for e in report.errors],
    })
