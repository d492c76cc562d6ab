"""Reference data for demo and test databases, as plain Python (no database code).

* ``REGIONS``: the 20 regions (17 oblasts and 3 cities of republican significance,
  as of the 2022 reform), with an approximate share of the 732,100 persons with
  disabilities: population-weighted, a quarter heavier in the older northern and
  eastern oblasts and lighter in Astana.
* ``CLASSIFIER``: items of the state list of technical aids (TSR) and services,
  with caps in tenge. The caps are plausible demo values in the range of the
  portal's guaranteed prices, not the official norms of any year.
* ``DISABILITY_CAUSES`` and ``NOSOLOGIES``.

Generated from it: person names (``people``), provider organisations (``organisations``), and the
texts of listings (``listing_texts``).

Every generator takes a ``random.Random`` so a fixed seed gives the same data set.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

__all__ = [
    "CATEGORIES",
    "CLASSIFIER",
    "CLASSIFIER_BY_CODE",
    "DISABILITY_CAUSES",
    "DISABILITY_CAUSE_NAMES",
    "DISABILITY_CAUSE_WEIGHTS",
    "KINDS",
    "NOSOLOGIES",
    "REGIONS",
    "REGIONS_BY_CODE",
    "TOTAL_PERSONS_WITH_DISABILITIES",
    "UNITS",
    "ClassifierEntry",
    "Nosology",
    "RegionData",
    "choose_cause",
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
