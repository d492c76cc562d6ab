"""The portal's three languages: choosing one, translating from gettext catalogues, and
formatting money and dates the way each language writes them (Babel).

Catalogues are ordinary gettext ``.po`` files under ``<directory>/<kk|ru|en>/LC_MESSAGES/
<domain>.po`` (edit them with any PO editor, extract with ``pybabel extract``). They are read
and compiled in memory on first use, so there is no build step to forget. A message missing
from a catalogue falls back to its msgid (English).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from marketplace.accounts.models import Language
from marketplace.clock import local_time
from marketplace.errors import DomainError, Phrase, Tenge

DEFAULT_LANGUAGE = Language.RU
TENGE = "\u20b8"
NBSP = "\u00a0"

_LOCALES = {Language.KK: "kk", Language.RU: "ru", Language.EN: "en"}
_BY_TAG = {tag: language for language, tag in _LOCALES.items()}
_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*$")


def locale_tag(language: Language) -> str:
    """``kk``, ``ru`` or ``en``: the tag for ``<html lang>`` and for Babel."""
    return _LOCALES[language]


def language_from_tag(tag: str | None) -> Language | None:
    """``"kk"``, ``"KK"``, ``"ru-RU"`` → the language; anything else → None."""
    if not tag:
        return None
    primary = tag.strip().split("-", 1)[0].split("_", 1)[0].lower()
    return _BY_TAG.get(primary)


def negotiate(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The language an ``Accept-Language`` header prefers among kk/ru/en (q-values honoured;
    the first of equal weight wins; malformed items are skipped)."""
    if not accept_language or len(accept_language) > 1000:
        return default
    best: tuple[float, int, Language] | None = None
    for position, item in enumerate(accept_language.split(",")[:32]):
        match = _ACCEPT_ITEM.match(item)
        if not match:
            continue
        language = _BY_TAG.get(match.group(1).lower())
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if language is None or not 0 < weight <= 1:
            continue
        candidate = (-weight, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else default


class Catalogues:
    """The translations of one gettext domain in the three languages."""

    def __init__(self, directory: Path, domain: str) -> None:
        self.directory = Path(directory)
        self.domain = domain
        self._loaded: dict[Language, Translations] = {}
        self._lock = threading.Lock()

    def path(self, language: Language) -> Path:
        return self.directory / locale_tag(language) / "LC_MESSAGES" / f"{self.domain}.po"

    def translations(self, language: Language) -> Translations:
        """A ``babel.support.Translations`` (for Jinja2's ``install_gettext_translations``)."""
        found = self._loaded.get(language)
        if found is not None:
            return found
        with self._lock:
            found = self._loaded.get(language)
            if found is None:
                found = self._compile(language)
                self._loaded[language] = found
            return found

    def parts(self, language: Language) -> list[Path]:
        """The catalogue's files: ``<domain>.po``, then its parts ``<domain>.<part>.po`` (a journey
        of the portal may keep its own messages in a file of its own; a message of ``<domain>.po``
        keeps its translation there)."""
        main = self.path(language)
        found = [main] if main.exists() else []
        return found + sorted(main.parent.glob(f"{self.domain}.*.po"))

    def _compile(self, language: Language) -> Translations:
        paths = self.parts(language)
        if not paths:
            return Translations()  # msgids (English) as they are
        catalog = None
        for path in paths:
            with path.open("rb") as po:
                read = read_po(po, locale=locale_tag(language), domain=self.domain)
            if catalog is None:
                catalog = read
            else:
                for message in read:  # a part adds what the catalogue lacks; it never rewords it
                    known = catalog.get(message.id) if message.id else None
                    if message.id and message.string and not (known is not None and known.string):
                        catalog[message.id] = message
        assert catalog is not None
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        return Translations(compiled, domain=self.domain)

    def gettext(self, language: Language, message: str, **params: Any) -> str:
        """``message`` translated, then ``str.format``-ed with ``params`` (a placeholder the
        translation lacks is left out rather than failing)."""
        text = self.translations(language).gettext(message)
        if not params:
            return text
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return message.format(**params)

    def ngettext(self, language: Language, singular: str, plural: str, n: int, **params: Any) -> str:
        text = self.translations(language).ngettext(singular, plural, n)
        try:
            return text.format(n=n, **params)
        except (KeyError, IndexError, ValueError):
            return (singular if n == 1 else plural).format(n=n, **params)


def format_money(amount: Decimal | int | str, language: Language) -> str:
    """Tenge with two places, grouped as the language writes them: ``1 234 567,50 ₸`` (kk, ru),
    ``1,234,567.50 ₸`` (en)."""
    number = babel_numbers.format_decimal(
        Decimal(amount), format="#,##0.00", locale=locale_tag(language), decimal_quantization=True
    )
    return f"{number}{NBSP}{TENGE}"


def format_number(value: Decimal | int, language: Language) -> str:
    """A quantity: grouped, with as many places as it has (``1 460``, ``2,5``)."""
    return babel_numbers.format_decimal(Decimal(value).normalize(), locale=locale_tag(language))


def format_date(value: dt.date, language: Language, style: str = "long") -> str:
    """``1 декабря 2026 г.`` / ``2026 ж. 1 желтоқсан`` / ``December 1, 2026`` (style ``long``);
    ``medium`` and ``short`` as Babel has them."""
    if isinstance(value, dt.datetime):
        value = local_time(value).date()
    return babel_dates.format_date(value, format=style, locale=locale_tag(language))


def format_datetime(value: dt.datetime, language: Language) -> str:
    """A moment in Kazakhstan's time: the date (medium) and ``HH:MM``."""
    local = local_time(value)
    day = babel_dates.format_date(local.date(), format="medium", locale=locale_tag(language))
    return f"{day}, {local:%H:%M}"


def language_name(language: Language) -> str:
    """A language's own name for itself: ``Қазақша``, ``Русский``, ``English``."""
    return {Language.KK: "Қазақша", Language.RU: "Русский", Language.EN: "English"}[language]


# The portal's own messages: refusals (DomainError templates) and what they quote.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
MESSAGES = Catalogues(Path(__file__).parent / "locale", "messages")


def translate(error: DomainError, language: Language) -> str:
    """A refusal in ``language``: its template from the catalogue, its parameters formatted as
    that language writes them (money, dates, numbers; a quoted reason translated too)."""
    params = {name: format_parameter(value, language) for name, value in error.params.items()}
    # A parameter that ends a sentence with its own full stop ("2027 г.") takes the sentence's.
    return _DOUBLE_STOP.sub(".", MESSAGES.gettext(language, error.template, **params))


def format_parameter(value: Any, language: Language) -> str:
    if isinstance(value, DomainError):
        return translate(value, language)
    if isinstance(value, Phrase):
        return MESSAGES.gettext(language, value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Tenge):
        return format_money(value, language)
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_number(value, language)
    if isinstance(value, dt.datetime):
        return format_datetime(value, language)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(format_parameter(v, language) for v in value)
    return str(value)
