"""Demo provider organisations: names of the kind found on the portal, contacts, addresses and
accessibility features, by kind and home region."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Any, Final

from marketplace.demo.data import REGIONS, REGIONS_BY_CODE, Category


#: code -> (kk, ru, en); the values stored in ``Provider.accessibility``.
ACCESSIBILITY_FEATURES: Final[Mapping[str, tuple[str, str, str]]] = {
    "STEP_FREE_ENTRANCE": ("Баспалдақсыз кіреберіс", "Вход без ступеней", "Step-free entrance"),
    "RAMP": ("Пандус", "Пандус", "Ramp"),
    "ACCESSIBLE_TOILET": ("Бейімделген дәретхана", "Адаптированный туалет", "Accessible toilet"),
    "SIGN_LANGUAGE_STAFF": ("Ымдау тілін білетін қызметкер", "Сотрудник со знанием жестового языка",
                            "Sign-language staff"),
    "TACTILE_PAVING": ("Тактильді жабын", "Тактильная плитка", "Tactile paving"),
    "BRAILLE_SIGNAGE": ("Брайль жазуындағы белгілер", "Таблички шрифтом Брайля", "Braille signage"),
    "ACCESSIBLE_PARKING": ("Мүгедектерге арналған тұрақ", "Парковка для людей с инвалидностью",
                           "Accessible parking"),
    "ELEVATOR": ("Лифт", "Лифт", "Elevator"),
    "HEARING_LOOP": ("Индукциялық ілмек", "Индукционная петля", "Hearing loop"),
    "HOME_VISITS": ("Үйге бару", "Выезд на дом", "Home visits"),
}

#: Provider kind -> classifier categories such a provider typically offers.
PROVIDER_KINDS: Final[Mapping[str, tuple[Category, ...]]] = {
    "TSR": ("MOBILITY", "SELF_CARE", "HYGIENE", "ORTHOTICS"),
    "ORTHO": ("PROSTHETICS", "ORTHOTICS", "MOBILITY"),
    "HEARING": ("HEARING",),
    "VISION": ("VISION",),
    "HYGIENE": ("HYGIENE", "SELF_CARE"),
    "SIGN_LANGUAGE": ("SIGN_LANGUAGE",),
    "PERSONAL_ASSISTANT": ("PERSONAL_ASSISTANT",),
    "SANATORIUM": ("SANATORIUM",),
    "TRANSPORT": ("TRANSPORT",),
    "SOCIAL_SERVICES": ("SOCIAL_SERVICES", "PERSONAL_ASSISTANT"),
}

# (name, kind, home region). Fictional organisations with names of the kind found on the
# portal; the sanatoria carry the names of well-known Kazakh resorts.
_PROVIDERS: Final[tuple[tuple[str, str, str], ...]] = (
    ('ТОО "Мейірім Медтехника"', "TSR", "ASTANA"),
    ('ТОО "Qamqor Technics"', "TSR", "SHYMKENT"),
    ('ТОО "Densaulyq Med Service"', "TSR", "KARAGANDA"),
    ('ТОО "Медтехника-Павлодар"', "TSR", "PAVLODAR"),
    ('ТОО "Шапағат Реабилитация"', "TSR", "TURKISTAN"),
    ('ТОО "Ақ Жол Медикал"', "TSR", "AKTOBE"),
    ('ТОО "Steppe Mobility"', "TSR", "ASTANA"),
    ('ТОО "Реамед Казахстан"', "TSR", "ALMATY_CITY"),
    ('ТОО "Жігер Мед"', "TSR", "JAMBYL"),
    ('ТОО "Сенім Медтехника"', "TSR", "KOSTANAY"),
    ('ТОО "Береке Медикал"', "TSR", "EAST_KAZAKHSTAN"),
    ('ИП "Сапар Медтехника"', "TSR", "KYZYLORDA"),
    ('ТОО "Каспий Реабилитация"', "TSR", "MANGYSTAU"),
    ('ТОО "Атырау Медтехника"', "TSR", "ATYRAU"),
    ('ТОО "Жайық Медтехника"', "TSR", "WEST_KAZAKHSTAN"),
    ('ТОО "Көкше Медикал"', "TSR", "AKMOLA"),
    ('ТОО "Есіл Медтехника"', "TSR", "NORTH_KAZAKHSTAN"),
    ('ТОО "Семей Реацентр"', "TSR", "ABAI"),
    ('ТОО "Жетісу Медтехника"', "TSR", "JETISU"),
    ('ТОО "Ұлытау Медсервис"', "TSR", "ULYTAU"),
    ('ТОО "Қонаев Медтехника"', "TSR", "ALMATY_REGION"),
    ('ТОО "Ortho Qazaqstan"', "ORTHO", "ALMATY_CITY"),
    ('ТОО "Протезно-ортопедический центр Қадам"', "ORTHO", "ASTANA"),
    ('ТОО "Ортомастер"', "ORTHO", "ALMATY_CITY"),
    ('ТОО "Bionic Qazaqstan"', "ORTHO", "ASTANA"),
    ('ТОО "Ортопедия Плюс"', "ORTHO", "KARAGANDA"),
    ('ТОО "Demeu Ortho"', "ORTHO", "SHYMKENT"),
    ('ИП "Ортосалон Нұр"', "ORTHO", "AKTOBE"),
    ('ТОО "Hear Qazaqstan"', "HEARING", "ALMATY_CITY"),
    ('ТОО "Сурдоцентр Тыңда"', "HEARING", "ASTANA"),
    ('ТОО "Слух-Мед Сервис"', "HEARING", "PAVLODAR"),
    ('ИП "Аудиолог Плюс"', "HEARING", "SHYMKENT"),
    ('ТОО "Тифлосервис Көмек"', "VISION", "ASTANA"),
    ('ТОО "Ақ таяқ"', "VISION", "ALMATY_CITY"),
    ('ТОО "Sezim Tech"', "VISION", "KARAGANDA"),
    ('ТОО "Таза Күтім"', "HYGIENE", "ALMATY_CITY"),
    ('ТОО "Гигиена-Мед"', "HYGIENE", "ASTANA"),
    ('ТОО "Фармация Жетісу"', "HYGIENE", "JETISU"),
    ('ТОО "Саулық Дәріхана"', "HYGIENE", "TURKISTAN"),
    ('ИП "Дана Сурдо"', "SIGN_LANGUAGE", "ASTANA"),
    ('ИП "Сурдоперевод Ақбота"', "SIGN_LANGUAGE", "SHYMKENT"),
    ('ОО "Ымдау Әлемі"', "SIGN_LANGUAGE", "KARAGANDA"),
    ('ИП "Жестовый язык Алматы"', "SIGN_LANGUAGE", "ALMATY_CITY"),
    ('ИП "Қамқор Көмекші"', "PERSONAL_ASSISTANT", "ASTANA"),
    ('ТОО "Жанашыр Сервис"', "PERSONAL_ASSISTANT", "ALMATY_CITY"),
    ('ИП "Көмек Қолы"', "PERSONAL_ASSISTANT", "SHYMKENT"),
    ('ТОО "Мейірімді Жан"', "PERSONAL_ASSISTANT", "PAVLODAR"),
    ('Санаторий "Сарыагаш"', "SANATORIUM", "TURKISTAN"),
    ('Санаторий "Алатау"', "SANATORIUM", "ALMATY_CITY"),
    ('Санаторий "Окжетпес"', "SANATORIUM", "AKMOLA"),
    ('Санаторий "Мойылды"', "SANATORIUM", "PAVLODAR"),
    ('Санаторий "Жанакорган"', "SANATORIUM", "KYZYLORDA"),
    ('Санаторий "Мерке"', "SANATORIUM", "JAMBYL"),
    ('Санаторий "Рахмановские ключи"', "SANATORIUM", "EAST_KAZAKHSTAN"),
    ('Санаторий "Казахстан"', "SANATORIUM", "ALMATY_CITY"),
    ('ТОО "Инватакси Астана"', "TRANSPORT", "ASTANA"),
    ('ТОО "Jol Invataxi"', "TRANSPORT", "ALMATY_CITY"),
    ('ТОО "Центр социальных услуг Шырақ"', "SOCIAL_SERVICES", "SHYMKENT"),
    ('ОО "Ақниет"', "SOCIAL_SERVICES", "KARAGANDA"),
    ('ТОО "Үміт Әлеуметтік Қызмет"', "SOCIAL_SERVICES", "KOSTANAY"),
)

#: Parts for more provider names once the curated ones run out.
PROVIDER_NAME_PARTS: Final[Mapping[str, tuple[str, ...]]] = {
    "legal_forms": ("ТОО", "ТОО", "ТОО", "ИП"),
    "stems": ("Мейірім", "Қамқор", "Шапағат", "Сенім", "Береке", "Жігер", "Дәрумен", "Нұр", "Бақыт", "Самұрық",
              "Алтын Қол", "Ақ Ниет", "Qadam", "Demeu", "Densaulyq", "Komek", "Steppe", "Tulpar", "Sapa", "Umit"),
    "suffixes": ("Медтехника", "Медикал", "Реабилитация", "Орто", "Сервис", "Care", "Med", "Group", "Plus",
                 "Сурдо", "Тифло", "Күтім"),
}

STREETS: Final = ("Абая", "Республики", "Сейфуллина", "Кабанбай батыра", "Тауелсиздик", "Толе би", "Достык",
                   "Жибек жолы", "Богенбай батыра", "Ауэзова", "Кунаева", "Мангилик Ел", "Бокейхана", "Сатпаева")
_FEATURE_ODDS: Final[Mapping[str, float]] = {
    "STEP_FREE_ENTRANCE": 0.75, "RAMP": 0.6, "ACCESSIBLE_TOILET": 0.55, "SIGN_LANGUAGE_STAFF": 0.2,
    "TACTILE_PAVING": 0.35, "BRAILLE_SIGNAGE": 0.2, "ACCESSIBLE_PARKING": 0.5, "ELEVATOR": 0.3,
    "HEARING_LOOP": 0.1, "HOME_VISITS": 0.4,
}

_TRANSLIT: Final[Mapping[str, str]] = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}


def transliterate(text: str) -> str:
    """Kazakh or Russian Cyrillic to lower-case ASCII, for e-mail addresses and web sites."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def _slug(name: str) -> str:
    inner = name.split('"')[1] if '"' in name else name
    words = "".join(c if c.isalnum() else " " for c in transliterate(inner)).split()
    return "-".join(w for w in words if w.isascii())[:40].strip("-") or "provider"


