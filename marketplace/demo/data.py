"""Reference data for demo and test databases, as plain Python (no database code).

* ``REGIONS``: the 20 regions (17 oblasts and 3 cities of republican significance,
  as of the 2022 reform), with an approximate share of the 732,100 persons with
  disabilities: population-weighted, a quarter heavier in the older northern and
  eastern oblasts and lighter in Astana.
* ``CLASSIFIER``: items of the state list of technical aids (TSR) and services,
  with caps in tenge. The caps are plausible demo values in the range of the
  portal's guaranteed prices, not the official norms of any year.
* Providers: ``PROVIDER_NAME_PARTS``, ``provider_profiles`` and ``ACCESSIBILITY_FEATURES``.
* ``listing_texts``: multilingual titles, descriptions and attributes for a listing.
* People: ``PERSON_NAMES``, ``person_name``, ``people``; ``DISABILITY_CAUSES`` and ``NOSOLOGIES``.

Every generator takes a ``random.Random`` so a fixed seed gives the same data set.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

__all__ = [
    "ACCESSIBILITY_FEATURES",
    "CATEGORIES",
    "CLASSIFIER",
    "CLASSIFIER_BY_CODE",
    "DISABILITY_CAUSES",
    "DISABILITY_CAUSE_NAMES",
    "DISABILITY_CAUSE_WEIGHTS",
    "KINDS",
    "NOSOLOGIES",
    "PERSON_NAMES",
    "PROVIDER_KINDS",
    "PROVIDER_NAME_PARTS",
    "REGIONS",
    "REGIONS_BY_CODE",
    "TOTAL_PERSONS_WITH_DISABILITIES",
    "UNITS",
    "ClassifierEntry",
    "Nosology",
    "RegionData",
    "choose_cause",
    "listing_texts",
    "people",
    "person_name",
    "provider_profiles",
    "transliterate",
]

Kind = Literal["PRODUCT", "SERVICE"]
UnitCode = Literal["PIECE", "PAIR", "HOUR", "DAY", "COURSE", "TRIP"]
Category = Literal[
    "MOBILITY", "PROSTHETICS", "ORTHOTICS", "HEARING", "VISION", "HYGIENE", "SIGN_LANGUAGE",
    "PERSONAL_ASSISTANT", "SANATORIUM", "TRANSPORT", "SELF_CARE", "SOCIAL_SERVICES",
]
SexCode = Literal["M", "F"]

KINDS: Final[tuple[Kind, ...]] = ("PRODUCT", "SERVICE")
UNITS: Final[tuple[UnitCode, ...]] = ("PIECE", "PAIR", "HOUR", "DAY", "COURSE", "TRIP")
#: The item categories (the ``ItemCategory`` enum of the catalogue has the same values).
CATEGORIES: Final[tuple[Category, ...]] = (
    "MOBILITY", "PROSTHETICS", "ORTHOTICS", "HEARING", "VISION", "HYGIENE", "SIGN_LANGUAGE",
    "PERSONAL_ASSISTANT", "SANATORIUM", "TRANSPORT", "SELF_CARE", "SOCIAL_SERVICES",
)

TOTAL_PERSONS_WITH_DISABILITIES: Final = 732_100


# == Regions =================================================================================


@dataclass(frozen=True, slots=True)
class RegionData:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    center_kk: str  # administrative centre (the city itself for the three cities)
    center_ru: str
    center_en: str
    phone_code: str  # trunk code of the centre, after +7
    share: Decimal  # approximate share of the persons with disabilities; the shares sum to 1

    @property
    def is_city(self) -> bool:
        return self.code in {"ASTANA", "ALMATY_CITY", "SHYMKENT"}

    @property
    def persons_with_disabilities(self) -> int:
        """Approximate count: ``share`` of the national 732,100."""
        return int((self.share * TOTAL_PERSONS_WITH_DISABILITIES).to_integral_value())


def _r(code: str, kk: str, ru: str, en: str, center: tuple[str, str, str], phone: str, share: str) -> RegionData:
    return RegionData(code, kk, ru, en, center[0], center[1], center[2], phone, Decimal(share))


REGIONS: Final[tuple[RegionData, ...]] = (
    _r("ASTANA", "Астана", "Астана", "Astana", ("Астана", "Астана", "Astana"), "7172", "0.0537"),
    _r("ALMATY_CITY", "Алматы", "Алматы", "Almaty", ("Алматы", "Алматы", "Almaty"), "727", "0.1080"),
    _r("SHYMKENT", "Шымкент", "Шымкент", "Shymkent", ("Шымкент", "Шымкент", "Shymkent"), "7252", "0.0589"),
    _r("ABAI", "Абай облысы", "область Абай", "Abai Region", ("Семей", "Семей", "Semey"), "7222", "0.0358"),
    _r("AKMOLA", "Ақмола облысы", "Акмолинская область", "Akmola Region",
       ("Көкшетау", "Кокшетау", "Kokshetau"), "7162", "0.0463"),
    _r("AKTOBE", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region",
       ("Ақтөбе", "Актобе", "Aktobe"), "7132", "0.0446"),
    _r("ALMATY_REGION", "Алматы облысы", "Алматинская область", "Almaty Region",
       ("Қонаев", "Конаев", "Konaev"), "72772", "0.0724"),
    _r("ATYRAU", "Атырау облысы", "Атырауская область", "Atyrau Region",
       ("Атырау", "Атырау", "Atyrau"), "7122", "0.0332"),
    _r("EAST_KAZAKHSTAN", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region",
       ("Өскемен", "Усть-Каменогорск", "Oskemen"), "7232", "0.0426"),
    _r("JAMBYL", "Жамбыл облысы", "Жамбылская область", "Jambyl Region", ("Тараз", "Тараз", "Taraz"), "7262", "0.0574"),
    _r("JETISU", "Жетісу облысы", "область Жетісу", "Jetisu Region",
       ("Талдықорған", "Талдыкорган", "Taldykorgan"), "7282", "0.0330"),
    _r("KARAGANDA", "Қарағанды облысы", "Карагандинская область", "Karaganda Region",
       ("Қарағанды", "Караганда", "Karaganda"), "7212", "0.0668"),
    _r("KOSTANAY", "Қостанай облысы", "Костанайская область", "Kostanay Region",
       ("Қостанай", "Костанай", "Kostanay"), "7142", "0.0489"),
    _r("KYZYLORDA", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region",
       ("Қызылорда", "Кызылорда", "Kyzylorda"), "7242", "0.0393"),
    _r("MANGYSTAU", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region",
       ("Ақтау", "Актау", "Aktau"), "7292", "0.0372"),
    _r("PAVLODAR", "Павлодар облысы", "Павлодарская область", "Pavlodar Region",
       ("Павлодар", "Павлодар", "Pavlodar"), "7182", "0.0442"),
    _r("NORTH_KAZAKHSTAN", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region",
       ("Петропавл", "Петропавловск", "Petropavl"), "7152", "0.0311"),
    _r("TURKISTAN", "Түркістан облысы", "Туркестанская область", "Turkistan Region",
       ("Түркістан", "Туркестан", "Turkistan"), "72533", "0.1009"),
    _r("ULYTAU", "Ұлытау облысы", "область Ұлытау", "Ulytau Region",
       ("Жезқазған", "Жезказган", "Jezkazgan"), "7102", "0.0131"),
    _r("WEST_KAZAKHSTAN", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region",
       ("Орал", "Уральск", "Oral"), "7112", "0.0326"),
)
REGIONS_BY_CODE: Final[Mapping[str, RegionData]] = {r.code: r for r in REGIONS}


# == Classifier ==============================================================================


@dataclass(frozen=True, slots=True)
class ClassifierEntry:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: Kind
    unit: UnitCode
    category: Category
    price_cap: Decimal | None  # KZT per unit; None: a custom item, the provider quotes
    service_life_months: int | None
    quota: dict[str, int] | None = field(default=None, hash=False)
    yearly_hours: int | None = None
    note_en: str = ""
    template: str = ""  # which ``listing_texts`` template describes offers of this item
    companion_allowed: bool = False  # a line may cover a companion (group I and children)
    companion_variant_of: str | None = None  # the base item whose line with a companion pays this one

    @property
    def is_custom(self) -> bool:
        return self.price_cap is None

    def norms(self) -> dict[str, Decimal | int | bool | None]:
        """The norms as ``ClassifierItem`` columns (quarterly release, most per year and per day,
        days of a course, companion allowed)."""
        quota = self.quota or {}

        def amount(key: str) -> Decimal | None:
            return Decimal(quota[key]) if quota.get(key) else None

        return {
            "quarterly_release": amount("per_quarter_release"), "yearly_max": amount("per_year"),
            "daily_max": amount("per_day"), "course_days": quota.get("days"),
            "companion_allowed": self.companion_allowed,
        }


def _kzt(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def _p(code: str, kk: str, ru: str, en: str, unit: UnitCode, category: Category, cap: int | None,
       life: int | None, template: str, quota: dict[str, int] | None = None, note: str = "") -> ClassifierEntry:
    return ClassifierEntry(code, kk, ru, en, "PRODUCT", unit, category, None if cap is None else _kzt(cap), life,
                           quota, None, note, template)


def _s(code: str, kk: str, ru: str, en: str, unit: UnitCode, category: Category, cap: int, template: str,
       quota: dict[str, int] | None = None, yearly_hours: int | None = None, note: str = "",
       companion: bool = False, variant_of: str | None = None) -> ClassifierEntry:
    return ClassifierEntry(code, kk, ru, en, "SERVICE", unit, category, _kzt(cap), None, quota, yearly_hours, note,
                           template, companion, variant_of)


# Hygiene quotas: issued over time, released by quarter (a fixed quarterly release stops
# buyers and sellers from emptying a year's quota at once).
_DIAPER_QUOTA: Final = {"per_day": 4, "per_year": 1460, "per_quarter_release": 365}
_DAILY_ONE_QUOTA: Final = {"per_day": 1, "per_year": 360, "per_quarter_release": 90}

CLASSIFIER: Final[tuple[ClassifierEntry, ...]] = (
    # -- 01 Mobility ----------------------------------------------------------------------------
    _p("TSR-01-001", "Қол жетегі бар бөлмелік кресло-арба", "Кресло-коляска с ручным приводом комнатная",
       "Manual wheelchair, indoor", "PIECE", "MOBILITY", 185_000, 48, "wheelchair_indoor"),
    _p("TSR-01-002", "Қол жетегі бар серуендік кресло-арба", "Кресло-коляска с ручным приводом прогулочная",
       "Manual wheelchair, outdoor", "PIECE", "MOBILITY", 240_000, 48, "wheelchair_outdoor"),
    _p("TSR-01-003", "Белсенді типтегі кресло-арба", "Кресло-коляска активного типа",
       "Active wheelchair", "PIECE", "MOBILITY", 350_000, 48, "wheelchair_active"),
    _p("TSR-01-004", "Электр жетегі бар кресло-арба", "Кресло-коляска с электроприводом",
       "Electric wheelchair", "PIECE", "MOBILITY", 1_250_000, 60, "wheelchair_electric"),
    _p("TSR-01-005", "Церебралды сал ауруы бар балаларға арналған кресло-арба",
       "Кресло-коляска для детей с детским церебральным параличом",
       "Wheelchair for children with cerebral palsy", "PIECE", "MOBILITY", 330_000, 36, "wheelchair_child"),
    _p("TSR-01-006", "Жүруге арналған ходунок", "Ходунки шагающие", "Walking frame", "PIECE", "MOBILITY",
       28_000, 60, "walker"),
    _p("TSR-01-007", "Дөңгелекті ходунок (роллатор)", "Ходунки на колёсах (роллатор)", "Rollator",
       "PIECE", "MOBILITY", 65_000, 60, "rollator"),
    _p("TSR-01-008", "Қолтықтық балдақтар", "Костыли подмышечные", "Underarm crutches", "PAIR", "MOBILITY",
       18_000, 24, "crutches"),
    _p("TSR-01-009", "Шынтақ тірегі бар балдақтар", "Костыли с опорой под локоть", "Elbow crutches", "PAIR",
       "MOBILITY", 22_000, 24, "crutches"),
    _p("TSR-01-010", "Тіреу таяғы", "Трость опорная", "Walking cane", "PIECE", "MOBILITY", 7_500, 24, "cane"),
    _p("TSR-01-011", "Төрт тірекі бар таяқ", "Трость четырёхопорная", "Quad cane", "PIECE", "MOBILITY",
       14_000, 24, "cane"),
    _p("TSR-01-012", "Балаларға арналған вертикализатор", "Вертикализатор для детей", "Standing frame for children",
       "PIECE", "MOBILITY", 520_000, 36, "stander"),
    # -- 02 Prosthetics -------------------------------------------------------------------------
    _p("TSR-02-001", "Сирақ протезі (модульдік)", "Протез голени модульный", "Modular transtibial prosthesis",
       "PIECE", "PROSTHETICS", 680_000, 24, "prosthesis_leg"),
    _p("TSR-02-002", "Сан протезі (модульдік)", "Протез бедра модульный", "Modular transfemoral prosthesis",
       "PIECE", "PROSTHETICS", 1_150_000, 24, "prosthesis_leg"),
    _p("TSR-02-003", "Табан протезі", "Протез стопы", "Partial foot prosthesis", "PIECE", "PROSTHETICS",
       180_000, 24, "prosthesis_leg"),
    _p("TSR-02-004", "Білек протезі (косметикалық)", "Протез предплечья косметический",
       "Cosmetic forearm prosthesis", "PIECE", "PROSTHETICS", 320_000, 24, "prosthesis_arm"),
    _p("TSR-02-005", "Білек протезі (тартқышты)", "Протез предплечья тяговый", "Body-powered forearm prosthesis",
       "PIECE", "PROSTHETICS", 560_000, 24, "prosthesis_arm"),
    _p("TSR-02-006", "Иық протезі", "Протез плеча", "Transhumeral prosthesis", "PIECE", "PROSTHETICS",
       790_000, 24, "prosthesis_arm"),
    _p("TSR-02-007", "Микропроцессорлық басқарылатын модульдік қол ұшы протезі (бионикалық)",
       "Протез кисти модульный с микропроцессорным управлением (бионический)",
       "Modular myoelectric (bionic) hand prosthesis", "PIECE", "PROSTHETICS", None, 36, "prosthesis_bionic",
       note="Custom item: made to measure; the provider quotes and an officer approves the quote."),
    _p("TSR-02-008", "Сүт безі протезі", "Протез молочной железы", "Breast prosthesis", "PIECE", "PROSTHETICS",
       38_000, 12, "breast_prosthesis"),
    _p("TSR-02-009", "Тұқылға арналған қап", "Чехол на культю", "Stump sock", "PIECE", "PROSTHETICS",
       3_500, 6, "stump_sock"),
    # -- 03 Orthotics ---------------------------------------------------------------------------
    _p("TSR-03-001", "Ортопедиялық аяқ киім (жылытылмаған)", "Обувь ортопедическая без утепления",
       "Orthopaedic shoes, unlined", "PAIR", "ORTHOTICS", 38_000, 12, "shoes"),
    _p("TSR-03-002", "Жылы астарлы ортопедиялық аяқ киім", "Обувь ортопедическая на утеплённой подкладке",
       "Orthopaedic shoes, insulated", "PAIR", "ORTHOTICS", 46_000, 12, "shoes"),
    _p("TSR-03-003", "Балаларға арналған ортопедиялық аяқ киім", "Обувь ортопедическая детская",
       "Orthopaedic shoes for children", "PAIR", "ORTHOTICS", 32_000, 6, "shoes"),
    _p("TSR-03-004", "Балтыр-табан буынына арналған ортез", "Аппарат на голеностопный сустав (ортез)",
       "Ankle-foot orthosis", "PIECE", "ORTHOTICS", 85_000, 24, "orthosis"),
    _p("TSR-03-005", "Тізе буынына арналған ортез", "Аппарат на коленный сустав (ортез)", "Knee orthosis",
       "PIECE", "ORTHOTICS", 120_000, 24, "orthosis"),
    _p("TSR-03-006", "Ортопедиялық корсет", "Корсет ортопедический функционально-корригирующий",
       "Corrective spinal brace", "PIECE", "ORTHOTICS", 95_000, 24, "orthosis"),
    _p("TSR-03-007", "Жарыққа қарсы бандаж", "Бандаж грыжевой", "Hernia belt", "PIECE", "ORTHOTICS",
       15_000, 12, "bandage"),
    _p("TSR-03-008", "Құрсақ қабырғасына арналған бандаж", "Бандаж на переднюю брюшную стенку",
       "Abdominal binder", "PIECE", "ORTHOTICS", 12_000, 12, "bandage"),
    # -- 04 Hearing -----------------------------------------------------------------------------
    _p("TSR-04-001", "Құлақ артына киілетін цифрлық есту аппараты (орташа қуатты)",
       "Слуховой аппарат цифровой заушный средней мощности", "Digital behind-the-ear hearing aid, medium power",
       "PIECE", "HEARING", 180_000, 48, "hearing_aid"),
    _p("TSR-04-002", "Құлақ артына киілетін аса қуатты цифрлық есту аппараты",
       "Слуховой аппарат цифровой заушный сверхмощный", "Digital behind-the-ear hearing aid, super power",
       "PIECE", "HEARING", 240_000, 48, "hearing_aid"),
    _p("TSR-04-003", "Құлақ ішіне салынатын цифрлық есту аппараты", "Слуховой аппарат цифровой внутриушной",
       "Digital in-the-ear hearing aid", "PIECE", "HEARING", 290_000, 48, "hearing_aid"),
    _p("TSR-04-004", "Балаларға арналған цифрлық есту аппараты", "Слуховой аппарат цифровой для детей",
       "Digital hearing aid for children", "PIECE", "HEARING", 260_000, 36, "hearing_aid"),
    _p("TSR-04-005", "Жеке құлақ қалыбы (вкладыш)", "Вкладыш ушной индивидуального изготовления",
       "Custom ear mould", "PIECE", "HEARING", 9_000, 12, "ear_mould"),
    _p("TSR-04-006", "Есту аппаратына арналған батарейка", "Элемент питания к слуховому аппарату",
       "Hearing-aid battery", "PIECE", "HEARING", 250, None, "battery",
       quota={"per_year": 144, "per_quarter_release": 36}),
    _p("TSR-04-007", "Дыбысты жарықпен және дірілмен білдіретін сигнализатор",
       "Сигнализатор звука световой и вибрационный", "Light and vibration sound signaller",
       "PIECE", "HEARING", 28_000, 84, "signaller"),
    # -- 05 Vision (typhlo devices) ---------------------------------------------------------------
    _p("TSR-05-001", "Бүктелмелі тактильді ақ таяқ", "Трость тактильная белая складная", "Folding white cane",
       "PIECE", "VISION", 9_500, 24, "white_cane"),
    _p("TSR-05-002", "Сөйлейтін қол сағаты", "Часы наручные говорящие", "Talking wristwatch", "PIECE", "VISION",
       15_000, 60, "talking_watch"),
    _p("TSR-05-003", "Тактильді қол сағаты", "Часы наручные тактильные", "Tactile wristwatch", "PIECE", "VISION",
       18_000, 60, "tactile_watch"),
    _p("TSR-05-004", "Сөйлейтін медициналық термометр", "Термометр медицинский говорящий", "Talking thermometer",
       "PIECE", "VISION", 9_000, 60, "talking_device"),
    _p("TSR-05-005", "Сөйлейтін тонометр", "Тонометр говорящий", "Talking blood-pressure monitor", "PIECE",
       "VISION", 28_000, 60, "talking_device"),
    _p("TSR-05-006", "Брайль жазуына арналған аспап (грифельмен)", "Прибор для письма по Брайлю с грифелем",
       "Braille slate and stylus", "PIECE", "VISION", 6_500, 84, "braille_slate"),
    _p("TSR-05-007", "Брайль дисплейі (40 ұяшық)", "Брайлевский дисплей (40 ячеек)", "Braille display (40 cells)",
       "PIECE", "VISION", 1_450_000, 84, "braille_display"),
    _p("TSR-05-008", "«Сөйлейтін кітаптарды» оқуға арналған құрылғы", "Устройство для чтения «говорящих книг»",
       "Talking-book player", "PIECE", "VISION", 85_000, 84, "book_player"),
    _p("TSR-05-009", "Қолға ұстайтын электрондық бейнеұлғайтқыш", "Электронный ручной видеоувеличитель",
       "Handheld electronic video magnifier", "PIECE", "VISION", 260_000, 84, "magnifier"),
    # -- 06 Hygiene -------------------------------------------------------------------------------
    _p("TSR-06-001", "Ересектерге арналған жөргек (сіңіргіш іш киім)", "Подгузники для взрослых (абсорбирующее бельё)",
       "Adult diapers (absorbent underwear)", "PIECE", "HYGIENE", 210, None, "diaper", quota=dict(_DIAPER_QUOTA),
       note="4 a day, 1,460 a year, released 365 a quarter."),
    _p("TSR-06-002", "Балаларға арналған жөргек", "Подгузники детские", "Children's diapers", "PIECE", "HYGIENE",
       170, None, "diaper", quota=dict(_DIAPER_QUOTA), note="4 a day, 1,460 a year, released 365 a quarter."),
    _p("TSR-06-003", "Сіңіргіш жаялық (60×90 см)", "Впитывающие простыни (пелёнки) 60×90 см",
       "Absorbent bed sheets (60×90 cm)", "PIECE", "HYGIENE", 160, None, "sheet", quota=dict(_DAILY_ONE_QUOTA)),
    _p("TSR-06-004", "Несеп қабылдағыш", "Мочеприёмник", "Urine bag", "PIECE", "HYGIENE", 850, None, "urine_bag",
       quota={"per_year": 120, "per_quarter_release": 30}),
    _p("TSR-06-005", "Нәжіс қабылдағыш (бір компонентті)", "Калоприёмник однокомпонентный дренируемый",
       "Colostomy bag, one-piece drainable", "PIECE", "HYGIENE", 1_150, None, "ostomy",
       quota=dict(_DAILY_ONE_QUOTA)),
    _p("TSR-06-006", "Өзін-өзі катетерлеуге арналған уретралық катетер", "Катетер уретральный для самокатетеризации",
       "Intermittent self-catheter", "PIECE", "HYGIENE", 450, None, "catheter",
       quota={"per_day": 4, "per_year": 1460, "per_quarter_release": 365}),
    # -- 07 Self-care -----------------------------------------------------------------------------
    _p("TSR-07-001", "Ойық жараға қарсы матрац (компрессорлы)", "Противопролежневый матрац с компрессором",
       "Anti-decubitus mattress with pump", "PIECE", "SELF_CARE", 95_000, 36, "mattress"),
    _p("TSR-07-002", "Ойық жараға қарсы жастық", "Противопролежневая подушка", "Anti-decubitus cushion",
       "PIECE", "SELF_CARE", 45_000, 36, "cushion"),
    _p("TSR-07-003", "Санитарлық жабдығы бар кресло-орындық", "Кресло-стул с санитарным оснащением",
       "Commode chair", "PIECE", "SELF_CARE", 48_000, 48, "bath_chair"),
    _p("TSR-07-004", "Ваннаға арналған орындық", "Сиденье для ванны", "Bath seat", "PIECE", "SELF_CARE",
       22_000, 48, "bath_chair"),
    # -- 08 Sign language -------------------------------------------------------------------------
    _s("TSR-08-001", "Ымдау тілі маманының қызметтері", "Услуги специалиста жестового языка",
       "Sign-language interpreting", "HOUR", "SIGN_LANGUAGE", 3_800, "sign_language",
       quota={"per_year": 60}, yearly_hours=60, note="60 hours a year."),
    # -- 09 Personal assistant --------------------------------------------------------------------
    _s("TSR-09-001", "Жеке көмекшінің қызметтері", "Услуги индивидуального помощника", "Personal assistant",
       "HOUR", "PERSONAL_ASSISTANT", 2_000, "assistant", quota={"per_day": 8},
       note="Group I with difficulty moving; at most 8 hours a day; not with a paid carer's allowance."),
    # -- 10 Sanatorium ----------------------------------------------------------------------------
    _s("TSR-10-001", "Санаторийлық-курорттық емдеу (14 күн)", "Санаторно-курортное лечение (14 дней)",
       "Sanatorium treatment (14 days)", "COURSE", "SANATORIUM", 320_000, "sanatorium",
       quota={"days": 14}, companion=True),
    _s("TSR-10-002", "Алып жүрушімен санаторийлық-курорттық емдеу (14 күн)",
       "Санаторно-курортное лечение с сопровождающим (14 дней)",
       "Sanatorium treatment with a companion (14 days)", "COURSE", "SANATORIUM", 540_000, "sanatorium",
       quota={"days": 14}, note="For group I and for children (a child travels with a parent).",
       companion=True, variant_of="TSR-10-001"),
    # -- 11 Transport -----------------------------------------------------------------------------
    _s("TSR-11-001", "Инватакси сапары", "Поездка на инватакси", "Invataxi trip", "TRIP", "TRANSPORT", 2_500,
       "invataxi", companion=True),
    # -- 12 Special social services ---------------------------------------------------------------
    _s("TSR-12-001", "Үйде арнаулы әлеуметтік қызметтер көрсету", "Специальные социальные услуги на дому",
       "Special social services at home", "DAY", "SOCIAL_SERVICES", 4_500, "social_home"),
    _s("TSR-12-002", "Жартылай стационар жағдайында арнаулы әлеуметтік қызметтер",
       "Специальные социальные услуги в условиях полустационара", "Special social services, day care",
       "DAY", "SOCIAL_SERVICES", 7_500, "social_day"),
)
CLASSIFIER_BY_CODE: Final[Mapping[str, ClassifierEntry]] = {c.code: c for c in CLASSIFIER}


# == Causes and nosologies ===================================================================

DISABILITY_CAUSES: Final[tuple[str, ...]] = (
    "GENERAL_DISEASE",
    "OCCUPATIONAL_DISEASE",
    "WORK_INJURY",
    "CHILDHOOD",
    "MILITARY_SERVICE",
    "CHERNOBYL_NPP",
    "SEMIPALATINSK_TEST_SITE",
)
#: code -> (kk, ru, en)
DISABILITY_CAUSE_NAMES: Final[Mapping[str, tuple[str, str, str]]] = {
    "GENERAL_DISEASE": ("Жалпы ауру", "Общее заболевание", "General disease"),
    "OCCUPATIONAL_DISEASE": ("Кәсіптік ауру", "Профессиональное заболевание", "Occupational disease"),
    "WORK_INJURY": ("Еңбек жарақаты", "Трудовое увечье", "Work injury"),
    "CHILDHOOD": ("Бала кезден мүгедектік", "Инвалидность с детства", "Disability since childhood"),
    "MILITARY_SERVICE": ("Әскери қызмет кезіндегі жарақат немесе ауру",
                         "Ранение или заболевание в период военной службы",
                         "Injury or disease during military service"),
    "CHERNOBYL_NPP": ("Чернобыль АЭС-індегі апаттың салдары", "Последствия аварии на Чернобыльской АЭС",
                      "Consequences of the Chernobyl accident"),
    "SEMIPALATINSK_TEST_SITE": ("Семей ядролық сынақ полигонының салдары",
                                "Последствия ядерных испытаний на Семипалатинском полигоне",
                                "Consequences of the Semipalatinsk nuclear test site"),
}
#: Relative frequency of each cause among adults (general disease dominates).
DISABILITY_CAUSE_WEIGHTS: Final[Mapping[str, int]] = {
    "GENERAL_DISEASE": 78,
    "OCCUPATIONAL_DISEASE": 4,
    "WORK_INJURY": 5,
    "CHILDHOOD": 9,
    "MILITARY_SERVICE": 1,
    "CHERNOBYL_NPP": 1,
    "SEMIPALATINSK_TEST_SITE": 2,
}


def choose_cause(rng: random.Random, *, child: bool = False) -> str:
    """A cause drawn by ``DISABILITY_CAUSE_WEIGHTS``; always ``CHILDHOOD`` for a child."""
    if child:
        return "CHILDHOOD"
    causes = list(DISABILITY_CAUSE_WEIGHTS)
    return rng.choices(causes, weights=[DISABILITY_CAUSE_WEIGHTS[c] for c in causes])[0]


@dataclass(frozen=True, slots=True)
class Nosology:
    code: str  # ICD-10
    name_ru: str
    name_en: str
    categories: tuple[Category, ...]  # classifier categories an IRP for it typically holds


NOSOLOGIES: Final[tuple[Nosology, ...]] = (
    Nosology("G80", "Детский церебральный паралич", "Cerebral palsy",
             ("MOBILITY", "ORTHOTICS", "SELF_CARE", "HYGIENE", "SANATORIUM", "TRANSPORT")),
    Nosology("G35", "Рассеянный склероз", "Multiple sclerosis",
             ("MOBILITY", "SELF_CARE", "HYGIENE", "PERSONAL_ASSISTANT", "SANATORIUM", "TRANSPORT")),
    Nosology("I69", "Последствия цереброваскулярных болезней (инсульта)", "Sequelae of stroke",
             ("MOBILITY", "SELF_CARE", "HYGIENE", "PERSONAL_ASSISTANT", "SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("G82", "Параплегия и тетраплегия", "Paraplegia and tetraplegia",
             ("MOBILITY", "SELF_CARE", "HYGIENE", "PERSONAL_ASSISTANT", "TRANSPORT")),
    Nosology("T91.3", "Последствия травмы спинного мозга", "Sequelae of spinal cord injury",
             ("MOBILITY", "SELF_CARE", "HYGIENE", "PERSONAL_ASSISTANT", "SANATORIUM")),
    Nosology("G12", "Спинальная мышечная атрофия", "Spinal muscular atrophy",
             ("MOBILITY", "ORTHOTICS", "SELF_CARE", "HYGIENE", "PERSONAL_ASSISTANT")),
    Nosology("G71.0", "Мышечная дистрофия", "Muscular dystrophy", ("MOBILITY", "ORTHOTICS", "SELF_CARE", "HYGIENE")),
    Nosology("G20", "Болезнь Паркинсона", "Parkinson's disease",
             ("MOBILITY", "SELF_CARE", "PERSONAL_ASSISTANT", "SOCIAL_SERVICES")),
    Nosology("G40", "Эпилепсия", "Epilepsy", ("SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("Q05", "Спинномозговая грыжа (spina bifida)", "Spina bifida",
             ("MOBILITY", "ORTHOTICS", "HYGIENE", "SELF_CARE")),
    Nosology("H90", "Кондуктивная и нейросенсорная потеря слуха", "Conductive and sensorineural hearing loss",
             ("HEARING", "SIGN_LANGUAGE")),
    Nosology("H91.3", "Глухонемота", "Deaf-mutism", ("HEARING", "SIGN_LANGUAGE")),
    Nosology("H54", "Слепота и пониженное зрение", "Blindness and low vision", ("VISION", "TRANSPORT")),
    Nosology("H40", "Глаукома", "Glaucoma", ("VISION",)),
    Nosology("H35.3", "Дегенерация макулы", "Macular degeneration", ("VISION",)),
    Nosology("Q90", "Синдром Дауна", "Down syndrome", ("ORTHOTICS", "SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("F70", "Умственная отсталость лёгкой степени", "Mild intellectual disability",
             ("SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("F71", "Умственная отсталость умеренная", "Moderate intellectual disability",
             ("SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("F72", "Умственная отсталость тяжёлая", "Severe intellectual disability",
             ("HYGIENE", "SELF_CARE", "SOCIAL_SERVICES")),
    Nosology("F84.0", "Детский аутизм", "Childhood autism", ("SANATORIUM", "SOCIAL_SERVICES")),
    Nosology("F20", "Шизофрения", "Schizophrenia", ("SOCIAL_SERVICES",)),
    Nosology("Z89.5", "Отсутствие ноги на уровне голени", "Acquired absence of leg below the knee",
             ("PROSTHETICS", "MOBILITY", "ORTHOTICS")),
    Nosology("Z89.6", "Отсутствие ноги выше колена", "Acquired absence of leg above the knee",
             ("PROSTHETICS", "MOBILITY")),
    Nosology("Z89.2", "Отсутствие верхней конечности выше запястья", "Acquired absence of upper limb above the wrist",
             ("PROSTHETICS", "SELF_CARE")),
    Nosology("S78", "Травматическая ампутация бедра", "Traumatic amputation of hip and thigh",
             ("PROSTHETICS", "MOBILITY", "SANATORIUM")),
    Nosology("T93", "Последствия травм нижней конечности", "Sequelae of injuries of lower limb",
             ("ORTHOTICS", "MOBILITY")),
    Nosology("E10", "Сахарный диабет 1 типа с осложнениями", "Type 1 diabetes with complications",
             ("PROSTHETICS", "ORTHOTICS", "VISION", "MOBILITY")),
    Nosology("E11", "Сахарный диабет 2 типа с осложнениями (диабетическая стопа)",
             "Type 2 diabetes with complications (diabetic foot)", ("ORTHOTICS", "PROSTHETICS", "MOBILITY")),
    Nosology("M05", "Серопозитивный ревматоидный артрит", "Seropositive rheumatoid arthritis",
             ("ORTHOTICS", "MOBILITY", "SELF_CARE", "SANATORIUM")),
    Nosology("M16", "Коксартроз", "Osteoarthritis of the hip", ("MOBILITY", "ORTHOTICS", "SANATORIUM")),
    Nosology("M41", "Сколиоз", "Scoliosis", ("ORTHOTICS", "SANATORIUM")),
    Nosology("C50", "Злокачественное новообразование молочной железы", "Malignant neoplasm of breast",
             ("PROSTHETICS", "SANATORIUM")),
    Nosology("Z93.3", "Наличие колостомы", "Colostomy status", ("HYGIENE",)),
    Nosology("N31", "Нейрогенная дисфункция мочевого пузыря", "Neurogenic bladder", ("HYGIENE",)),
    Nosology("J44", "Хроническая обструктивная болезнь лёгких", "Chronic obstructive pulmonary disease",
             ("SANATORIUM", "TRANSPORT")),
)


# == People ==================================================================================

#: Lists to build names from. Surnames are (male form, female form); father names are
#: (Kazakh spelling, Russian spelling) for Kazakh "-ұлы/-қызы" and Russian "-ович/-овна" forms.
PERSON_NAMES: Final[Mapping[str, tuple[Any, ...]]] = {
    "kazakh_male": (
        "Ерлан", "Нұрлан", "Асхат", "Бауыржан", "Дәурен", "Ержан", "Айдос", "Арман", "Бекзат", "Ғалым",
        "Дархан", "Жандос", "Қайрат", "Мұрат", "Нұрсұлтан", "Олжас", "Руслан", "Самат", "Серік", "Талғат",
        "Темірлан", "Әлихан", "Ернар", "Данияр", "Мирас", "Әділет", "Ілияс", "Ислам", "Әлібек", "Бекболат",
    ),
    "kazakh_female": (
        "Айгерім", "Айжан", "Ақбота", "Аружан", "Әсел", "Гүлнар", "Дана", "Динара", "Жанар", "Жұлдыз",
        "Зарина", "Қарлығаш", "Камила", "Ләззат", "Мадина", "Меруерт", "Назерке", "Нұргүл", "Раушан", "Салтанат",
        "Сәуле", "Томирис", "Ұлжан", "Шынар", "Айназ", "Балжан", "Гүлмира", "Сымбат", "Інкәр", "Әлия",
    ),
    "russian_male": (
        "Александр", "Сергей", "Андрей", "Дмитрий", "Иван", "Михаил", "Николай", "Владимир", "Алексей", "Евгений",
        "Виктор", "Олег", "Павел", "Юрий", "Константин", "Артём", "Максим", "Игорь", "Денис", "Роман",
    ),
    "russian_female": (
        "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина", "Людмила",
        "Галина", "Юлия", "Валентина", "Оксана", "Надежда", "Виктория", "Алина", "Дарья", "Ксения", "Лариса",
    ),
    "kazakh_surnames": (
        ("Ахметов", "Ахметова"), ("Омаров", "Омарова"), ("Жұмабаев", "Жұмабаева"), ("Сүлейменов", "Сүлейменова"),
        ("Қасымов", "Қасымова"), ("Әбенов", "Әбенова"), ("Искаков", "Искакова"), ("Тоқтаров", "Тоқтарова"),
        ("Байжанов", "Байжанова"), ("Нұрпейісов", "Нұрпейісова"), ("Есенов", "Есенова"),
        ("Мұхамедов", "Мұхамедова"), ("Серікбаев", "Серікбаева"), ("Оспанов", "Оспанова"),
        ("Бекмұратов", "Бекмұратова"), ("Сәрсенбаев", "Сәрсенбаева"), ("Ержанов", "Ержанова"),
        ("Ибраимов", "Ибраимова"), ("Жақсылықов", "Жақсылықова"), ("Қалиев", "Қалиева"), ("Төлеуов", "Төлеуова"),
        ("Нұрғалиев", "Нұрғалиева"), ("Смағұлов", "Смағұлова"), ("Әлімжанов", "Әлімжанова"),
        ("Сейтқали", "Сейтқали"), ("Бекмұрат", "Бекмұрат"), ("Ерғали", "Ерғали"), ("Тоқтар", "Тоқтар"),
        ("Жұмағали", "Жұмағали"), ("Құдайберген", "Құдайберген"),
    ),
    "russian_surnames": (
        ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
        ("Попов", "Попова"), ("Васильев", "Васильева"), ("Соколов", "Соколова"), ("Михайлов", "Михайлова"),
        ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"), ("Морозов", "Морозова"), ("Волков", "Волкова"),
        ("Алексеев", "Алексеева"), ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"), ("Егоров", "Егорова"),
        ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"), ("Николаев", "Николаева"),
        ("Орлов", "Орлова"), ("Ким", "Ким"), ("Цой", "Цой"), ("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"),
    ),
    "kazakh_fathers": (
        ("Болат", "Болат"), ("Серік", "Серик"), ("Ерлан", "Ерлан"), ("Нұрлан", "Нурлан"), ("Марат", "Марат"),
        ("Асхат", "Асхат"), ("Бауыржан", "Бауыржан"), ("Қайрат", "Кайрат"), ("Ержан", "Ержан"), ("Мұрат", "Мурат"),
        ("Дәурен", "Даурен"), ("Жандос", "Жандос"), ("Ғалым", "Галым"), ("Арман", "Арман"), ("Самат", "Самат"),
        ("Айдос", "Айдос"), ("Бекжан", "Бекжан"), ("Талғат", "Талгат"), ("Ерболат", "Ерболат"), ("Асқар", "Аскар"),
    ),
    # (father's name, male patronymic, female patronymic)
    "russian_fathers": (
        ("Александр", "Александрович", "Александровна"), ("Сергей", "Сергеевич", "Сергеевна"),
        ("Андрей", "Андреевич", "Андреевна"), ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Иван", "Иванович", "Ивановна"), ("Михаил", "Михайлович", "Михайловна"),
        ("Николай", "Николаевич", "Николаевна"), ("Владимир", "Владимирович", "Владимировна"),
        ("Алексей", "Алексеевич", "Алексеевна"), ("Виктор", "Викторович", "Викторовна"),
        ("Юрий", "Юрьевич", "Юрьевна"), ("Павел", "Павлович", "Павловна"),
    ),
}


def person_name(sex: str, rng: random.Random) -> tuple[str, str, str | None]:
    """``(first name, surname, patronymic or None)`` for a person of ``sex`` (``"M"`` or ``"F"``).

    About three in four names are Kazakh; a Kazakh patronymic is written either
    the Kazakh way (Болатұлы, Болатқызы) or the Russian way (Болатович, Болатовна).
    A few persons have no patronymic.
    """
    if sex not in ("M", "F"):
        raise ValueError("sex must be 'M' or 'F'")
    male = sex == "M"
    if rng.random() < 0.75:
        first = rng.choice(PERSON_NAMES["kazakh_male" if male else "kazakh_female"])
        surname_m, surname_f = rng.choice(PERSON_NAMES["kazakh_surnames"])
        father_kk, father_ru = rng.choice(PERSON_NAMES["kazakh_fathers"])
        if rng.random() < 0.5:
            middle: str | None = father_kk + ("ұлы" if male else "қызы")
        else:
            middle = father_ru + ("ович" if male else "овна")
    else:
        first = rng.choice(PERSON_NAMES["russian_male" if male else "russian_female"])
        surname_m, surname_f = rng.choice(PERSON_NAMES["russian_surnames"])
        _father, patronymic_m, patronymic_f = rng.choice(PERSON_NAMES["russian_fathers"])
        middle = patronymic_m if male else patronymic_f
    if rng.random() < 0.04:
        middle = None
    return first, surname_m if male else surname_f, middle


def people(count: int, rng: random.Random) -> list[tuple[SexCode, str, str, str | None]]:
    """``count`` distinct ``(sex, first, surname, patronymic)`` tuples (up to many thousands)."""
    seen: set[tuple[SexCode, str, str, str | None]] = set()
    out: list[tuple[SexCode, str, str, str | None]] = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > count * 50 + 1000:
            raise ValueError(f"cannot make {count} distinct names from PERSON_NAMES")
        sex: SexCode = rng.choice(("M", "F"))
        first, last, middle = person_name(sex, rng)
        key = (sex, first, last, middle)
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


# == Providers ===============================================================================

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

_STREETS: Final = ("Абая", "Республики", "Сейфуллина", "Кабанбай батыра", "Тауелсиздик", "Толе би", "Достык",
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


def _interleaved() -> list[tuple[str, str, str]]:
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


def _profile(name: str, kind: str, region_code: str, rng: random.Random) -> dict[str, Any]:
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
        "address": f"{region.center_ru}, ул. {rng.choice(_STREETS)}, {rng.randint(1, 240)}",
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
    curated = _interleaved()
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
        yield _profile(name, kind, region_code, rng)


# == Listing texts ===========================================================================


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _plain(value: Any) -> str:
    """An enum's value or the string itself."""
    return str(getattr(value, "value", value))


