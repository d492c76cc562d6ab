"""Screenshots of the portal's main pages in Kazakh, Russian and English for the README
(docs/screenshots/), taken in the real browser from the demo data:

    TIREK_SCREENSHOTS=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/web/test_screenshots.py

Every run takes them (each page opens in its language and gives a picture); only with
TIREK_SCREENSHOTS set do they go to docs/screenshots/ (the pictures are committed, not remade by
every run), else to the test's own temporary directory.
Each picture is a phone-sized viewport (480 × 900), not the whole page, to keep them small."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from marketplace.settings import PROJECT_ROOT
from tests.web.conftest import DEMO_PASSWORD

SHOTS = PROJECT_ROOT / "docs" / "screenshots"
PAGES = [  # the case pages (home and search have their own pictures, by tests/web's ordering journey)
    ("claim", "/claims/new"),
    ("application", "/applications/new/assistant"),
    ("trip", "/trips/new"),
    ("notifications", "/notifications"),
    ("accessibility", "/accessibility"),
]
LANGUAGES = ("kk", "ru", "en")
STAFF_PAGES = [  # the people who serve the recipients, in Russian and English (staff-<name>-<language>.png)
    ("provider", "provider-orders", "/provider/orders"),
    ("provider", "provider-money", "/provider/money"),
    ("provider", "provider-listing-new", "/provider/listings/new"),
    ("invataxi", "provider-trips", "/provider/trips"),
    ("officer", "officer-queue", "/"),
    ("officer", "officer-report", "/officer/report"),
    ("officer", "officer-imports", "/officer/imports"),
    ("admin", "admin-classifier", "/admin/classifier"),
    ("admin", "admin-accounts", "/admin/accounts"),
    ("admin", "admin-providers", "/admin/providers"),
]



@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the pictures go: docs/screenshots/ when retaking them (TIREK_SCREENSHOTS), else a
    throwaway directory."""
    folder = SHOTS if os.environ.get("TIREK_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def signed_in(browser, portal, login: str):  # type: ignore[no-untyped-def]
    context = await browser.new_context(viewport={"width": 480, "height": 900}, device_scale_factor=1)
    page = await context.new_page()
    await page.goto(portal.url + "/sign-in")
    await page.fill("#username", login)
    await page.fill("#password", DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    return context, page


async def shoot(page, portal, path: str, language: str, target) -> None:  # type: ignore[no-untyped-def]
    answer = await page.goto(f"{portal.url}/language/{language}?" + urlencode({"next": path}))
    assert answer is not None and answer.ok, (path, answer and answer.status, await page.content())
    assert await page.evaluate("document.documentElement.lang") == language, (path, page.url)
    await page.screenshot(path=str(target))
    assert target.stat().st_size > 1000


async def test_take_screenshots(browser, portal, shots: Path) -> None:  # type: ignore[no-untyped-def]
    context, page = await signed_in(browser, portal, "recipient")
    try:
        for language in LANGUAGES:
            for name, path in PAGES:
                await shoot(page, portal, path, language, shots / f"{name}-{language}.png")
    finally:
        await context.close()


async def test_take_staff_screenshots(browser, portal, shots: Path) -> None:  # type: ignore[no-untyped-def]
    for login in dict.fromkeys(login for login, _, _ in STAFF_PAGES):
        context, page = await signed_in(browser, portal, login)
        try:
            for language in ("ru", "en"):
                for _, name, path in (shot for shot in STAFF_PAGES if shot[0] == login):
                    await shoot(page, portal, path, language, shots / f"staff-{name}-{language}.png")
        finally:
            await context.close()
