"""Result documents over plain HTTP: the person's PDF, and a verification page for anyone.

* ``GET /documents/{code}/pdf`` — the PDF, for whoever may see its application or claim
  (anyone else: 404, as for a code that does not exist);
* ``GET /documents/{code}`` — is there a genuine document with this code, and its minimal facts;
* ``POST /documents/{code}`` or ``POST /documents`` with the PDF as the multipart ``file`` part —
  is this file the genuine, unchanged document (of this code)?

The page is HTML in the request's language, or JSON for ``Accept: application/json``. It says
genuine or not, and only what a verifier needs besides: the kind of decision and its outcome,
the date, the issuing region's office, the file's SHA-256 and the key that sealed it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import strawberry
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from marketplace.accounts.models import Language
from marketplace.documents.models import ResultDocument as ResultDocumentModel
from marketplace.documents.reading import open_document
from marketplace.documents.services import MAX_PDF_BYTES, Verdict, download_path, verify_code, verify_file, verify_path
from marketplace.errors import DomainError
from marketplace.i18n import format_date, local_time, negotiate
from schema.core.scalars import Language as LanguageEnum
from schema.context import request_viewer
from schema.receipts import _error


@strawberry.type(description="The decision as a PDF in the person's language, sealed with the portal's signing key.")
class ResultDocument:
    code: str = strawberry.field(description="What the document prints; anyone verifies it at verifyUrl.")
    decision: str = strawberry.field(description="APPROVED or REJECTED.")
    language: LanguageEnum  # type: ignore[valid-type]
    issued_at: dt.datetime
    sha256: str = strawberry.field(description="The PDF's SHA-256, as the verification page shows it.")
    download_url: str = strawberry.field(description="The PDF, for whoever may see the decision (signed in).")
    verify_url: str = strawberry.field(description="The public page that says whether a document is genuine.")

    @classmethod
    def from_model(cls, d: ResultDocumentModel) -> ResultDocument:
        return cls(code=d.code, decision=d.decision, language=d.language, issued_at=d.issued_at, sha256=d.sha256,
                   download_url=download_path(d.code), verify_url=verify_path(d.code))

PAGE_TEXTS = {
    Language.KK: {"title": "Құжатты тексеру", "genuine": "Құжат түпнұсқа және өзгертілмеген.",
                  "not": "Мұндай түпнұсқа құжат жоқ: код немесе файл порталдың қол қойған құжатына сәйкес келмейді.",
                  "APPLICATION": "Өтініш бойынша шешім", "CLAIM": "Өтемақы талабы бойынша шешім",
                  "APPROVED": "Мақұлданды", "REJECTED": "Қабылданбады", "issued": "Берілген күні",
                  "body": "Орган", "code": "Код", "check": "Файлды тексеру", "send": "Тексеру"},
    Language.RU: {"title": "Проверка документа", "genuine": "Документ подлинный и не изменён.",
                  "not": "Подлинного документа нет: код или файл не совпадает с документом, подписанным порталом.",
                  "APPLICATION": "Решение по заявлению", "CLAIM": "Решение по заявке на возмещение",
                  "APPROVED": "Одобрено", "REJECTED": "Отказано", "issued": "Дата выдачи", "body": "Орган",
                  "code": "Код", "check": "Проверить файл", "send": "Проверить"},
    Language.EN: {"title": "Document verification", "genuine": "The document is genuine and unchanged.",
                  "not": "No genuine document: the code or the file does not match a document the portal signed.",
                  "APPLICATION": "Decision on an application", "CLAIM": "Decision on a compensation claim",
                  "APPROVED": "Approved", "REJECTED": "Rejected", "issued": "Issued on", "body": "Issued by",
                  "code": "Code", "check": "Check a file", "send": "Check"},
}


def _json(verdict: Verdict) -> dict[str, object]:
    body: dict[str, object] = {"genuine": verdict.genuine}
    if verdict.file_matches is not None:
        body["fileMatches"] = verdict.file_matches
    f = verdict.facts
    if f is not None:
        body["document"] = {
            "code": f.code, "subject": f.subject.value, "decision": f.decision,
            "issuedAt": f.issued_at.isoformat(), "issuedOn": local_time(f.issued_at).date().isoformat(),
            "region": {"kk": f.region_name_kk, "ru": f.region_name_ru, "en": f.region_name_en},
            "sha256": f.sha256, "keyId": f.key_id,
        }
    return body


def _html(verdict: Verdict, language: Language, code: str | None) -> str:
    t = PAGE_TEXTS[language]
    lang = language.value.lower()
    rows = ""
    f = verdict.facts
    if f is not None:
        region = {"kk": f.region_name_kk, "ru": f.region_name_ru, "en": f.region_name_en}[lang]
        rows = "".join(
            f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>"
            for k, v in [
                (t["code"], f.code), (t[f.subject.value], t[f.decision]),
                (t["issued"], format_date(local_time(f.issued_at).date(), language)), (t["body"], region),
                ("SHA-256", f.sha256), ("Ed25519", f.key_id),
            ]
        )
    action = f"/documents/{escape(code)}" if code else "/documents"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(t["title"])}</title>'
        f'</head><body><main><h1>{escape(t["title"])}</h1>'
        f'<p role="status"><strong>{escape(t["genuine"] if verdict.genuine else t["not"])}</strong></p>'
        f"<dl>{rows}</dl>"
        f'<form method="post" action="{action}" enctype="multipart/form-data"><h2>{escape(t["check"])}</h2>'
        f'<label for="file">PDF</label> <input id="file" name="file" type="file" accept="application/pdf"> '
        f'<button type="submit">{escape(t["send"])}</button></form></main></body></html>'
    )


async def verify_document(request: Request) -> Response:
    db = request.app.state.db
    code = request.path_params.get("code")
    try:
        if request.method == "POST":
            async with request.form(max_files=1, max_fields=2, max_part_size=MAX_PDF_BYTES + 1) as form:
                upload = form.get("file")
                data = b"" if upload is None or isinstance(upload, str) else await upload.read(MAX_PDF_BYTES + 1)
                async with db.session() as session:
                    verdict = await verify_file(session, data, code)
        else:
            async with db.session() as session:
                verdict = await verify_code(session, code or "")
    except DomainError as exc:
        return _error(exc, request_viewer(request))
    status = 200 if verdict.genuine or request.method == "POST" else 404
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(_json(verdict), status_code=status)
    language = negotiate(request.headers.get("accept-language"))
    return HTMLResponse(_html(verdict, language, code), status_code=status)


async def download_document(request: Request) -> Response:
    viewer = request_viewer(request)
    try:
        async with request.app.state.db.session() as session:
            document = await open_document(session, viewer, request.path_params["code"])
    except DomainError as exc:
        return _error(exc, viewer)
    return Response(
        document.pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="tirek-{document.code}.pdf"',
                 "content-security-policy": "default-src 'none'; sandbox"},
    )