def _pick(options: tuple[Any, ...] | list[Any], key: str) -> Any:
    """A stable choice per key (so one provider keeps one brand for one kind of item)."""
    return options[zlib.crc32(key.encode()) % len(options)]


Texts = tuple[dict[str, Any], str, str, str]  # attributes, ru, en, kk sentences

_BRANDS: Final[Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "wheelchair": (("Vermeiren", ("708D", "V300", "Eclips X4")), ("Meyra", ("Budget 9.050", "Eurochair 2")),
                   ("Invacare", ("Action 2 NG", "Action 3 NG")), ("Ottobock", ("Start M1", "Start M6")),
                   ("Armed", ("H 035", "H 011A")), ("Ortonica", ("Base 195", "Base 130")),
                   ("Qazaq Mobility", ("QM-200", "QM-210"))),
    "wheelchair_active": (("Küschall", ("K-Series", "Compact")),
                          ("Sunrise Medical", ("Quickie Argon 2", "Quickie Life")),
                          ("Ottobock", ("Ventus", "Avantgarde 4")), ("Vermeiren", ("Sagitta", "Trigo S"))),
    "wheelchair_electric": (("Invacare", ("Esprit Action 4NG", "Kite")), ("Ottobock", ("B400", "Juvo B5")),
                            ("Meyra", ("iChair MC2", "Optimus 2")), ("Vermeiren", ("Timix", "Forest 3")),
                            ("Ortonica", ("Pulse 170", "Pulse 330"))),
    "wheelchair_child": (("Ottobock", ("Kimba Neo", "Kimba Spring")), ("R82", ("Panda", "Kudu")),
                         ("Hoggi", ("Bingo Evolution", "Zip")), ("Ortonica", ("Kids 200", "Kids 410"))),
    "walker": (("Ortonica", ("XR 201", "XR 206")), ("Armed", ("FS912L", "FS913L")), ("Vermeiren", ("Vienna", "Wrist"))),
    "rollator": (("Invacare", ("Dolomite Legacy", "Banjo")), ("Vermeiren", ("Quava", "Eco")),
                 ("Ortonica", ("XR 107", "XR 110"))),
    "crutches": (("Ortonica", ("SC 200", "SC 221")), ("Armed", ("FS925L", "FS933L")), ("Vermeiren", ("Adult", "Soft"))),
    "cane": (("Ortonica", ("TW 100", "TW 140")), ("Armed", ("FS921", "FS929")), ("Vermeiren", ("Classic", "Quad"))),
    "stander": (("R82", ("Toucan", "Meerkat")), ("Ottobock", ("Squiggles", "Mobile Stander")),
                ("Ortonica", ("SP 100", "SP 200"))),
    "prosthesis_leg": (("Ottobock", ("Triton", "Taleo", "C-Leg 4")), ("Össur", ("Pro-Flex", "Vari-Flex", "Rheo Knee")),
                       ("Blatchford", ("Echelon", "Linx"))),
    "prosthesis_arm": (("Ottobock", ("System Hand", "MovoWrist")), ("Össur", ("Touch Solutions", "Comfort")),
                       ("Fillauer", ("Hosmer 5XA", "Motion Control"))),
    "prosthesis_bionic": (("Össur", ("i-Limb Quantum", "i-Limb Access")), ("Ottobock", ("bebionic", "Michelangelo")),
                          ("Motorica", ("INDY", "Manipulator"))),
    "breast_prosthesis": (("Amoena", ("Essential", "Natura")), ("Anita care", ("TriForm", "Comfort"))),
    "stump_sock": (("Ottobock", ("Derma", "Skeo")), ("Össur", ("Iceross Sock", "Comfort Sock"))),
    "shoes": (("Orthoboom", ("71057", "47387")), ("Sursil-Ortho", ("A45-019", "AS15-001")),
              ("Ортомастер", ("ОМ-22", "ОМ-31")), ("Orthopedic KZ", ("Step", "Walk"))),
    "orthosis": (("Orlett", ("HKS-302", "AFO-202")), ("Bauerfeind", ("GenuTrain", "MalleoLoc")),
                 ("Push ortho", ("Knee Brace", "AFO")), ("Ottobock", ("Genu Arexa", "Malleo Neurexa"))),
    "bandage": (("Orlett", ("HB-242", "MS-96")), ("Tonus Elast", ("0701", "9804")), ("Ecoten", ("ОБ-123", "ОБ-270"))),
    "hearing_aid": (("Oticon", ("Zircon", "More 1", "Xceed")), ("Phonak", ("Audéo", "Naída", "Sky")),
                    ("Signia", ("Pure", "Motion", "Insio")), ("Widex", ("Moment", "Magnify")),
                    ("ReSound", ("Omnia", "Key")), ("Bernafon", ("Alpha", "Encanta"))),
    "ear_mould": (("Dreve", ("Otoplastik", "Fotoplast")), ("Oticon", ("Custom Mould", "Micro Mould"))),
    "battery": (("Rayovac", ("10", "13", "312", "675")), ("Power One", ("10", "13", "312", "675")),
                ("Duracell ActivAir", ("10", "13", "312", "675"))),
    "signaller": (("Bellman & Symfon", ("Visit", "Home")), ("Sonic Alert", ("HomeAware", "Sonic Boom"))),
    "white_cane": (("Ambutech", ("Slimline", "Graphite")), ("Ortonica", ("WC 10", "WC 12"))),
    "talking_watch": (("Ярко", ("M-01", "M-03")), ("Tiflo", ("Voice", "Voice Plus"))),
    "tactile_watch": (("Ярко", ("T-1", "T-3")), ("Tiflo", ("Touch", "Braille"))),
    "talking_device": (("B.Well", ("WT-05", "MED-57")), ("Omron", ("M2 Voice", "M3 Voice")),
                       ("Tiflo", ("Thermo Voice", "Tono Voice"))),
    "braille_slate": (("Tiflo", ("Slate 4x28", "Pocket 4x20")), ("APH", ("Standard", "Pocket"))),
    "braille_display": (("HumanWare", ("Brailliant BI 40X",)), ("Freedom Scientific", ("Focus 40 Blue",)),
                        ("APH", ("Orbit Reader 40",))),
    "book_player": (("HumanWare", ("Victor Reader Stream 3", "Victor Reader Trek")),
                    ("Tiflo", ("Book Player 2", "Book Player 3"))),
    "magnifier": (("HumanWare", ("Explore 5", "Explore 8")), ("Optelec", ("Compact 6 HD", "Compact 10 HD"))),
    "diaper": (("Tena", ("Slip Plus", "Pants Normal")), ("Seni", ("Super Seni", "Active")),
               ("MoliCare", ("Premium Elastic", "Mobile")), ("Abena", ("Slip Premium", "Pants"))),
    "sheet": (("Tena", ("Bed Plus",)), ("Seni", ("Soft",)), ("MoliCare", ("Premium Bed Mat",))),
    "urine_bag": (("Coloplast", ("Conveen Security+", "Conveen Active")),
                  ("B.Braun", ("Urimed Bag Plus", "Urimed Vision"))),
    "ostomy": (("Coloplast", ("SenSura Mio", "Alterna")), ("ConvaTec", ("Esteem+", "Natura+")),
               ("B.Braun", ("Flexima", "Flexima Active")), ("Hollister", ("Moderma Flex", "CeraPlus"))),
    "catheter": (("Coloplast", ("SpeediCath", "SpeediCath Compact")), ("Wellspect", ("LoFric Origo", "LoFric Elle"))),
    "mattress": (("Armed", ("Airflow", "Bubble")), ("Ortonica", ("Ortoforma M-0007", "Ortoforma M-0021")),
                 ("Invacare", ("Softform Premier", "Domus 2"))),
    "cushion": (("ROHO", ("Quadtro Select", "Low Profile")), ("Ortonica", ("Ortoforma M-0001",)),
                ("Invacare", ("Flo-tech", "Matrx Vi"))),
    "bath_chair": (("Ortonica", ("TU 1", "TU 34")), ("Armed", ("FS895", "H 009B")), ("Vermeiren", ("Sedna", "9062"))),
}


