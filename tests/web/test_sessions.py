"""The session cookie and the CSRF token, without a server: Secure outside demo mode, always
HttpOnly and SameSite=Lax; the CSRF token is bound to the browser and to the session."""

from __future__ import annotations

from starlette.responses import Response

from marketplace.settings import Settings
from web.visitor import csrf_token, start_session


def cookie(settings: Settings) -> str:
    response = Response()
    start_session(response, "a-token", settings)
    return response.headers["set-cookie"]


def test_session_cookie_flags() -> None:
    production = cookie(Settings(secret_key="s" * 32))
    assert "tirek_session=a-token" in production
    assert "HttpOnly" in production and "Secure" in production and "samesite=lax" in production.lower()
    demo = cookie(Settings(demo=True))
    assert "HttpOnly" in demo and "samesite=lax" in demo.lower() and "Secure" not in demo


def test_csrf_token_is_bound_to_browser_and_session() -> None:
    settings = Settings(secret_key="s" * 32)
    token = csrf_token(settings, "b" * 32, None)
    assert token == csrf_token(settings, "b" * 32, None)
    assert token != csrf_token(settings, "c" * 32, None)  # another browser
    assert token != csrf_token(settings, "b" * 32, "session")  # signed in: a new token
    assert token != csrf_token(Settings(secret_key="t" * 32), "b" * 32, None)  # another server secret
