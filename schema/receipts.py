"""Receipt files over plain HTTP: upload (multipart) and download, both scoped.

GraphQL carries ids, not files: a recipient uploads the receipt here, then
passes its id to ``submitClaim``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from marketplace.accounts.access import Viewer
from marketplace.claims.receipts import open_receipt, store_receipt
from marketplace.errors import DomainError, ErrorCode
from marketplace.i18n import translate
from schema.context import request_viewer
from schema.core.ids import decode_id, to_global_id

STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}


def _error(exc: DomainError, viewer: Viewer) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": exc.field, "code": exc.code.value, "message": translate(exc, viewer.language)}]},
        status_code=STATUS.get(exc.code, 400),
    )


async def upload_receipt(request: Request) -> Response:
    viewer = request_viewer(request)
    db, settings = request.app.state.db, request.app.state.settings
    try:
        viewer.require_authenticated()
        async with request.form(max_files=1, max_fields=5, max_part_size=settings.max_receipt_bytes + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise DomainError(ErrorCode.REQUIRED, "Attach the receipt as the 'file' part.", "file")
            person_id = decode_id(str(form.get("personId") or ""), "Person", "personId")
            data = await upload.read(settings.max_receipt_bytes + 1)
            async with db.transaction() as session:
                receipt = await store_receipt(
                    session, viewer, person_id=person_id, filename=upload.filename,
                    content_type=upload.content_type, data=data, settings=settings,
                )
    except DomainError as exc:
        return _error(exc, viewer)
    return JSONResponse(
        {"id": to_global_id("Receipt", receipt.id), "contentType": receipt.content_type, "size": receipt.size_bytes,
         "sha256": receipt.sha256},
        status_code=201,
    )


async def download_receipt(request: Request) -> Response:
    viewer = request_viewer(request)
    db, settings = request.app.state.db, request.app.state.settings
    try:
        viewer.require_authenticated()
        receipt_id = decode_id(request.path_params["receipt_id"], "Receipt")
        async with db.session() as session:
            receipt, data = await open_receipt(session, viewer, receipt_id, settings=settings)
    except DomainError as exc:
        return _error(exc, viewer)
    return Response(
        data,
        media_type=receipt.content_type,
        headers={"content-disposition": f'attachment; filename="receipt-{receipt.id}"',
                 "content-security-policy": "default-src 'none'; sandbox"},
    )