_HEARING_LOSS: Final = (  # (ru, en, kk)
    ("лёгкой и средней степени", "mild to moderate", "жеңіл және орташа дәрежелі"),
    ("средней и тяжёлой степени", "moderate to severe", "орташа және ауыр дәрежелі"),
    ("тяжёлой степени и глухоте", "severe to profound", "ауыр дәрежелі және саңыраулық"),
)

_SANATORIUM_PROFILES: Final[Mapping[str, tuple[str, str, str]]] = {  # code -> (ru, en, kk)
    "MUSCULOSKELETAL": ("опорно-двигательный аппарат", "musculoskeletal", "тірек-қимыл аппараты"),
    "NEUROLOGICAL": ("нервная система", "nervous system", "жүйке жүйесі"),
    "CARDIOVASCULAR": ("система кровообращения", "circulatory system", "қан айналым жүйесі"),
    "RESPIRATORY": ("органы дыхания", "respiratory system", "тыныс алу ағзалары"),
    "DIGESTIVE": ("органы пищеварения", "digestive system", "ас қорыту ағзалары"),
}


def _wheelchair(rng: random.Random, kind: str) -> Texts:
    width = rng.choice((38, 40, 43, 45, 48, 50)) if kind != "child" else rng.choice((28, 30, 32, 35))
    weight = {"indoor": rng.randint(14, 18), "outdoor": rng.randint(16, 21), "active": rng.randint(8, 12),
              "electric": rng.randint(45, 110), "child": rng.randint(12, 24)}[kind]
    load = {"electric": rng.choice((120, 136, 150)), "child": rng.choice((50, 60, 75))}.get(
        kind, rng.choice((100, 110, 120, 130, 136)))
    foldable = rng.random() < (0.4 if kind == "active" else 0.9)
    attrs: dict[str, Any] = {"seat_width_cm": width, "weight_kg": weight, "max_load_kg": load, "foldable": foldable}
    frame_ru, frame_en, frame_kk = (("складная рама", "folding frame", "бүктелетін рама") if foldable
                                    else ("жёсткая рама", "rigid frame", "қатты рама"))
    ru = f"Ширина сиденья {width} см, масса {weight} кг, максимальная нагрузка {load} кг, {frame_ru}."
    en = f"Seat width {width} cm, weight {weight} kg, maximum load {load} kg, {frame_en}."
    kk = f"Отырғыштың ені {width} см, салмағы {weight} кг, ең жоғары жүктеме {load} кг, {frame_kk}."
    if kind == "outdoor":
        attrs["tyres"] = "pneumatic"
        ru += " Пневматические шины для улицы."
        en += " Pneumatic tyres for outdoor use."
        kk += " Көшеге арналған пневматикалық шиналар."
    elif kind == "electric":
        km, speed, ah = rng.choice((20, 25, 30, 35)), rng.choice((6, 8, 10)), rng.choice((40, 50, 60, 73))
        attrs.update(range_km=km, max_speed_kmh=speed, battery_ah=ah)
        ru += f" Запас хода {km} км, скорость до {speed} км/ч, аккумуляторы {ah} А·ч, зарядное устройство в комплекте."
        en += f" Range {km} km, top speed {speed} km/h, {ah} Ah batteries, charger included."
        kk += f" Жүріс қоры {km} км, жылдамдығы {speed} км/сағ дейін, аккумуляторлар {ah} А·сағ, зарядтағыш жинақта."
    elif kind == "child":
        attrs.update(age_range="3-12", head_support=True, tilt_in_space=rng.random() < 0.6)
        ru += " Подголовник, боковые упоры и абдуктор; сиденье растёт вместе с ребёнком."
        en += " Head support, lateral supports and abductor; the seat grows with the child."
        kk += " Бас тірегі, бүйір тіректері және абдуктор; отырғыш баламен бірге өседі."
    return attrs, ru, en, kk


