"""Who is at the browser: the session cookie's token and viewer, the page's language, and the
CSRF token that every form carries.

- The session is the API's own bearer token, kept in an HttpOnly, SameSite=Lax cookie (Secure
  outside demo mode); the viewer is read from it with the same function the API uses.
- A second cookie holds a random browser id; the CSRF token of a form is an HMAC of that id
  and the session under the server's secret, so it changes on sign-in and sign-out and a page
  of another site can neither read nor forge it. Every POST is checked (``Portal.form``).
- The language: the switch's cookie when the person chose one, else the signed-in account's
  language, else the browser's Accept-Language among kk/ru/en.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Language
from marketplace.accounts.services import viewer_from_token
from marketplace.db import Database
from marketplace.errors import DomainError
from marketplace.i18n import language_from_tag, negotiate
from marketplace.settings import Settings

SESSION_COOKIE = "tirek_session"
BROWSER_COOKIE = "tirek_browser"
LANGUAGE_COOKIE = "tirek_lang"
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Visitor:
    viewer: Viewer
    language: Language
    token: str | None
    browser_id: str
    new_browser: bool
    csrf_token: str
    stale_session: bool = False  # a cookie whose token no longer signs anyone in: cleared

    @property
    def signed_in(self) -> bool:
        return self.viewer.is_authenticated


def csrf_token(settings: Settings, browser_id: str, token: str | None) -> str:
    message = f"csrf:{browser_id}:{token or ''}".encode()
    return hmac.new((settings.secret_key or "").encode(), message, hashlib.sha256).hexdigest()


def csrf_matches(visitor: Visitor, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(visitor.csrf_token, submitted or "")


async def visitor_for(request: Request, db: Database, settings: Settings) -> Visitor:
    token = request.cookies.get(SESSION_COOKIE) or None
    viewer = Viewer.anonymous()
    stale = False
    if token is not None:
        try:
            async with db.reader() as conn:
                viewer = await viewer_from_token(conn, settings, token)
        except DomainError:
            token, stale = None, True
    chosen = language_from_tag(request.cookies.get(LANGUAGE_COOKIE))
    if chosen is not None:
        language = chosen
    elif viewer.is_authenticated:
        language = viewer.language
    else:
        language = negotiate(request.headers.get("accept-language"))
    # The API answers (errors, titles) in the page's language.
    viewer = dataclasses.replace(viewer, language=language)
    browser_id = request.cookies.get(BROWSER_COOKIE) or ""
    new_browser = len(browser_id) != 32 or not browser_id.isalnum()
    if new_browser:
        browser_id = secrets.token_hex(16)
    return Visitor(viewer=viewer, language=language, token=token, browser_id=browser_id, new_browser=new_browser,
                   csrf_token=csrf_token(settings, browser_id, token), stale_session=stale)


def secure_cookies(settings: Settings) -> bool:
    return not settings.demo


def keep_browser(response: Response, visitor: Visitor, settings: Settings) -> None:
    """Cookies every answer may need to set: a new browser id, a stale session cleared."""
    if visitor.new_browser:
        response.set_cookie(BROWSER_COOKIE, visitor.browser_id, max_age=YEAR, httponly=True, samesite="lax",
                            secure=secure_cookies(settings), path="/")
    if visitor.stale_session:
        forget_session(response, settings)


def start_session(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.token_ttl, httponly=True, samesite="lax",
                        secure=secure_cookies(settings), path="/")


def forget_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(settings))


def choose_language(response: Response, language: Language, settings: Settings) -> None:
    response.set_cookie(LANGUAGE_COOKIE, language.value.lower(), max_age=YEAR, httponly=True, samesite="lax",
                        secure=secure_cookies(settings), path="/")
