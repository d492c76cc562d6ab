"""A person opening a result document of their own: the PDF for someone who may see its
application or claim (the domains' own scope rules), NOT_FOUND for anyone else."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.applications.models import Application
from marketplace.applications.reading import can_see_application
from marketplace.claims.models import CompensationClaim
from marketplace.claims.services import can_see_claim
from marketplace.documents.models import DocumentSubject, ResultDocument
from marketplace.documents.services import clean_code
from marketplace.errors import not_found


async def open_document(session: AsyncSession, viewer: Viewer, code: str) -> ResultDocument:
    """The PDF for someone who may see its application or claim; NOT_FOUND for anyone else."""
    viewer.require_authenticated()
    text = clean_code(code)
    document = (await session.execute(select(ResultDocument).where(ResultDocument.code == text))).scalar_one_or_none()
    if document is None:
        raise not_found("result document")
    if document.subject == DocumentSubject.APPLICATION:
        app = await session.get(Application, document.subject_id)
        visible = app is not None and can_see_application(viewer, app)
    else:
        claim = await session.get(CompensationClaim, document.subject_id)
        visible = claim is not None and can_see_claim(viewer, claim)
    if not visible:
        raise not_found("result document")
    return document