def _simple(attrs: dict[str, Any], ru: str, en: str, kk: str) -> Texts:
    return attrs, ru, en, kk


def _template_texts(template: str, rng: random.Random) -> Texts:
    if template.startswith("wheelchair_"):
        return _wheelchair(rng, template.removeprefix("wheelchair_"))
    if template in {"walker", "rollator"}:
        height = f"{rng.choice((76, 78, 80))}-{rng.choice((92, 95, 98))}"
        load = rng.choice((100, 120, 136))
        seat = template == "rollator"
        return _simple({"height_cm": height, "max_load_kg": load, "seat": seat, "brakes": seat},
                       f"Регулировка высоты {height} см, нагрузка до {load} кг" + (", "
                       "сиденье и тормоза." if seat else "."),
                       f"Height {height} cm, load up to {load} kg" + (", seat and brakes." if seat else "."),
                       f"Биіктігі {height} см реттеледі, жүктеме {load} кг дейін" + (", "
                       "отырғыш пен тежегіш бар." if seat else "."))
    if template in {"crutches", "cane"}:
        load = rng.choice((100, 120, 136))
        return _simple({"adjustable": True, "max_load_kg": load, "material": "aluminium"},
                       f"Алюминий, регулируемая высота, нагрузка до {load} кг, противоскользящий наконечник.",
                       f"Aluminium, adjustable height, load up to {load} kg, anti-slip tip.",
                       f"Алюминий, биіктігі реттеледі, жүктеме {load} кг дейін, тайғанауға қарсы ұшы бар.")
    if template == "stander":
        return _simple({"age_range": "2-10", "tilt_deg": 90, "tray": True},
                       "Наклон до 90°, столик, фиксация коленей и таза, регулировка под рост ребёнка.",
                       "Tilts up to 90°, tray, knee and pelvis supports, adjusts to the child's height.",
                       "90° дейін еңкейеді, үстелшесі бар, тізе мен жамбасты бекітеді, бала бойына қарай реттеледі.")
    if template == "prosthesis_leg":
        level = rng.choice(("K2", "K3", "K4"))
        return _simple({"activity_level": level, "fitting_visits": rng.choice((3, 4, 5)), "liner": "silicone"},
                       f"Изготовление по слепку культи, уровень активности {level}, "
                       "силиконовый лайнер, примерки и обучение ходьбе.",
                       f"Made from a cast of the residual limb, activity level {level}, "
                       "silicone liner, fittings and gait training.",
                       f"Тұқыл қалыбы бойынша жасалады, белсенділік деңгейі {level}, "
                       "силикон лайнер, өлшеу және жүруге үйрету.")
    if template == "prosthesis_arm":
        return _simple({"fitting_visits": rng.choice((2, 3, 4)), "socket": "laminated"},
                       "Индивидуальная гильза, подбор узлов кисти, примерки и обучение пользованию.",
                       "Custom socket, choice of hand components, fittings and training.",
                       "Жеке гильза, қол ұшы тораптарын таңдау, өлшеу және пайдалануға үйрету.")
    if template == "prosthesis_bionic":
        grips = rng.choice((14, 24, 36))
        hours = rng.choice((12, 16, 24))
        return _simple({"grip_patterns": grips, "battery_hours": hours, "app_control": True, "custom": True},
                       f"Миоэлектрическое управление, {grips} схем хвата, "
                       f"работа от батареи до {hours} ч, настройка через приложение. Цена по смете.",
                       f"Myoelectric control, {grips} grip patterns, "
                       f"up to {hours} h on a charge, set up in an app. Priced by quote.",
                       f"Миоэлектрлік басқару, {grips} ұстау түрі, батареямен {hours} сағатқа дейін жұмыс, "
                       "қосымша арқылы баптау. Бағасы смета бойынша.")
    if template == "breast_prosthesis":
        return _simple({"material": "silicone", "sizes": "1-12"},
                       "Силиконовый экзопротез, размеры 1-12, подбор по форме, в комплекте чехол.",
                       "Silicone breast form, sizes 1-12, fitted to shape, cover included.",
                       "Силикон экзопротез, 1-12 өлшемдер, пішініне қарай таңдалады, қабы бар.")
    if template == "stump_sock":
        return _simple({"material": rng.choice(("wool", "cotton", "gel")), "pack": 1},
                       "Мягкий чехол для защиты кожи культи.",
                       "A soft sock to protect the skin of the residual limb.",
                       "Тұқыл терісін қорғайтын жұмсақ қап.")
    if template == "shoes":
        sizes = f"{rng.choice((20, 23, 35, 36))}-{rng.choice((34, 46, 47))}"
        return _simple({"sizes": sizes, "custom_last": rng.random() < 0.5, "upper": "leather"},
                       "Натуральная кожа, жёсткий задник, ортопедическая стелька, "
                       f"размеры {sizes}; пошив по колодке или по слепку.",
                       "Leather upper, firm heel counter, orthopaedic insole, "
                       f"sizes {sizes}; made on a last or to a cast.",
                       "Табиғи былғары, қатты өкше, ортопедиялық ұлтарақ, "
                       f"{sizes} өлшемдер; қалып немесе өлшем бойынша тігіледі.")
    if template in {"orthosis", "bandage"}:
        size = rng.choice(("S", "M", "L", "XL"))
        return _simple({"size": size, "adjustable": True},
                       f"Размер {size}, регулируемая фиксация, подгонка специалистом при выдаче.",
                       f"Size {size}, adjustable fixation, fitted by a specialist on delivery.",
                       f"Өлшемі {size}, бекітуі реттеледі, беру кезінде маман келтіреді.")
    if template == "hearing_aid":
        channels = rng.choice((8, 12, 16, 20, 24))
        loss_ru, loss_en, loss_kk = rng.choice(_HEARING_LOSS)
        battery = rng.choice(("13", "312", "675", ""))
        attrs = {"channels": channels, "hearing_loss": loss_en, "battery": battery or "rechargeable",
                 "bluetooth": rng.random() < 0.6}
        power_ru, power_en, power_kk = ((f"элемент питания {battery}", f"size {battery} battery",
                                         f"{battery} қоректендіру элементі") if battery
                                        else ("встроенный аккумулятор", "built-in rechargeable battery",
                                              "кірістірілген аккумулятор"))
        return _simple(attrs,
                       f"{channels} каналов, при тугоухости {loss_ru}, {power_ru}; настройка аудиологом.",
                       f"{channels} channels, for {loss_en} hearing loss, {power_en}; fitted by an audiologist.",
                       f"{channels} арна, {loss_kk} есту кемістігіне арналған, {power_kk}; аудиолог баптайды.")
    if template == "ear_mould":
        return _simple({"material": rng.choice(("acrylic", "silicone"))},
                       "Изготовление по слепку слухового прохода за 3-5 дней.",
                       "Made from an ear impression in 3-5 days.",
                       "Құлақ өтуінің қалыбы бойынша 3-5 күнде жасалады.")
    if template == "battery":
        return _simple({"pack": 6, "type": "zinc-air"},
                       "Воздушно-цинковые элементы, упаковка по 6 штук, цена за штуку.",
                       "Zinc-air cells, packs of 6, price per cell.",
                       "Мырыш-ауа элементтері, 6 данадан қаптама, бағасы бір данаға.")
    if template == "signaller":
        return _simple({"receivers": rng.choice((1, 2, 3)), "vibration": True},
                       "Сигнал дверного звонка, телефона и плача ребёнка вспышкой и вибрацией.",
                       "Signals the doorbell, phone and a crying baby by flash and vibration.",
                       "Есік қоңырауын, телефонды және баланың жылағанын жарқылмен және дірілмен білдіреді.")
    if template == "white_cane":
        length = rng.choice((110, 115, 120, 125, 130))
        return _simple({"length_cm": length, "sections": rng.choice((4, 5)), "tip": "roller"},
                       f"Длина {length} см, складная, роликовый наконечник, светоотражающие полосы.",
                       f"Length {length} cm, folding, roller tip, reflective bands.",
                       f"Ұзындығы {length} см, бүктеледі, роликті ұшы, жарық шағылыстыратын жолақтар.")
    if template == "talking_watch":
        return _simple({"language": ["kk", "ru"], "alarm": True},
                       "Время и дата голосом на казахском и русском языках, будильник.",
                       "Speaks the time and date in Kazakh and Russian, alarm.",
                       "Уақыт пен күнді қазақ және орыс тілдерінде дауыстап айтады, оятқыш бар.")
    if template == "tactile_watch":
        return _simple({"mechanism": "quartz", "open_dial": True},
                       "Открывающееся стекло, выпуклые метки, время определяется на ощупь.",
                       "Opening crystal and raised marks: the time is read by touch.",
                       "Ашылатын әйнек, бедерлі белгілер, уақыт сипап анықталады.")
    if template == "talking_device":
        return _simple({"language": ["kk", "ru"], "memory": rng.choice((30, 60, 90))},
                       "Результат измерения произносится голосом на казахском и русском языках.",
                       "Reads the measurement aloud in Kazakh and Russian.",
                       "Өлшеу нәтижесін қазақ және орыс тілдерінде дауыстап айтады.")
    if template == "braille_slate":
        return _simple({"lines": 4, "cells": 28},
                       "Прибор с грифелем для письма шрифтом Брайля, 4 строки по 28 знаков.",
                       "Slate and stylus for writing Braille, 4 lines of 28 cells.",
                       "Брайль жазуына арналған грифельді аспап, 4 жол, 28 таңбадан.")
    if template == "braille_display":
        return _simple({"cells": 40, "bluetooth": True, "usb": True, "battery_hours": rng.choice((12, 20))},
                       "40 брайлевских ячеек, Bluetooth и USB, работает с экранными чтецами.",
                       "40 Braille cells, Bluetooth and USB, works with screen readers.",
                       "40 Брайль ұяшығы, Bluetooth және USB, экран оқығыштарымен жұмыс істейді.")
    if template == "book_player":
        return _simple({"formats": ["DAISY", "MP3", "TXT"], "battery_hours": rng.choice((10, 15, 20))},
                       "Воспроизводит DAISY, MP3 и текст, тактильные кнопки, озвученное меню.",
                       "Plays DAISY, MP3 and text, tactile buttons, spoken menus.",
                       "DAISY, MP3 және мәтінді ойнатады, тактильді батырмалар, дыбысталған мәзір.")
    if template == "magnifier":
        return _simple({"screen_inch": rng.choice((5, 6, 8)), "zoom": "2-22x"},
                       "Увеличение 2-22×, контрастные режимы, складная ручка.",
                       "2-22× zoom, contrast modes, folding handle.",
                       "2-22× үлкейту, контраст режимдері, бүктелетін тұтқа.")
    if template == "diaper":
        size = rng.choice(("S", "M", "L", "XL"))
        drops = rng.choice((6, 7, 8))
        return _simple({"size": size, "absorbency_drops": drops, "pack": rng.choice((10, 14, 30))},
                       f"Размер {size}, впитываемость {drops} капель, "
                       "цена за штуку. Выдача по квоте: 4 в день, 365 в квартал.",
                       f"Size {size}, absorbency {drops} drops, price per piece. "
                       "Issued by quota: 4 a day, 365 a quarter.",
                       f"Өлшемі {size}, сіңіргіштігі {drops} тамшы, "
                       "бағасы бір данаға. Квота бойынша: күніне 4, тоқсанына 365.")
    if template == "sheet":
        return _simple({"size_cm": "60x90", "pack": 30},
                       "Одноразовые впитывающие пелёнки 60×90 см, цена за штуку.",
                       "Disposable absorbent sheets 60×90 cm, price per piece.",
                       "Бір реттік сіңіргіш жаялықтар 60×90 см, бағасы бір данаға.")
    if template == "urine_bag":
        volume = rng.choice((500, 750, 1000))
        return _simple({"volume_ml": volume, "anti_reflux_valve": True, "drain_tap": True},
                       f"Мешок {volume} мл с антирефлюксным клапаном и сливным краном, "
                       "крепление на ногу, цена за штуку.",
                       f"{volume} ml bag with anti-reflux valve and drain tap, leg straps, price per piece.",
                       f"{volume} мл қап, кері ағуға қарсы клапаны және ағызу краны бар, аяққа бекітіледі, "
                       "бағасы бір данаға.")
    if template == "ostomy":
        return _simple({"pieces": 1, "filter": True, "pack": 30},
                       "Гипоаллергенная адгезивная пластина, фильтр, цена за штуку.",
                       "Hypoallergenic adhesive, filter, price per piece.",
                       "Гипоаллергенді жабысқақ пластина, сүзгі, бағасы бір данаға.")
    if template == "catheter":
        return _simple({"size_ch": rng.choice((10, 12, 14)), "hydrophilic": True},
                       "Гидрофильный катетер, готовый к использованию, цена за штуку.",
                       "Ready-to-use hydrophilic catheter, price per piece.",
                       "Қолдануға дайын гидрофильді катетер, бағасы бір данаға.")
    if template in {"mattress", "cushion"}:
        load = rng.choice((120, 135, 150))
        return _simple({"max_load_kg": load, "type": rng.choice(("cellular", "tubular", "air"))},
                       f"Для профилактики пролежней, нагрузка до {load} кг.",
                       f"Prevents pressure sores, load up to {load} kg.",
                       f"Ойық жараның алдын алуға арналған, жүктеме {load} кг дейін.")
    if template == "bath_chair":
        load = rng.choice((100, 120, 136))
        return _simple({"max_load_kg": load, "adjustable_height": True},
                       f"Регулируемая высота, подлокотники, нагрузка до {load} кг.",
                       f"Adjustable height, armrests, load up to {load} kg.",
                       f"Биіктігі реттеледі, шынтақ тіреуіштері бар, жүктеме {load} кг дейін.")
    if template == "sign_language":
        years = rng.randint(3, 25)
        remote = rng.random() < 0.7
        return _simple({"languages": ["kk", "ru"], "remote": remote, "on_site": True, "experience_years": years},
                       "Перевод на казахский и русский жестовый язык: в поликлинике, "
                       f"суде, ЦОНе и онлайн. Опыт {years} лет.",
                       "Interpreting into Kazakh and Russian sign language at clinics, "
                       f"courts, service centres and online. {years} years' experience.",
                       "Емханада, сотта, ХҚКО-да және онлайн қазақ және орыс ымдау тіліне аударма. "
                       f"Тәжірибесі {years} жыл.")
    if template == "assistant":
        staff = rng.randint(5, 60)
        return _simple({"assistants": staff, "max_hours_per_day": 8, "first_aid_trained": True},
                       "Сопровождение к месту учёбы, работы, в медицинские и государственные учреждения; "
                       f"{staff} помощников, не более 8 часов в день.",
                       "Accompanies to study, work, clinics and public offices; "
                       f"{staff} assistants, at most 8 hours a day.",
                       "Оқуға, жұмысқа, медициналық және мемлекеттік мекемелерге ертіп барады; "
                       f"{staff} көмекші, күніне 8 сағаттан аспайды.")
    if template == "sanatorium":
        profiles = rng.sample(sorted(_SANATORIUM_PROFILES), k=2)
        rooms = rng.randint(4, 30)
        ru_p, en_p, kk_p = (", ".join(_SANATORIUM_PROFILES[p][i] for p in profiles) for i in range(3))
        return _simple({"course_days": 14, "profiles": profiles, "accessible_rooms": rooms, "meals_per_day": 4},
                       f"Курс 14 дней: проживание, четырёхразовое питание, лечение. Профиль: {ru_p}. "
                       f"Номеров для колясочников: {rooms}.",
                       f"14-day course: room, four meals a day, treatment. Profile: {en_p}. "
                       f"Wheelchair-accessible rooms: {rooms}.",
                       f"14 күндік курс: тұру, күніне төрт рет тамақ, емдеу. Бейіні: {kk_p}. "
                       f"Арбамен жүретіндерге арналған бөлмелер: {rooms}.")
    if template == "invataxi":
        vehicle = rng.choice(
            ("Hyundai H-1 с пандусом", "Ford Transit с подъёмником", "Mercedes Sprinter с подъёмником")
        )
        vehicle_en = vehicle.replace(" с пандусом", " with ramp").replace(" с подъёмником", " with lift")
        vehicle_kk = vehicle.replace(" с пандусом", " (пандусы бар)").replace(" с подъёмником", " (көтергіші бар)")
        return _simple({"vehicle": vehicle_en, "wheelchair_places": rng.choice((1, 2)), "booking_hours": "08:00-20:00"},
                       f"Перевозка в пределах города, автомобиль {vehicle}, заказ за сутки с 08:00 до 20:00.",
                       f"Trips within the city, {vehicle_en}, book a day ahead, 08:00-20:00.",
                       f"Қала ішінде тасымалдау, {vehicle_kk} көлігі, тапсырыс бір тәулік бұрын 08:00-20:00.")
    if template in {"social_home", "social_day"}:
        staff = rng.randint(6, 40)
        return _simple({"staff": staff, "services": ["SOCIAL_HOUSEHOLD", "SOCIAL_MEDICAL", "SOCIAL_PSYCHOLOGICAL"]},
                       "Социально-бытовые, социально-медицинские и социально-психологические услуги; "
                       f"{staff} специалистов.",
                       f"Household, medical and psychological social services; {staff} specialists.",
                       "Әлеуметтік-тұрмыстық, "
                       f"әлеуметтік-медициналық және әлеуметтік-психологиялық қызметтер; {staff} маман.")
    return _simple({}, "", "", "")


