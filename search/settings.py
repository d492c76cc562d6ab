"""The Meilisearch index of published listings: its settings, in code, versioned.

``index_settings()`` is the whole configuration of the listings index.  Its
fingerprint (``settings_fingerprint()``: ``SETTINGS_VERSION`` plus a hash of
the settings) is stored beside the index (see ``search.client.ensure_index``),
so a changed synonym list or a new filterable attribute is applied on the next
``ensure_index``, before any document is added.

Bump ``SETTINGS_VERSION`` when the *shape of the documents* changes
(``search.documents``): a version change asks for a full ``reindex``, a
settings-only change (same version, different hash) is applied in place.
"""

from __future__ import annotations

import hashlib
import json
from typing import Final

from meilisearch_python_sdk.models.settings import Faceting, LocalizedAttributes, MeilisearchSettings
from meilisearch_python_sdk.models.settings import MinWordSizeForTypos, Pagination, ProximityPrecision, TypoTolerance

from search.wording import normalised

# 2: documents carry ``search_title`` and ``search_text`` (stems, search.wording), queries are
#    stemmed the same way, synonyms are kept as stems.
SETTINGS_VERSION: Final = 2
# search.vocabulary.words_fingerprint() of the documents this version builds: a changed
# everyday word or stemming rule changes every document's search_title, which only a reindex
# applies, so tests/search/test_settings.py fails until SETTINGS_VERSION is bumped with it.
DOCUMENT_WORDS: Final = {2: "991394c1f630f0d4"}

PRIMARY_KEY: Final = "id"

# Searchable attributes, most important first (Meilisearch ranks a match in an
# earlier attribute higher). Queries reach Meilisearch as stems (search.wording), which
# ``search_title`` and ``search_text`` hold; the fields as written still match a stem
# that is a prefix of their words, and keep the typo tolerance on what was written.
SEARCHABLE_ATTRIBUTES: Final = [
    "search_title",
    "title_ru",
    "title_kk",
    "title_en",
    "classifier_name_ru",
    "classifier_name_kk",
    "classifier_name_en",
    "classifier_code",
    "provider_name",
    "search_text",
    "description_ru",
    "description_kk",
    "description_en",
    "attributes_text",
]

FILTERABLE_ATTRIBUTES: Final = [
    "classifier_code",
    "category",
    "kind",
    "region_ids",
    "unit_price",
    "provider_id",
    "provider_verified",
    "delivery_options",
    "in_stock",
    "rating",
    "status",
]

# ``id`` is sortable so that every sorted result has a deterministic tie-break
# (the database fallback orders the same way), which keeps offset paging stable.
SORTABLE_ATTRIBUTES: Final = ["unit_price", "rating", "lead_time_days", "id"]

# The facets ``searchListings`` returns.
FACETS: Final = [
    "classifier_code",
    "category",
    "kind",
    "region_ids",
    "delivery_options",
    "provider_verified",
    "in_stock",
]

# Codes are identifiers: "09-01-02" must not match "09-01-03".
TYPO_DISABLED_ATTRIBUTES: Final = ["classifier_code"]

# Meilisearch takes the locales its tokenizer knows (whatlang's list). Kazakh
# ("kaz") is not among them in Meilisearch 1.21 (the server rejects it with
# invalid_settings_localized_attributes), so the Kazakh fields are declared as
# Russian: both are Cyrillic, segmented on whitespace with the same
# normalisers, and a fixed locale is better than per-document language
# detection, which guesses wrong on short Kazakh titles. Change this constant
# (and bump SETTINGS_VERSION) when a server that accepts "kaz" is required.
KAZAKH_LOCALE: Final = "rus"
LOCALIZED_ATTRIBUTES: Final = [
    ("*_kk", KAZAKH_LOCALE),
    ("*_ru", "rus"),
    ("*_en", "eng"),
]

# A result window deeper than this is not counted or paged by Meilisearch
# (``pagination.maxTotalHits``); ``searchListings`` pages stop there.
MAX_TOTAL_HITS: Final = 10_000
MAX_VALUES_PER_FACET: Final = 500

