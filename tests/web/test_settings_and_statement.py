"""Settings and the accessibility statement in a browser, JavaScript on and off: the language
chosen on the settings page, the contacts shown from the records, the password changed (a wrong
current one and two new ones that differ refused with the summary focused; after the change the
old session ends and the new password signs in); the statement reachable from every page's
footer. axe and the page checks on every page."""

from __future__ import annotations

from tests.web.conftest import DEMO_PASSWORD
from tests.web.signing import signed_in

NEW_PASSWORD = "a long phrase for tirek 2026"


async def test_settings(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await signed_in(visit, server, "recipient", language="en", then="/settings")
    page = v.page
    await v.check("settings", lang="kk")
    assert "+7 701 555 12 34" in await page.locator("main").inner_text()  # from her person record

    await page.locator("label[for=language-2]").click()  # Русский
    await v.click("main form[action='/settings/language'] button")
    assert "done=language" in page.url
    await v.check("settings", lang="ru")
    assert await page.locator("#language-2").is_checked()

    # A wrong current password: the API refuses it, at its field.
    await page.fill("#old-password", "not-my-password")
    await page.fill("#new-password", NEW_PASSWORD)
    await page.fill("#new-password-again", NEW_PASSWORD)
    await v.click("main form[action='/settings/password'] button")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a[href='#old-password']").count() == 1
    assert await page.locator("#old-password-error").count() == 1
    await v.check("settings, failed", lang="ru")

    await page.fill("#old-password", DEMO_PASSWORD)
    await page.fill("#new-password", NEW_PASSWORD)
    await page.fill("#new-password-again", NEW_PASSWORD + "!")
    await v.click("main form[action='/settings/password'] button")
    assert await page.locator(".govuk-error-summary a[href='#new-password-again']").count() == 1
    await v.check("settings, failed", lang="ru")

    await page.fill("#old-password", DEMO_PASSWORD)
    await page.fill("#new-password", NEW_PASSWORD)
    await page.fill("#new-password-again", NEW_PASSWORD)
    await v.click("main form[action='/settings/password'] button")
    assert v.path == "/sign-in"
    assert not [c for c in await v.context.cookies() if c["name"] == "tirek_session"]
    await v.check("sign-in", lang="ru")
    await page.fill("#username", "recipient")
    await page.fill("#password", NEW_PASSWORD)
    await v.click("main button[type=submit]")
    assert v.path == "/"


async def test_accessibility_statement(visit, portal) -> None:  # type: ignore[no-untyped-def]
    v = await visit(portal, language="kk")
    page = v.page
    await v.go("/")
    await v.click(page.locator("footer a[href='/accessibility']"))
    assert v.path == "/accessibility"
    await v.check("accessibility statement", lang="kk")
    assert await page.locator("h1").count() == 1
    text = await page.locator("main").inner_text()
    assert "WCAG" in text and "axe-core" in text and "accessibility@tirek.kz" in text
    assert "200%" in text and "200%%" not in text
    for tag in ("ru", "en"):
        await v.go(f"/language/{tag}?next=/accessibility")
        await v.check(f"accessibility statement ({tag})", lang=tag)
