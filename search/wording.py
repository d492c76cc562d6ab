"""Word forms: what a person types and what a listing says, reduced to the same words.

People write "арбалар", "жөргектер", "сурдопереводчика", "wheelchairs"; the classifier says
"кресло-арба", "жөргек", "сурдопереводчик", "wheelchair". Both sides go through ``search_words``
(the index when it builds a document, ``search.meili`` and ``search.fallback`` when they read a
query), so an inflected form and its dictionary form meet on one stem:

* text is folded (``fold``: one table for Latin, Cyrillic and Kazakh capitals, ё → е, dashes to
  spaces) and cut into words;
* little words that carry no meaning ("для", "for", "арналған") are dropped, unless the query
  is nothing else;
* a Latin word goes through the English Snowball stemmer; a Cyrillic word first through
  ``kazakh_stem`` when it is Kazakh (it has a letter only Kazakh has, or ends in a Kazakh
  plural), then through the Russian Snowball stemmer (a Kazakh word that looks Russian, such as
  "арба", and its inflected forms reduce alike);
* a word with a digit (a classifier code, a size, a model number) is kept as it is.

The stems are a key, not a word to show: "арбалар" → "арб", "сурдопереводчика" →
"сурдопереводчик". What matters is that both sides get the same one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import snowballstemmer


# -- folding ---------------------------------------------------------------------------------
def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [range(0x41, 0x5B), range(0xC0, 0x250), range(0x370, 0x400), range(0x400, 0x530)]
    for block in ranges:
        for cp in block:
            ch = chr(cp)
            low = ch.lower()
            if low != ch and len(low) == 1:
                table[cp] = low
    table[ord("Ё")] = "е"
    table[ord("ё")] = "е"
    for dash in "-\u2010\u2011\u2012\u2013\u2014":
        table[ord(dash)] = " "
    return table


FOLD_TABLE: Final = _build_fold_table()

# The same table for PostgreSQL's translate(), which looks each character of the text up from the
# start of its table: a character the table lacks is compared with all of its 437 entries, and the
# fallback folds every listing's text for every query. So the letters a catalogue is written in
# come first: those that fold to themselves as themselves (in Russian, Kazakh and English order of
# frequency), then capitals and dashes, then the rest of the table. The mapping is FOLD_TABLE's
# (tests/search/test_fold_in_sql.py); a text folds about fifteen times faster than in code-point
# order.
_COMMON_UNCHANGED: Final = (
    " оеаинтсрлвкмдпуяыьгзбчйхжшюцщэфъ" "әіңғүұқөһ" "etaoinshrdlcumwfgypbvkjxqz" "0123456789" ".,;:()«»\"'/№%+"
)
_FOLDED_FIRST: Final = "-АОЕИНТСРЛВКМДПУЯЫЬГЗБЧЙХЖШЮЦЩЭФЪЁӘІҢҒҮҰҚӨҺETAOINSHRDLCUMWFGYPBVKJXQZ"


def _sql_fold_table() -> tuple[str, str]:
    assert not any(ord(c) in FOLD_TABLE for c in _COMMON_UNCHANGED), "an unchanged character is in the table"
    first = [ord(c) for c in _FOLDED_FIRST]
    order = first + [cp for cp in FOLD_TABLE if cp not in first]
    return (_COMMON_UNCHANGED + "".join(chr(cp) for cp in order),
            _COMMON_UNCHANGED + "".join(FOLD_TABLE[cp] for cp in order))


FOLD_FROM, FOLD_TO = _sql_fold_table()
_NON_WORD: Final = re.compile(r"[^\w]+")


def fold(text: str | None) -> str:
    return (text or "").translate(FOLD_TABLE)


def tokens(text: str) -> list[str]:
    """The folded words of ``text``: what ``_NON_WORD.sub(" ", fold(text)).split()`` gives, word by
    word through a cache (folding a long non-ASCII text at once costs ~130 ns a character, and
    a catalogue says the same words again and again: a reindex spent half its Python there)."""
    found: list[str] = []
    for raw in text.split():  # whitespace is never part of a word, so splitting first changes nothing
        found.extend(_folded_words(raw))
    return found


@lru_cache(maxsize=32768)
def _folded_words(raw: str) -> tuple[str, ...]:
    return tuple(t for t in _NON_WORD.sub(" ", fold(raw)).split() if t)


# -- Kazakh ------------------------------------------------------------------------------------
KAZAKH_LETTERS: Final = frozenset("әғқңөұүһі")

# Endings in the order they stack on a root: root + plural + possessive + case. They are
# removed from the outside in, each group once, the longest ending of a group first.
_CASE: Final = (
    "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
    "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
    "нда", "нде", "да", "де", "та", "те",  # locative
    "ға", "ге", "қа", "ке", "на", "не",  # dative
    "сын", "сін", "ын", "ін",  # accusative after a possessive: арбасын, аппаратын
    "ны", "ні", "ды", "ді", "ты", "ті",  # accusative
    "мен", "бен", "пен",  # instrumental
)
_POSSESSIVE: Final = ("ымыз", "іміз", "ыңыз", "іңіз", "мыз", "міз", "ңыз", "ңіз", "сы", "сі", "ым", "ім", "ың",
                      "ің", "ы", "і")
_PLURAL: Final = ("лар", "лер", "дар", "дер", "тар", "тер")
# Adjectives made of nouns: "ортопедиялық" (of orthopaedics), "санаторийлық".
_DERIVED: Final = ("лық", "лік", "дық", "дік", "тық", "тік")
_GROUPS: Final = (_CASE, _POSSESSIVE, _PLURAL, _DERIVED)
MIN_STEM: Final = 3

# A Kazakh plural at the end of a word with no Kazakh letter ("арбалар", "протездер"),
# possibly with a possessive and a case after it.
_KAZAKH_PLURAL_END: Final = re.compile(
    r"(лар|лер|дар|дер|тар|тер)(ы|і)?(да|де|дан|ден|ды|ді|ны|ні|ға|ге|на|не|мен)?$"
)
# Russian words that end like a Kazakh plural and are not one.
_RUSSIAN_LOOKALIKES: Final = ("катетер", "компьютер", "принтер", "скутер", "санитар", "тендер", "лидер",
                              "доллар", "дилер", "литер", "радар", "гитар", "ветер", "свитер", "театр")
# A root's last consonant turns voiced before a vowel ending: таяқ → таяғы, жөргек → жөргегі, кітап → кітабы.
_DEVOICE: Final = {"ғ": "қ", "г": "к", "б": "п"}
_VOWELS: Final = frozenset("аәеиоөұүыіэюяу")


def looks_kazakh(word: str) -> bool:
    if any(ch in KAZAKH_LETTERS for ch in word):
        return True
    return bool(_KAZAKH_PLURAL_END.search(word)) and not word.startswith(_RUSSIAN_LOOKALIKES)


def kazakh_stem(word: str) -> str:
    """``word`` without its Kazakh inflectional endings: "жөргектер" → "жөргек", "балаларға" → "бала".

    Each group of endings (case, possessive, plural, then the adjective ending -лық) is removed
    at most once, and never below ``MIN_STEM`` letters; a root's voiced last consonant left bare
    by a vowel ending is devoiced again ("жөргегі" → "жөргек").
    """
    stem = word
    for group in _GROUPS:
        for ending in group:
            if stem.endswith(ending) and len(stem) - len(ending) >= MIN_STEM:
                stem = stem[: -len(ending)]
                if ending[0] in _VOWELS and stem[-1] in _DEVOICE:
                    stem = stem[:-1] + _DEVOICE[stem[-1]]
                break
    return stem


# -- every language ---------------------------------------------------------------------------
STOP_WORDS: Final = frozenset(
    {
        # Russian
        "для", "и", "с", "со", "на", "в", "во", "к", "ко", "по", "от", "до", "из", "у", "о", "об", "при", "без",
        "под", "над", "а", "или", "же", "мне", "нужен", "нужна", "нужно", "нужны", "купить",
        # Kazakh
        "арналған", "үшін", "және", "мен", "бен", "пен", "бар", "маған", "керек",
        # English
        "for", "a", "an", "the", "of", "with", "and", "or", "to", "in", "on", "at", "by", "my", "i", "need", "buy",
    }
)
_RUSSIAN: Final = snowballstemmer.stemmer("russian")
_ENGLISH: Final = snowballstemmer.stemmer("english")
_CYRILLIC: Final = re.compile(r"[\u0400-\u04ff]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one folded word (see the module's docstring)."""
    if any(ch.isdigit() for ch in word):
        return word
    if _CYRILLIC.search(word):
        if looks_kazakh(word):
            word = kazakh_stem(word)
        return str(_RUSSIAN.stemWord(word))
    return str(_ENGLISH.stemWord(word))


def search_words(text: str | None, *, keep_stop_words: bool = False) -> list[str]:
    """The stems of ``text``'s words, in order, without stop words (unless that leaves nothing)."""
    words = tokens(text or "")
    meaningful = words if keep_stop_words else [w for w in words if w not in STOP_WORDS]
    return [stem(w) for w in (meaningful or words)]


def normalised(text: str | None) -> str:
    """``search_words`` as one line: what the index stores and what it is asked."""
    return " ".join(search_words(text))


def has_code(words: list[str]) -> bool:
    """A query with a digit names an identifier (a classifier code, a model): words never drop from it."""
    return any(ch.isdigit() for word in words for ch in word)


__all__ = [
    "FOLD_FROM",
    "FOLD_TABLE",
    "FOLD_TO",
    "STOP_WORDS",
    "fold",
    "has_code",
    "kazakh_stem",
    "normalised",
    "search_words",
    "stem",
    "tokens",
]
