"""Index settings in code, the fingerprint that makes ensure_index apply them, and the
pure pieces of the query side (filter expression, validation, query parsing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from marketplace.catalog.models import ItemCategory
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from search import settings as cfg
from search.client import ensure_index, read_fingerprint, write_fingerprint
from search.fallback import FOLD_FROM, FOLD_TO, fold, query_clauses
from search.indexer import prepare_index
from search.wording import normalised
from search.contract import clean_page, ListingFilter, MAX_FIRST
from search.meili import meili_filter, quote
from tests.search.conftest import Catalog


# -- settings in code -------------------------------------------------------------------------
def test_synonyms_hold_both_ways_across_the_three_languages() -> None:
    syn = cfg.synonyms()
    for a, b in [
        ("wheelchair", "кресло-коляска"),
        ("wheelchair", "мүгедектер арбасы"),
        ("hearing aid", "есту аппараты"),
        ("памперсы", "жөргек"),
        ("diapers", "подгузники"),
        ("sign language interpreter", "сурдопереводчик"),
        ("таяқ", "cane"),
        ("orthosis", "ортез"),
        ("sanatorium", "санаторий"),
        ("prosthesis", "протез"),
    ]:
        # Meilisearch receives stems (search.wording), so the synonyms are kept as stems.
        assert normalised(b) in syn[normalised(a)] and normalised(a) in syn[normalised(b)], (a, b)
    assert all(term == term.lower() and term not in others for term, others in syn.items())


def test_a_change_to_the_document_words_comes_with_a_new_settings_version() -> None:
    from search.vocabulary import words_fingerprint

    assert cfg.DOCUMENT_WORDS.get(cfg.SETTINGS_VERSION) == words_fingerprint(), (
        "the everyday words or the stemming changed: bump SETTINGS_VERSION (a reindex) and record "
        f"DOCUMENT_WORDS[{cfg.SETTINGS_VERSION + 1}] = {words_fingerprint()!r}"
    )


def test_settings_payload_and_fingerprint() -> None:
    body = cfg.settings_payload()
    assert set(body["filterableAttributes"]) == {
        "classifier_code", "category", "kind", "region_ids", "unit_price", "provider_id",
        "provider_verified", "delivery_options", "in_stock", "rating", "status",
    }
    assert {"unit_price", "rating", "lead_time_days"} <= set(body["sortableAttributes"])
    assert set(cfg.FACETS) <= set(body["filterableAttributes"])
    assert body["typoTolerance"]["enabled"] is True
    assert body["typoTolerance"]["disableOnAttributes"] == ["classifier_code"]
    patterns = {p for item in body["localizedAttributes"] for p in item["attributePatterns"]}
    assert patterns == {"*_kk", "*_ru", "*_en"}
    for field in ("title", "description", "classifier_name"):
        for lang in ("kk", "ru", "en"):
            assert f"{field}_{lang}" in body["searchableAttributes"]
    assert {"classifier_code", "provider_name", "attributes_text"} <= set(body["searchableAttributes"])
    assert cfg.settings_fingerprint() == cfg.settings_fingerprint()
    assert cfg.settings_fingerprint().startswith(f"v{cfg.SETTINGS_VERSION}-")


async def test_ensure_index_applies_settings_before_documents_and_again_when_they_change(
    meili_client: Any, index_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await ensure_index(meili_client, index_name) == "created"
    live = await meili_client.index(index_name).get_settings()
    assert set(live.filterable_attributes or []) == set(cfg.FILTERABLE_ATTRIBUTES)
    assert live.searchable_attributes == cfg.SEARCHABLE_ATTRIBUTES
    assert live.typo_tolerance is not None and live.typo_tolerance.disable_on_attributes == ["classifier_code"]
    assert live.synonyms is not None and normalised("кресло-коляска") in live.synonyms["wheelchair"]
    assert await read_fingerprint(meili_client, index_name) == cfg.settings_fingerprint()
    assert (await meili_client.index(index_name).get_stats()).number_of_documents == 0

    assert await ensure_index(meili_client, index_name) == "unchanged"

    monkeypatch.setattr(cfg, "SYNONYM_GROUPS", [*cfg.SYNONYM_GROUPS, ["тестсөз", "testword"]])
    assert await ensure_index(meili_client, index_name) == "updated"
    live = await meili_client.index(index_name).get_settings()
    assert live.synonyms is not None and live.synonyms["testword"] == [normalised("тестсөз")]
    assert await ensure_index(meili_client, index_name) == "unchanged"


async def test_prepare_index_builds_when_missing_or_when_the_version_changed(
    db: Database, catalog: Catalog, meili_client: Any, index_name: str
) -> None:
    assert await prepare_index(db, meili_client, index_name) == "reindexed"
    assert await prepare_index(db, meili_client, index_name) == "unchanged"
    await write_fingerprint(meili_client, index_name, "v0-0000")
    assert await prepare_index(db, meili_client, index_name) == "reindexed"
    assert (await meili_client.index(index_name).get_stats()).number_of_documents == 9


# -- the filter expression ------------------------------------------------------------------
def test_quote_escapes_quotes_and_backslashes() -> None:
    assert quote("plain") == '"plain"'
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\") == '"a\\\\"'
    assert quote('\\" OR 1 = 1') == '"\\\\\\" OR 1 = 1"'


def test_meili_filter_is_built_from_typed_values() -> None:
    flt = ListingFilter(
        classifier_codes=['X" OR status = "DRAFT'],
        categories=["MOBILITY", ItemCategory.HEARING],
        kind="SERVICE",
        region_ids=[3, 1, 3],
        price_min="100",
        price_max=Decimal("2500.5"),
        provider_verified=False,
        delivery_options=["PICKUP"],
        in_stock=True,
        min_rating=4,
        provider_id=7,
    )
    assert meili_filter(flt) == [
        'status = "PUBLISHED"',
        'classifier_code IN ["X\\" OR status = \\"DRAFT"]',
        'category IN ["MOBILITY", "HEARING"]',
        'kind = "SERVICE"',
        "region_ids IN [3, 1]",
        "unit_price >= 100.00",
        "unit_price <= 2500.50",
        "provider_verified = false",
        'delivery_options IN ["PICKUP"]',
        "in_stock = true",
        "rating >= 4.00",
        "provider_id = 7",
    ]
    assert meili_filter(ListingFilter()) == ['status = "PUBLISHED"']


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"categories": ["MOBILITY", "NOPE"]}, "categories", ErrorCode.INVALID),
        ({"kind": "BOTH"}, "kind", ErrorCode.INVALID),
        ({"delivery_options": ["TELEPORT"]}, "delivery_options", ErrorCode.INVALID),
        ({"region_ids": [0]}, "region_ids", ErrorCode.INVALID),
        ({"region_ids": ["1 OR 1"]}, "region_ids", ErrorCode.INVALID),
        ({"price_min": "-1"}, "price_min", ErrorCode.OUT_OF_RANGE),
        ({"price_max": "NaN"}, "price_max", ErrorCode.OUT_OF_RANGE),
        ({"price_min": "abc"}, "price_min", ErrorCode.INVALID),
        ({"price_min": 10, "price_max": 5}, "price_min", ErrorCode.OUT_OF_RANGE),
        ({"min_rating": 6}, "min_rating", ErrorCode.OUT_OF_RANGE),
        ({"classifier_codes": ["x" * 33]}, "classifier_codes", ErrorCode.TOO_LONG),
        ({"classifier_codes": ["a\nb"]}, "classifier_codes", ErrorCode.INVALID),
        ({"classifier_codes": [f"C{i}" for i in range(101)]}, "classifier_codes", ErrorCode.OUT_OF_RANGE),
        ({"provider_verified": "yes"}, "provider_verified", ErrorCode.INVALID),
        ({"provider_id": True}, "provider_id", ErrorCode.INVALID),
    ],
)
def test_bad_filter_values_are_typed_errors(kwargs: dict[str, Any], field: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as err:
        ListingFilter(**kwargs)
    assert (err.value.field, err.value.code) == (field, code)


def test_paging_is_capped_and_checked() -> None:
    assert clean_page("  кресло   коляска ", 1000, 0).first == MAX_FIRST
    assert clean_page(None, 5, 10).query == ""
    for args, field in [(("x", -1, 0), "first"), (("x", 5, -1), "after"), (("x" * 201, 5, 0), "query")]:
        with pytest.raises(DomainError) as err:
            clean_page(*args)
        assert err.value.field == field


def test_default_region_only_when_none_asked_for() -> None:
    assert ListingFilter().with_default_region(4).region_ids == (4,)
    assert ListingFilter(region_ids=[2]).with_default_region(4).region_ids == (2,)
    assert ListingFilter().with_default_region(None).region_ids == ()


# -- the fallback's text handling ------------------------------------------------------------
def test_fold_handles_kazakh_and_russian_capitals() -> None:
    assert fold("ӘҒҚҢӨҰҮҺІ ЖӨРГЕК Ёлка WHEELCHAIR Кресло-Коляска") == "әғқңөұүһі жөргек елка wheelchair кресло коляска"
    assert len(FOLD_FROM) == len(FOLD_TO)


def test_query_clauses_group_synonym_phrases() -> None:
    clauses = query_clauses("Слуховой аппарат заушный, WHEELCHAIR")
    assert clauses[0] == tuple(dict.fromkeys(["слуховой аппарат", "есту аппараты", "есту аппарат", "hearing aid"]))
    assert clauses[1] == ("заушный",)
    assert "кресло коляска" in clauses[2] and "мүгедектер арбасы" in clauses[2]
    assert query_clauses("") == []
    assert len(query_clauses(" ".join(f"w{i}" for i in range(40)))) == 16


def test_unknown_sort_is_a_typed_error() -> None:
    from search.contract import clean_sort, ListingSort

    assert clean_sort("PRICE_ASC") is ListingSort.PRICE_ASC
    assert clean_sort(None) is None
    with pytest.raises(DomainError) as err:
        clean_sort("price; DROP")
    assert err.value.field == "sort"