def interleaved_providers() -> list[tuple[str, str, str]]:
    """Curated providers ordered so that any prefix mixes all kinds in proportion."""
    by_kind: dict[str, list[tuple[str, str, str]]] = {}
    for entry in _PROVIDERS:
        by_kind.setdefault(entry[1], []).append(entry)
    kind_order = list(PROVIDER_KINDS)
    ranked = [
        (j / len(members), kind_order.index(kind), entry)
        for kind, members in by_kind.items()
        for j, entry in enumerate(members)
    ]
    return [entry for *_key, entry in sorted(ranked, key=lambda t: (t[0], t[1]))]


def provider_profile(name: str, kind: str, region_code: str, rng: random.Random) -> dict[str, Any]:
    region = REGIONS_BY_CODE[region_code]
    digits = 10 - len(region.phone_code)  # national numbers have 10 digits after +7
    local = f"{rng.randrange(10 ** (digits - 1), 10**digits)}"
    slug = _slug(name)
    features = [f for f, odds in _FEATURE_ODDS.items() if rng.random() < odds]
    if kind == "SIGN_LANGUAGE" and "SIGN_LANGUAGE_STAFF" not in features:
        features.append("SIGN_LANGUAGE_STAFF")
    if kind in {"SANATORIUM", "TSR", "ORTHO"} and "STEP_FREE_ENTRANCE" not in features:
        features.insert(0, "STEP_FREE_ENTRANCE")
    return {
        "name": name,
        "kind": kind,
        "categories": list(PROVIDER_KINDS[kind]),
        "region_code": region_code,
        "phone": f"+7 {region.phone_code} {local}",
        "email": f"info@{slug}.kz",
        "website": f"https://{slug}.kz" if rng.random() < 0.7 else None,
        "address": f"{region.center_ru}, ул. {rng.choice(STREETS)}, {rng.randint(1, 240)}",
        "accessibility": [f for f in ACCESSIBILITY_FEATURES if f in features],
    }


