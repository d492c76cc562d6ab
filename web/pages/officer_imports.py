"""The IRP import in the portal: an officer uploads a CSV file of MSE decisions and IRP lines; the
portal runs the API's own import (``schema/imports.py``, as ``POST /imports/irp`` does) as the visitor and shows the
per-row report on the page (what was created, each bad row with its line, field and message),
also as a CSV download. The good rows land, a bad row is only reported; the same file sent
again creates nothing twice (the import matches IIN, decision and line numbers). The last
report is kept in the account's draft, so the page after the upload (POST-redirect-GET) and
the download read it."""

from __future__ import annotations

import csv
import io
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from marketplace.errors import DomainError
from marketplace.i18n import translate
from schema.imports import import_spooled, spool_upload
from web.pages.drafts import keep, load
from web.pages.staff import staff_form, staff_visitor
from web.portal import FormErrors, Portal
from web.visitor import Visitor

REPORT_DRAFT = "irp-import"
MOST_KEPT_ERRORS = 2000  # of a report kept for the page and its download


async def import_file(portal: Portal, visitor: Visitor, upload: UploadFile) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The API's own import (``schema/imports.py``: streamed from the spooled part, the report
    kept) as the visitor: the report, or the refusal of the whole file."""
    try:
        spool = await spool_upload(upload)
        try:
            return await import_spooled(portal.db, visitor.viewer, spool, upload.filename or "irp.csv"), []
        finally:
            spool.close()
    except DomainError as exc:
        return {}, [{"field": exc.field or "file", "code": exc.code.value,
                     "message": translate(exc, visitor.language)}]


async def imports_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    report = (await load(portal, visitor, REPORT_DRAFT)).get("report") if request.query_params.get("done") else None
    return portal.render_form(request, visitor, "officer/imports.html", errors, report=report)


async def upload_import(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    errors = FormErrors(fields={"file": "irp-file", "header": "irp-file"}, fallback="irp-file")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add(portal.gettext(visitor, "Choose the CSV file to import"), "file", "REQUIRED")
        return await imports_page(portal, request, errors)
    body, refusals = await import_file(portal, visitor, upload)
    if refusals:
        errors.extend(refusals)
        return await imports_page(portal, request, errors)
    body["errors"] = list(body.get("errors") or [])[:MOST_KEPT_ERRORS]
    body["file"] = (upload.filename or "")[:120]
    await keep(portal, visitor, REPORT_DRAFT, {"report": body})
    return portal.redirect(visitor, "/officer/imports?done=imported")


async def report_csv(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY, Role.ADMIN)
    if refused:
        return refused
    report = (await load(portal, visitor, REPORT_DRAFT)).get("report")
    if not report:
        return portal.not_found(request, visitor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("line", "field", "code", "message"))
    for error in report.get("errors") or []:
        writer.writerow((error.get("line"), error.get("field") or "", error.get("code") or "", error.get("message") or ""))
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="tirek-irp-import-report.csv"'})
