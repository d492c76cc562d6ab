"""Signing in and out in a browser, with JavaScript on and off: the error summary takes focus,
the session cookie is HttpOnly and SameSite=Lax, password managers and paste are welcome."""

from __future__ import annotations

from tests.web.conftest import DEMO_PASSWORD


async def test_sign_in_out(visit, portal) -> None:  # type: ignore[no-untyped-def]
    v = await visit(portal, language="en")
    page = v.page
    await v.go("/")
    await v.check("start", lang="en")
    await v.click(page.get_by_role("link", name="Sign in", exact=True).first)
    assert v.path == "/sign-in"
    await v.check("sign-in", lang="en")
    username, password = page.locator("#username"), page.locator("#password")
    assert await username.get_attribute("autocomplete") == "username"
    assert await password.get_attribute("autocomplete") == "current-password"
    assert await page.locator("[onpaste], .g-recaptcha, iframe").count() == 0

    # A wrong password: the summary at the top, focused, linking to the field.
    await username.fill("recipient")
    await password.fill("not-the-password")
    await v.click("main button[type=submit]")
    assert await page.locator(".govuk-error-summary").is_visible()
    assert await v.summary_focused()
    assert (await page.title()).startswith("Error:")
    assert await page.locator("#username").input_value() == "recipient"
    await v.check("sign-in, failed", lang="en")

    await page.locator("#password").fill(DEMO_PASSWORD)
    await v.click("main button[type=submit]")
    assert v.path == "/"
    session = next(c for c in await v.context.cookies() if c["name"] == "tirek_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    # Signed in, the page speaks the account's language (Aigerim's is Kazakh).
    await v.check("home", lang="kk")

    await v.click("form[action='/sign-out'] button")
    assert v.path == "/sign-in"
    assert not any(c["name"] == "tirek_session" for c in await v.context.cookies())
    await v.check("sign-in", lang="en")  # the same page, in the browser's language again
    await v.go("/orders")
    assert v.path == "/sign-in"
