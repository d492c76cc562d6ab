"""The demo reference data is complete, consistent and fits the catalogue model."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from marketplace.catalog.models import ItemCategory, ItemKind, Unit
from marketplace.demo import data
from marketplace.demo.listing_texts import listing_texts
from marketplace.demo.organisations import ACCESSIBILITY_FEATURES, PROVIDER_KINDS, provider_profiles, transliterate
from marketplace.demo.people import people, person_name

KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)


# -- regions ---------------------------------------------------------------------------------


def test_twenty_regions_with_unique_codes() -> None:
    codes = [r.code for r in data.REGIONS]
    assert len(codes) == 20
    assert len(set(codes)) == 20
    assert {"ASTANA", "ALMATY_CITY", "SHYMKENT"} <= set(codes)
    assert sum(r.is_city for r in data.REGIONS) == 3
    assert {"ABAI", "JETISU", "ULYTAU"} <= set(codes)  # the oblasts created in 2022
    for r in data.REGIONS:
        assert re.fullmatch(r"[A-Z_]{2,32}", r.code)
        assert r.name_kk and r.name_ru and r.name_en
        assert r.name_kk.endswith("облысы") != r.is_city
        assert "облас" in r.name_ru or r.is_city


def test_region_names_are_spelled_right() -> None:
    by_code = data.REGIONS_BY_CODE
    assert (by_code["ASTANA"].name_kk, by_code["ASTANA"].name_ru) == ("Астана", "Астана")
    assert by_code["ABAI"].name_kk == "Абай облысы"
    assert by_code["AKTOBE"].name_ru == "Актюбинская область"
    assert by_code["EAST_KAZAKHSTAN"].name_kk == "Шығыс Қазақстан облысы"
    assert by_code["KARAGANDA"].name_kk == "Қарағанды облысы"


def test_region_shares_sum_to_one() -> None:
    shares = [r.share for r in data.REGIONS]
    assert all(isinstance(s, Decimal) and s > 0 for s in shares)
    assert sum(shares) == Decimal(1)
    total = sum(r.persons_with_disabilities for r in data.REGIONS)
    assert abs(total - data.TOTAL_PERSONS_WITH_DISABILITIES) < 20
    # roughly proportional to population: Almaty and Turkistan are the biggest, Ulytau the smallest
    ranked = sorted(data.REGIONS, key=lambda r: r.share)
    assert ranked[0].code == "ULYTAU"
    assert {ranked[-1].code, ranked[-2].code} == {"ALMATY_CITY", "TURKISTAN"}


# -- classifier ------------------------------------------------------------------------------


def test_classifier_size_and_unique_codes() -> None:
    codes = [c.code for c in data.CLASSIFIER]
    assert len(codes) >= 45
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"TSR-\d{2}-\d{3}", c) for c in codes)
    assert all(len(c) <= 32 for c in codes)
    assert set(data.CLASSIFIER_BY_CODE) == set(codes)


def test_classifier_fits_the_catalogue_enums() -> None:
    assert set(data.CATEGORIES) == {c.value for c in ItemCategory}
    assert set(data.UNITS) == {u.value for u in Unit}
    assert set(data.KINDS) == {k.value for k in ItemKind}
    for c in data.CLASSIFIER:
        assert ItemCategory(c.category).value == c.category
        assert Unit(c.unit).value == c.unit
        assert ItemKind(c.kind).value == c.kind


def test_names_in_three_languages() -> None:
    for c in data.CLASSIFIER:
        for name in (c.name_kk, c.name_ru, c.name_en):
            assert name.strip() == name and 3 <= len(name) <= 300
        assert re.search("[а-яё]", c.name_ru, re.IGNORECASE), c.code
        assert re.fullmatch(r"[A-Za-z0-9 ,()×\-'/]+", c.name_en), c.code
    assert sum(bool(KAZAKH_LETTERS.search(c.name_kk)) for c in data.CLASSIFIER) > len(data.CLASSIFIER) // 2
    assert len({c.name_ru for c in data.CLASSIFIER}) == len(data.CLASSIFIER)


def test_caps_are_positive_decimals_or_none_for_custom_items() -> None:
    custom = [c for c in data.CLASSIFIER if c.price_cap is None]
    assert custom, "a custom item (the bionic hand) has no cap"
    for c in data.CLASSIFIER:
        if c.price_cap is None:
            assert c.is_custom and c.kind == "PRODUCT"
            assert c.category == "PROSTHETICS"
            assert "quote" in c.note_en
        else:
            assert isinstance(c.price_cap, Decimal)
            assert c.price_cap > 0
            assert c.price_cap == c.price_cap.quantize(Decimal("0.01"))
            assert not c.is_custom


def test_service_life_and_kinds() -> None:
    for c in data.CLASSIFIER:
        if c.kind == "SERVICE":
            assert c.unit in {"HOUR", "DAY", "COURSE", "TRIP"}
            assert c.service_life_months is None
        else:
            assert c.unit in {"PIECE", "PAIR"}
        assert c.service_life_months is None or c.service_life_months > 0


def _only(predicate: str) -> list[data.ClassifierEntry]:
    return [c for c in data.CLASSIFIER if predicate in c.name_en.lower()]


def test_caps_are_plausible() -> None:
    by = data.CLASSIFIER_BY_CODE
    manual = [c for c in _only("wheelchair") if "electric" not in c.name_en.lower()]
    assert all(Decimal(180_000) <= c.price_cap <= Decimal(350_000) for c in manual if c.price_cap)
    electric = _only("electric wheelchair")
    assert electric and all(Decimal(900_000) <= c.price_cap <= Decimal(1_600_000) for c in electric if c.price_cap)
    digital = [c for c in _only("hearing aid") if "battery" not in c.name_en.lower()]
    assert all(Decimal(150_000) <= c.price_cap <= Decimal(300_000) for c in digital if c.price_cap)
    assert Decimal(160) <= by["TSR-06-001"].price_cap <= Decimal(250)  # type: ignore[operator]
    sign = [c for c in data.CLASSIFIER if c.category == "SIGN_LANGUAGE"]
    assert all(Decimal(2_500) <= c.price_cap <= Decimal(4_500) for c in sign if c.price_cap)
    assistant = [c for c in data.CLASSIFIER if c.category == "PERSONAL_ASSISTANT"]
    assert all(Decimal(1_500) <= c.price_cap <= Decimal(2_500) for c in assistant if c.price_cap)
    sanatorium = by["TSR-10-001"]
    assert Decimal(250_000) <= sanatorium.price_cap <= Decimal(400_000)  # type: ignore[operator]


def test_required_items_are_covered() -> None:
    names = " | ".join(c.name_en.lower() for c in data.CLASSIFIER)
    for needle in [
        "wheelchair, indoor",
        "wheelchair, outdoor",
        "active wheelchair",
        "electric wheelchair",
        "cerebral palsy",
        "walking frame",
        "crutches",
        "cane",
        "rollator",
        "transtibial",
        "transfemoral",
        "bionic",
        "breast",
        "orthopaedic shoes",
        "orthosis",
        "hernia",
        "behind-the-ear",
        "in-the-ear",
        "for children",
        "battery",
        "ear mould",
        "white cane",
        "talking wristwatch",
        "talking thermometer",
        "braille display",
        "braille slate",
        "tactile wristwatch",
        "talking-book",
        "diapers",
        "urine bag",
        "colostomy",
        "absorbent bed sheets",
        "anti-decubitus mattress",
        "anti-decubitus cushion",
        "commode",
        "bath",
        "sign-language",
        "personal assistant",
        "sanatorium treatment (14 days)",
        "with a companion",
        "invataxi",
        "social services at home",
    ]:
        assert needle in names, needle
    assert {c.category for c in data.CLASSIFIER} == set(data.CATEGORIES)


def test_quotas() -> None:
    by = data.CLASSIFIER_BY_CODE
    diapers = by["TSR-06-001"]
    assert diapers.unit == "PIECE"
    assert diapers.quota == {"per_day": 4, "per_year": 1460, "per_quarter_release": 365}
    sign = next(c for c in data.CLASSIFIER if c.category == "SIGN_LANGUAGE")
    assert sign.unit == "HOUR" and sign.yearly_hours == 60 and sign.quota == {"per_year": 60}
    assistant = next(c for c in data.CLASSIFIER if c.category == "PERSONAL_ASSISTANT")
    assert assistant.unit == "HOUR" and assistant.quota == {"per_day": 8}
    for c in data.CLASSIFIER:
        q = c.quota or {}
        json.dumps(q)  # stored in a JSON column
        assert all(isinstance(v, int) and v > 0 for v in q.values())
        if "per_quarter_release" in q:
            assert 4 * q["per_quarter_release"] >= q["per_year"]
        if "per_day" in q and "per_year" in q:
            assert q["per_day"] * 366 >= q["per_year"]
    # Quotas are copies: changing one item's quota cannot change another's.
    assert by["TSR-06-001"].quota is not by["TSR-06-002"].quota


# -- causes and nosologies --------------------------------------------------------------------


def test_causes() -> None:
    assert len(set(data.DISABILITY_CAUSES)) == len(data.DISABILITY_CAUSES)
    assert {"GENERAL_DISEASE", "CHILDHOOD", "WORK_INJURY", "SEMIPALATINSK_TEST_SITE"} <= set(data.DISABILITY_CAUSES)
    assert set(data.DISABILITY_CAUSE_NAMES) == set(data.DISABILITY_CAUSES) == set(data.DISABILITY_CAUSE_WEIGHTS)
    assert all(len(c) <= 64 for c in data.DISABILITY_CAUSES)
    rng = random.Random(3)
    drawn = [data.choose_cause(rng) for _ in range(2000)]
    assert drawn.count("GENERAL_DISEASE") > 1200
    assert data.choose_cause(rng, child=True) == "CHILDHOOD"


def test_nosologies_have_existing_categories() -> None:
    codes = [n.code for n in data.NOSOLOGIES]
    assert len(codes) >= 30
    assert len(set(codes)) == len(codes)
    for n in data.NOSOLOGIES:
        assert re.fullmatch(r"[A-Z]\d{2}(\.\d{1,2})?", n.code), n.code
        assert len(n.code) <= 8
        assert n.name_ru and n.name_en
        assert n.categories and set(n.categories) <= set(data.CATEGORIES), n.code
        # an IRP for it can hold something with a cap
        assert any(c.category in n.categories and c.price_cap is not None for c in data.CLASSIFIER), n.code
    for must in ["G80", "H90", "H54", "Q90", "G35", "I69", "E10", "M05", "F70", "F71", "F72", "G12"]:
        assert must in codes, must
    assert any(c.startswith(("S78", "Z89")) for c in codes)


# -- people ------------------------------------------------------------------------------------


def test_person_names() -> None:
    rng = random.Random(11)
    for _ in range(500):
        sex = rng.choice(("M", "F"))
        first, last, middle = person_name(sex, rng)
        assert first and last
        if middle is not None:
            assert middle.endswith(("ұлы", "ович", "евич", "ич")) == (sex == "M"), middle
            assert middle.endswith(("қызы", "овна", "евна", "на")) == (sex == "F"), middle
        if sex == "F" and last.endswith(("ов", "ев", "ин")):
            pytest.fail(f"male surname for a woman: {last}")
    with pytest.raises(ValueError):
        person_name("X", rng)


def test_enough_distinct_people() -> None:
    crowd = people(250, random.Random(5))
    assert len(crowd) == len(set(crowd)) == 250
    assert {p[0] for p in crowd} == {"M", "F"}
    assert len(people(3000, random.Random(6))) == 3000


# -- providers and listings ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 50, 200])
def test_provider_profiles(count: int) -> None:
    profiles = list(provider_profiles(count, random.Random(2026)))
    assert len(profiles) == count
    names = [p["name"] for p in profiles]
    assert len(set(names)) == count
    for p in profiles:
        assert 3 <= len(p["name"]) <= 300
        assert p["region_code"] in data.REGIONS_BY_CODE
        assert re.fullmatch(r"\+7 \d{3,5} \d{5,7}", p["phone"]) and len(p["phone"].replace(" ", "")) == 12
        assert re.fullmatch(r"info@[a-z0-9-]+\.kz", p["email"]), p["email"]
        assert p["website"] is None or p["website"].startswith("https://")
        assert set(p["accessibility"]) <= set(ACCESSIBILITY_FEATURES)
        assert set(p["categories"]) <= set(data.CATEGORIES)
        json.dumps(p)
    kinds = {p["kind"] for p in profiles}
    if count >= 50:
        assert kinds == set(PROVIDER_KINDS)
        assert any(n.startswith("Санаторий") for n in names)
        assert 'Санаторий "Сарыагаш"' in names and 'ТОО "Мейірім Медтехника"' in names


def test_provider_profiles_are_deterministic() -> None:
    a = list(provider_profiles(60, random.Random(1)))
    b = list(provider_profiles(60, random.Random(1)))
    assert a == b


def test_listing_texts_for_every_item() -> None:
    rng = random.Random(9)
    providers = [p["name"] for p in provider_profiles(12, random.Random(1))]
    for item in data.CLASSIFIER:
        for provider in providers[:4]:
            texts = listing_texts(item, provider, rng)
            for lang in ("kk", "ru", "en"):
                assert 5 <= len(texts[f"title_{lang}"]) <= 200
                assert len(texts[f"description_{lang}"]) > len(texts[f"title_{lang}"]) // 2
                assert provider in texts[f"description_{lang}"]
            assert isinstance(texts["attributes"], dict) and texts["attributes"], item.code
            json.dumps(texts["attributes"])


def test_listing_texts_vary_brand_by_provider_but_keep_it_per_provider() -> None:
    item = data.CLASSIFIER_BY_CODE["TSR-04-001"]
    rng = random.Random(4)
    providers = [p["name"] for p in provider_profiles(40, random.Random(1))]
    brands = {p: listing_texts(item, p, rng)["attributes"]["brand"] for p in providers}
    assert len(set(brands.values())) >= 3
    for p in providers[:5]:
        assert listing_texts(item, p, rng)["attributes"]["brand"] == brands[p]


def test_listing_texts_accepts_orm_like_items() -> None:
    # The seeder passes ClassifierItem rows: enum category, no template.
    row = SimpleNamespace(
        code="TSR-01-004",
        category=ItemCategory.MOBILITY,
        name_kk="Кресло-арба",
        name_ru="Кресло-коляска с электроприводом",
        name_en="Electric wheelchair",
    )
    texts = listing_texts(row, 'ТОО "Ortho Qazaqstan"', random.Random(1))
    assert "range_km" in texts["attributes"]
    unknown = SimpleNamespace(code="X-1", category=ItemCategory.HEARING, name_kk="a", name_ru="б", name_en="c")
    assert "channels" in listing_texts(unknown, "P", random.Random(1))["attributes"]
    as_dict = {"code": "TSR-08-001", "category": "SIGN_LANGUAGE", "name_kk": "x", "name_ru": "y", "name_en": "z"}
    assert listing_texts(as_dict, "P", random.Random(1))["attributes"]["languages"] == ["kk", "ru"]


def test_transliterate() -> None:
    assert transliterate("Мейірім Медтехника") == "meiirim medtekhnika"
    assert transliterate("Қамқор") == "qamqor"