_DEFAULT_TEMPLATES: Final[Mapping[str, str]] = {
    "MOBILITY": "wheelchair_outdoor", "PROSTHETICS": "prosthesis_leg", "ORTHOTICS": "orthosis",
    "HEARING": "hearing_aid", "VISION": "talking_device", "HYGIENE": "diaper", "SIGN_LANGUAGE": "sign_language",
    "PERSONAL_ASSISTANT": "assistant", "SANATORIUM": "sanatorium", "TRANSPORT": "invataxi",
    "SELF_CARE": "mattress", "SOCIAL_SERVICES": "social_home",
}


def _brand_key(template: str) -> str:
    if template in {"wheelchair_indoor", "wheelchair_outdoor"}:
        return "wheelchair"
    if template in {"sanatorium", "invataxi", "sign_language", "assistant", "social_home", "social_day"}:
        return ""
    return template


def listing_texts(item: Any, provider_name: str, rng: random.Random) -> dict[str, Any]:
    """Multilingual title and description, and attributes, for a provider's offer of ``item``.

    ``item`` is a ``ClassifierEntry``, a mapping, or any object with ``code``,
    ``category`` (a string or an enum) and ``name_kk/ru/en``. A provider keeps
    the same brand for the same kind of item; models and attributes vary.
    Returns ``title_kk/ru/en`` (at most 200 characters), ``description_kk/ru/en``
    and ``attributes`` (a JSON-ready dict).
    """
    code = _plain(_get(item, "code", ""))
    category = _plain(_get(item, "category", ""))
    entry = CLASSIFIER_BY_CODE.get(code)
    template = entry.template if entry is not None else _DEFAULT_TEMPLATES.get(category, "")
    names = {lang: str(_get(item, f"name_{lang}", "") or (entry and getattr(entry, f"name_{lang}")) or code)
             for lang in ("kk", "ru", "en")}
    attrs, ru, en, kk = _template_texts(template, rng)
    brand_key = _brand_key(template)
    if brand_key in _BRANDS:
        brand, models = _pick(_BRANDS[brand_key], f"{provider_name}|{brand_key}")
        model = rng.choice(models)
        attrs = {"brand": brand, "model": model, **attrs}
        label = f"{brand} {model}"
        titles = {lang: f"{names[lang]} — {label}" for lang in names}
        warranty = rng.choice((6, 12, 24))
        delivery_ru = f"Поставщик {provider_name}: доставка по региону, гарантия {warranty} мес."
        delivery_en = f"Supplied by {provider_name}: delivery within the region, {warranty}-month warranty."
        delivery_kk = f"Жеткізуші {provider_name}: өңір бойынша жеткізу, кепілдік {warranty} ай."
    else:
        titles = {lang: f"{names[lang]} — {provider_name}" for lang in names}
        delivery_ru = f"Услугу оказывает {provider_name}."
        delivery_en = f"Provided by {provider_name}."
        delivery_kk = f"Қызметті {provider_name} көрсетеді."
    return {
        "title_kk": titles["kk"][:200],
        "title_ru": titles["ru"][:200],
        "title_en": titles["en"][:200],
        "description_kk": f"{names['kk']}. {kk} {delivery_kk}".replace("  ", " ").strip(),
        "description_ru": f"{names['ru']}. {ru} {delivery_ru}".replace("  ", " ").strip(),
        "description_en": f"{names['en']}. {en} {delivery_en}".replace("  ", " ").strip(),
        "attributes": attrs,
    }
