"""Languages: Accept-Language negotiation, catalogues compiled from .po, Babel formats."""

import datetime as dt
from decimal import Decimal

from marketplace.accounts.models import Language
from marketplace.i18n import Catalogues, format_date, format_money, language_from_tag, negotiate

KK, RU, EN = Language.KK, Language.RU, Language.EN


def test_negotiate_honours_weights_and_order():
    assert negotiate("kk") is KK
    assert negotiate("en-GB,en;q=0.9") is EN
    assert negotiate("de, kk;q=0.5, ru;q=0.8") is RU
    assert negotiate("fr, de") is RU  # none of ours: the default
    assert negotiate(None) is RU
    assert negotiate("kk;q=0, en") is EN
    assert negotiate("ru;q=abc, en;q=0.1") is EN
    assert negotiate("x" * 5000) is RU


def test_language_from_tag():
    assert language_from_tag("KK") is KK
    assert language_from_tag("ru-RU") is RU
    assert language_from_tag("english") is None
    assert language_from_tag("") is None


def test_money_and_dates_per_language():
    assert format_money(Decimal("1234567.5"), RU) == "1\u00a0234\u00a0567,50\u00a0₸"
    assert format_money(Decimal("1234567.5"), KK) == "1\u00a0234\u00a0567,50\u00a0₸"
    assert format_money(Decimal("1234567.5"), EN) == "1,234,567.50\u00a0₸"
    day = dt.date(2026, 12, 1)
    assert format_date(day, RU) == "1 декабря 2026\u202fг."
    assert format_date(day, EN) == "December 1, 2026"
    assert "желтоқсан" in format_date(day, KK)
    # A moment late on 30 November in UTC is already 1 December in Kazakhstan.
    assert format_date(dt.datetime(2026, 11, 30, 20, 30, tzinfo=dt.timezone.utc), EN) == "December 1, 2026"


def test_catalogue_compiled_from_po(tmp_path):
    po = tmp_path / "kk" / "LC_MESSAGES" / "test.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Only {left} left."\nmsgstr "Тек {left} қалды."\n',
        encoding="utf-8",
    )
    catalogues = Catalogues(tmp_path, "test")
    assert catalogues.gettext(KK, "Only {left} left.", left=3) == "Тек 3 қалды."
    # No catalogue for English: the msgid itself.
    assert catalogues.gettext(EN, "Only {left} left.", left=3) == "Only 3 left."
    # A message the catalogue lacks falls back to the msgid.
    assert catalogues.gettext(KK, "Unknown.") == "Unknown."


def test_a_catalogue_in_parts(tmp_path):
    """``web.po`` and ``web.<part>.po`` make one catalogue; a part alone is enough."""
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "web.claims.po").write_text(header + 'msgid "Claims"\nmsgstr "Заявки"\n', encoding="utf-8")
    assert Catalogues(tmp_path, "web").gettext(RU, "Claims") == "Заявки"
    (folder / "web.po").write_text(header + 'msgid "Orders"\nmsgstr "Заказы"\n', encoding="utf-8")
    (folder / "web.trips.po").write_text(header + 'msgid "Orders"\nmsgstr "Поездки"\n', encoding="utf-8")
    both = Catalogues(tmp_path, "web")
    # A part adds messages; it does not reword one that web.po translates.
    assert (both.gettext(RU, "Orders"), both.gettext(RU, "Claims")) == ("Заказы", "Заявки")
    assert Catalogues(tmp_path, "other").gettext(RU, "Claims") == "Claims"  # another domain's parts are not its
