"""The portal's three languages: every message of the templates and pages is translated in the
kk, ru and en catalogues; the switch works as a plain link (no script), is remembered, and
sends the person back to the same page of this site only."""

from __future__ import annotations

import re

import httpx
import pytest
from babel.messages.extract import extract_from_dir

from marketplace.accounts.models import Language
from marketplace.i18n import Catalogues
from marketplace.settings import PROJECT_ROOT
from schema.services import Services

WEB = PROJECT_ROOT / "web"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (1, 2), "N_": None}


def portal_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(str(WEB), METHODS, OPTIONS, KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.mark.parametrize("language", [Language.KK, Language.RU, Language.EN])
def test_every_message_is_translated(language: Language) -> None:
    messages = portal_messages()
    assert len(messages) > 100
    translations = Catalogues(WEB / "locale", "web").translations(language)
    untranslated = []
    for message in messages:
        if isinstance(message, tuple):
            done = translations.ngettext(*message, 5) != message[1] or language == Language.EN
        else:
            done = translations.gettext(message) != message or language == Language.EN or message in SAME_WORD
        if not done:
            untranslated.append(message)
    assert untranslated == []
    assert translations._catalog, "the catalogue is empty"


SAME_WORD = {"Hygiene", "Sanatorium", "Phone", "Login"}  # written the same in Kazakh or Russian


def title_and_lang(html: str) -> tuple[str, str]:
    lang = re.search(r'<html lang="([a-z]+)"', html).group(1)  # type: ignore[union-attr]
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()  # type: ignore[union-attr]
    return lang, title


def test_the_switch_is_a_link_that_is_remembered(portal) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=portal.url, timeout=30, headers={"accept-language": "en"}) as http:
        assert title_and_lang(http.get("/search").text) == ("en", "Search the catalogue – Tirek")
        switched = http.get("/language/kk", params={"next": "/search?q=wheelchair"}, follow_redirects=False)
        assert (switched.status_code, switched.headers["location"]) == (303, "/search?q=wheelchair")
        cookie = switched.headers["set-cookie"]
        assert "tirek_lang=kk" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        lang, title = title_and_lang(http.get("/search").text)
        assert (lang, title) == ("kk", "Каталогтан іздеу – Tirek")
        assert title_and_lang(http.get("/language/ru", params={"next": "/"}, follow_redirects=True).text)[0] == "ru"
        # Every page links to the other two languages, each named in itself and marked with its lang.
        page = http.get("/").text
        assert 'href="/language/kk?next=%2F" hreflang="kk" lang="kk">Қазақша</a>' in page
        assert 'href="/language/en?next=%2F" hreflang="en" lang="en">English</a>' in page
        # Only a path of this site is a place to go back to.
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
            answer = http.get("/language/en", params={"next": target}, follow_redirects=False)
            assert answer.headers["location"] == "/"
        assert http.get("/language/de").status_code == 404


def test_a_title_in_another_language_says_so() -> None:
    """A listing with no English title shows the Russian one (the API's fallback), marked
    lang="ru" on an English page; a title in the page's language is not marked."""
    from marketplace.settings import Settings
    from web.portal import Portal, shown_language

    portal = Portal(schema=None, db=None, settings=Settings(demo=True), services=Services())  # type: ignore[arg-type]
    russian_only = {"title": "Кресло-коляска", "titleKk": "", "titleRu": "Кресло-коляска", "titleEn": ""}
    assert shown_language(russian_only, "title", Language.EN) == "ru"
    assert shown_language(russian_only, "title", Language.RU) == "ru"
    assert shown_language({"titleKk": "Арба", "titleRu": "", "titleEn": ""}, "title", Language.EN) == "kk"
    template = portal.environments[Language.EN].from_string(
        '{% from "macros.html" import localized with context %}{{ localized(l.title, text_language(l, "title")) }}')
    assert template.render(l=russian_only) == '<span lang="ru">Кресло-коляска</span>'
    english = {"title": "Wheelchair", "titleKk": "", "titleRu": "Кресло", "titleEn": "Wheelchair"}
    assert template.render(l=english) == "Wheelchair"