# Groups of words and phrases that mean the same aid or service, in Kazakh,
# Russian and English. Every member of a group is a synonym of every other
# member (Meilisearch synonyms are one-way, so they are expanded both ways).
# Lower case; Meilisearch and the database fallback fold case themselves.
SYNONYM_GROUPS: Final[list[list[str]]] = [
    ["кресло-коляска", "кресло коляска", "коляска", "инвалидная коляска", "мүгедектер арбасы",
     "wheelchair"],
    ["слуховой аппарат", "есту аппараты", "есту аппарат", "hearing aid"],
    ["протез", "протездер", "prosthesis", "prosthetic"],
    ["трость", "таяқ", "cane", "walking stick"],
    ["костыль", "костыли", "балдақ", "crutch", "crutches"],
    ["ходунки", "жүргізгіш", "walker", "rollator"],
    ["подгузники", "памперсы", "подгузник", "жөргек", "жаялық", "diapers", "diaper",
     "absorbent underwear", "абсорбирующее белье"],
    ["урологические прокладки", "урологиялық төсеме", "incontinence pads"],
    ["сурдопереводчик", "сурдоперевод", "ымдау тілі", "ымдау тілінің маманы",
     "sign language interpreter", "sign language"],
    ["тифлотехника", "тифлотехникалық құралдар", "typhlotechnical aids", "aids for the blind"],
    ["белая трость", "ақ таяқ", "white cane"],
    ["санаторий", "шипажай", "sanatorium", "санаторно-курортное лечение", "spa treatment"],
    ["ортез", "ортездер", "orthosis", "orthotic", "brace"],
    ["ортопедическая обувь", "ортопедиялық аяқ киім", "orthopedic shoes", "orthopaedic footwear"],
    ["бандаж", "bandage", "support belt"],
    ["индивидуальный помощник", "персональный ассистент", "жеке көмекші", "personal assistant"],
    ["социальный работник", "әлеуметтік қызметкер", "social worker", "caregiver"],
    ["инватакси", "invataxi", "accessible taxi", "әлеуметтік такси", "социальное такси"],
    ["противопролежневый матрац", "противопролежневый матрас", "ойылуға қарсы матрас",
     "anti-decubitus mattress", "pressure relief mattress"],
    ["кресло-стул с санитарным оснащением", "санитарлық жабдығы бар орындық", "commode chair"],
    ["слуховой", "есту", "hearing"],
    ["зрение", "көру", "vision"],
]

TEXT_FIELDS: Final = ["title", "description"]
LANGUAGES: Final = ["kk", "ru", "en"]


def synonyms() -> dict[str, list[str]]:
    """The groups above as Meilisearch's one-way map: each term to all the others.

    Terms are kept as stems (``search.wording.normalised``), since that is what the query
    Meilisearch receives is made of: "кресло-коляска" is "кресл коляск".
    """
    result: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        terms = list(dict.fromkeys(normalised(t) for t in group if normalised(t)))
        for term in terms:
            others = [t for t in terms if t != term]
            merged = result.setdefault(term, [])
            merged.extend(t for t in others if t not in merged)
    return {k: v for k, v in sorted(result.items()) if v}


def index_settings() -> MeilisearchSettings:
    return MeilisearchSettings(
        searchable_attributes=list(SEARCHABLE_ATTRIBUTES),
        filterable_attributes=list(FILTERABLE_ATTRIBUTES),
        sortable_attributes=list(SORTABLE_ATTRIBUTES),
        # "sort" first: a buyer who sorts by price gets strict price order among
        # the hits (every query word must match anyway, see matching_strategy
        # in search.meili); with no sort asked for, the rule does nothing and
        # relevance decides. The database fallback orders the same way.
        ranking_rules=["sort", "words", "typo", "proximity", "attribute", "exactness"],
        typo_tolerance=TypoTolerance(
            enabled=True,
            disable_on_attributes=list(TYPO_DISABLED_ATTRIBUTES),
            min_word_size_for_typos=MinWordSizeForTypos(one_typo=5, two_typos=9),
        ),
        localized_attributes=[
            LocalizedAttributes(locales=[locale], attribute_patterns=[pattern])
            for pattern, locale in LOCALIZED_ATTRIBUTES
        ],
        synonyms=synonyms(),
        faceting=Faceting(max_values_per_facet=MAX_VALUES_PER_FACET, sort_facet_values_by={"*": "count"}),
        pagination=Pagination(max_total_hits=MAX_TOTAL_HITS),
        # Indexing time: no facet search endpoint is used, and proximity counted within an
        # attribute rather than word by word halves Meilisearch's indexing work (5,000 listings:
        # 4.5 s -> 2.3 s of waiting for its tasks) with the same recall and MRR on the relevance
        # set (tests/search/test_relevance.py: 0.994 / 0.978 either way).
        facet_search=False,
        proximity_precision=ProximityPrecision.BY_ATTRIBUTE,
    )


def settings_payload() -> dict[str, object]:
    """The settings as the JSON body Meilisearch receives."""
    return index_settings().model_dump(by_alias=True, exclude_none=True)


def settings_hash() -> str:
    body = json.dumps(settings_payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{SETTINGS_VERSION}:{body}".encode()).hexdigest()[:16]


def settings_fingerprint() -> str:
    """``v<version>-<hash>``: what ``ensure_index`` compares with the stored one."""
    return f"v{SETTINGS_VERSION}-{settings_hash()}"
