"""Word forms (search.wording): the Kazakh suffix stripper, the stemmer both sides share, stop words."""

from __future__ import annotations

import pytest

from search.vocabulary import EVERYDAY_WORDS, everyday_codes
from search.wording import has_code, kazakh_stem, looks_kazakh, normalised, search_words, stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("жөргектер", "жөргек"),  # plural
        ("балаларға", "бала"),  # plural + dative
        ("аппараттары", "аппарат"),  # plural + possessive
        ("протездер", "протез"),
        ("протезі", "протез"),  # possessive
        ("тілінің", "тіл"),  # possessive + genitive
        ("мүгедектер", "мүгедек"),
        ("арбаларда", "арба"),  # plural + locative
        ("санаторийлық", "санаторий"),  # the adjective ending -лық
        ("жөргегі", "жөргек"),  # a voiced last consonant is devoiced again
        ("таяғы", "таяқ"),
        ("аппаратын", "аппарат"),  # possessive + accusative
        ("арбасын", "арба"),
        ("таяғын", "таяқ"),
        ("көмекшімен", "көмекш"),  # instrumental; a root's last і goes too, in every form alike
        ("көмекші", "көмекш"),
    ],
)
def test_kazakh_stem_strips_inflections(word: str, expected: str) -> None:
    assert kazakh_stem(word) == expected


def test_kazakh_stem_never_leaves_less_than_three_letters() -> None:
    for word in ["ақ", "іш", "қол", "таң", "ана", "үйден"]:
        assert kazakh_stem(word) == word


def test_which_words_are_read_as_kazakh() -> None:
    assert looks_kazakh("жөргек") and looks_kazakh("арбалар") and looks_kazakh("протездер")
    # Russian words that end like a Kazakh plural are not.
    assert not looks_kazakh("катетер") and not looks_kazakh("компьютер")
    assert not looks_kazakh("коляска") and not looks_kazakh("wheelchair")


@pytest.mark.parametrize(
    ("forms"),
    [
        ["арба", "арбалар", "арбаларда"],
        ["жөргек", "жөргектер", "жөргегі"],
        ["протез", "протезі", "протездер", "протеза", "протезы"],
        ["сурдопереводчик", "сурдопереводчика", "сурдопереводчиков"],
        ["коляска", "коляски", "коляску", "коляской"],
        ["катетер", "катетеры", "катетера"],
        ["часы", "часов"],
        ["wheelchair", "wheelchairs"],
        ["hearing", "hear"],
        ["diaper", "diapers"],
        ["Слуховой", "слуховые", "СЛУХОВОГО"],
    ],
)
def test_forms_of_a_word_share_a_stem(forms: list[str]) -> None:
    assert len({normalised(f) for f in forms}) == 1, {f: normalised(f) for f in forms}


def test_different_words_keep_different_stems() -> None:
    # "такси" must not reach the tactile watches by a prefix of their stem.
    assert not stem("тактильные").startswith(stem("такси"))
    assert normalised("часы") != normalised("чехол")
    assert normalised("арба") != normalised("арбуз")


def test_stop_words_drop_unless_nothing_else_is_left() -> None:
    assert search_words("такси для инвалидов") == ["такс", "инвалид"]
    assert search_words("hearing aids for kids") == ["hear", "aid", "kid"]
    assert search_words("балаларға арналған арба") == ["бал", "арб"]
    assert search_words("для") == ["для"]
    assert search_words("") == []


def test_codes_and_numbers_are_kept_as_written() -> None:
    assert normalised("TSR-01-001") == "tsr 01 001"
    assert normalised("батарейки 312") == "батарейк 312"
    assert has_code(search_words("TSR-01-001")) and not has_code(search_words("кресло коляска"))


def test_everyday_words_point_at_their_items() -> None:
    assert "TSR-11-001" in everyday_codes(stem("инватакси"))[0]
    assert everyday_codes(stem("такси"))[0] == frozenset({"TSR-11-001"})
    deaf = everyday_codes(stem("глухой"))[0]
    assert {"TSR-04-001", "TSR-08-001"} <= deaf and "TSR-05-003" not in deaf
    assert {"TSR-06-001", "TSR-06-002"} <= everyday_codes(stem("памперсы"))[0]
    assert all(code.startswith("TSR-") for code in EVERYDAY_WORDS)


@pytest.mark.parametrize("text", [
    "Кресло-коляска с ручным приводом, ширина 45см.",
    "Ёлка ЁЖИК\tёж\nеж",
    "wheelchair—foldable – seat‑width ‒ 45 cm; 3‐speed",
    "Қол жетегі бар бөлмелік КРЕСЛО-АРБА (TSR-01-001)",
    "İstanbul ΑΘΗΝΑ Straße ǅungla",
    "a\u00a0b\u2003c\u3000d ,,, -- ... !?",
    "under_score snake_case __init__ 4_000",
    "",
    "   ",
])
def test_tokens_word_by_word_are_the_whole_text_folded(text: str) -> None:
    """The cached word-by-word folding gives exactly what folding the whole text at once gives."""
    from search.wording import _NON_WORD, fold, tokens

    assert tokens(text) == [t for t in _NON_WORD.sub(" ", fold(text)).split() if t]