def provider_profiles(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """``count`` provider profiles with distinct names.

    Each is a dict: ``name``, ``kind`` (a key of ``PROVIDER_KINDS``), ``categories``,
    ``region_code``, ``phone``, ``email``, ``website`` (or None), ``address`` and
    ``accessibility`` (codes of ``ACCESSIBILITY_FEATURES``). The curated names come
    first, mixed so that any prefix holds every kind; then names built from
    ``PROVIDER_NAME_PARTS``.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    curated = interleaved_providers()
    used: set[str] = set()
    for n in range(count):
        if n < len(curated):
            name, kind, region_code = curated[n]
        else:
            kind = rng.choice(["TSR", "TSR", "ORTHO", "HEARING", "VISION", "HYGIENE", "SIGN_LANGUAGE",
                               "PERSONAL_ASSISTANT", "SOCIAL_SERVICES"])
            region_code = rng.choice(REGIONS).code
            parts = PROVIDER_NAME_PARTS
            base = f'{rng.choice(parts["legal_forms"])} "{rng.choice(parts["stems"])} {rng.choice(parts["suffixes"])}'
            name = f'{base}"'
            k = 2
            while name in used:
                name = f'{base} {REGIONS_BY_CODE[region_code].center_ru}{"" if k == 2 else f" {k}"}"'
                k += 1
        used.add(name)
        yield provider_profile(name, kind, region_code, rng)
