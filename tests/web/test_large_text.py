"""The main pages at 200% text (WCAG 1.4.4), with JavaScript on and off: ``v.check`` sets the
text to 200% at 320 px on every page of every journey (nothing scrolls sideways, no box cuts
its text off); here it runs over the pages a recipient sees most, in Kazakh (the longest words)
and Russian, without a journey's changes."""

from __future__ import annotations

import pytest

from tests.web.signing import sign_in

PAGES = [("home", "/"), ("search", "/search?q=%D0%BA%D0%BE%D0%BB%D1%8F%D1%81%D0%BA%D0%B0"), ("my orders", "/orders"),
         ("my claims", "/claims"), ("my applications", "/applications"), ("my trips", "/trips"),
         ("my quotes", "/quotes"), ("notifications", "/notifications"), ("settings", "/settings"),
         ("accessibility statement", "/accessibility")]


@pytest.mark.parametrize("language", ["kk", "ru"])
async def test_the_main_pages_at_200_percent_text(visit, portal, language: str) -> None:  # type: ignore[no-untyped-def]
    v = await visit(portal, language=language)
    await v.go("/sign-in")
    await v.check("sign-in")
    await sign_in(v, "recipient")
    await v.go(f"/language/{language}?next=/")
    listing = None
    for kind, path in PAGES:
        await v.go(path)
        await v.check(kind, lang=language)
        if kind == "search":
            listing = await v.page.locator("main a[href^='/listings/']").first.get_attribute("href")
    await v.go(str(listing))
    await v.check("listing", lang=language)
    assert len(v.checked) == len(PAGES) + 2
