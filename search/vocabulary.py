"""The words people use for each aid and service, beside the classifier's own wording.

A recipient types "памперсы", "инватакси", "протез ноги", "hearing aids for kids", not
"Подгузники для взрослых (абсорбирующее бельё)". Every search document carries, in its
``search_title`` field, the everyday words of its classifier item (``EVERYDAY_WORDS``, by the
national classifier's code) and of its category (``CATEGORY_WORDS``, for items added later
under other codes), stemmed like every other word (``search.wording``). The database fallback
reads the same tables (``everyday_codes``), so both backends know the same words.

Words go where they name the item: "глухой" (deaf) belongs to hearing aids and to sign-language
interpreting, "такси" to the invataxi only; a word on too many items only adds noise.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Final

from search.wording import STOP_WORDS, search_words

_CHILD: Final = ("для детей", "детский", "детская", "ребенок", "ребёнку", "для ребенка", "балаларға", "бала",
                 "балалар", "child", "children", "kids", "kid")
_WHEELCHAIR: Final = ("инвалидное кресло", "инвалидная коляска", "коляска для инвалидов", "кресло коляска",
                      "мүгедектер арбасы", "мүгедек арбасы", "арба", "wheelchair")
_LEG: Final = ("протез ноги", "нога", "аяқ протезі", "аяқ", "leg prosthesis", "prosthetic leg", "artificial leg",
               "leg")
_ARM: Final = ("протез руки", "рука", "қол протезі", "қол", "artificial arm", "prosthetic arm", "arm prosthesis",
               "arm")
_SHOES: Final = ("ортопедические ботинки", "ортопедическая обувь", "ортобувь", "ортопедиялық аяқ киім",
                 "orthopedic shoes", "orthopaedic footwear", "orthopedic boots")
_HEARING_AID: Final = ("слуховой аппарат", "слуховые аппараты", "есту аппараты", "hearing aid", "hearing aids")
_DEAF: Final = ("глухой", "глухих", "глухота", "слабослышащий", "тугоухость", "саңырау", "нашар еститін",
                "deaf", "hard of hearing", "hearing loss")
_BLIND: Final = ("незрячий", "незрячих", "слепой", "слепых", "слабовидящий", "зағип", "зағиптарға",
                 "нашар көретін", "blind", "visually impaired")
_DIAPERS: Final = ("памперсы", "памперс", "подгузники", "жөргек", "diapers", "nappies", "pampers")
_SANATORIUM: Final = ("санаторий", "путевка в санаторий", "курорт", "оздоровление", "шипажай", "санаторийге жолдама",
                      "sanatorium", "spa", "health resort")

EVERYDAY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    # -- mobility
    "TSR-01-001": (*_WHEELCHAIR, "комнатная", "для дома", "домашняя", "үйге", "indoor", "for home"),
    "TSR-01-002": (*_WHEELCHAIR, "прогулочная", "для улицы", "уличная", "серуендік", "outdoor"),
    "TSR-01-003": (*_WHEELCHAIR, "активная", "спортивная", "лёгкая", "белсенді", "active", "sport", "lightweight"),
    "TSR-01-004": (*_WHEELCHAIR, "электроколяска", "электрическая коляска", "с мотором", "с электроприводом",
                   "электр арба", "электрлі", "power wheelchair", "electric wheelchair", "motorized", "powerchair"),
    "TSR-01-005": (*_WHEELCHAIR, *_CHILD, "дцп", "детская коляска", "церебралды сал", "cerebral palsy"),
    "TSR-01-006": ("ходунки", "ходунок", "шагающие", "для пожилых", "walker", "walking frame", "zimmer frame"),
    "TSR-01-007": ("ходунки", "ходунок", "роллатор", "на колёсиках", "на колесах", "дөңгелекті", "rollator",
                   "walker with wheels", "wheeled walker", "walker"),
    "TSR-01-008": ("костыли", "костыль", "подмышечные", "балдақ", "балдақтар", "crutches", "crutch",
                   "underarm crutches"),
    "TSR-01-009": ("костыли", "костыль", "локтевые", "канадки", "канадские костыли", "балдақ", "балдақтар",
                   "crutches", "crutch", "forearm crutches", "elbow crutches"),
    "TSR-01-010": ("трость", "палочка", "палочка для ходьбы", "таяқ", "cane", "walking stick"),
    "TSR-01-011": ("трость", "палочка", "палочка для ходьбы", "четырехопорная", "четыре ножки", "таяқ", "cane",
                   "walking stick", "quad cane"),
    "TSR-01-012": ("вертикализатор", "стойка", *_CHILD, "stander", "standing frame"),
    # -- prosthetics
    "TSR-02-001": (*_LEG, "голень", "ниже колена", "тізеден төмен", "below knee", "transtibial", "shin"),
    "TSR-02-002": (*_LEG, "бедро", "выше колена", "тізеден жоғары", "above knee", "transfemoral", "thigh"),
    "TSR-02-003": (*_LEG, "стопа", "табан", "foot prosthesis", "foot"),
    "TSR-02-004": (*_ARM, "предплечье", "косметический", "білек", "forearm", "cosmetic"),
    "TSR-02-005": (*_ARM, "предплечье", "тяговый", "білек", "forearm", "body powered"),
    "TSR-02-006": (*_ARM, "плечо", "иық", "shoulder", "upper arm"),
    "TSR-02-007": (*_ARM, "бионический протез", "бионическая рука", "кисть", "протез кисти", "бионикалық қол",
                   "қол ұшы", "bionic hand", "bionic arm", "myoelectric", "hand prosthesis", "hand"),
    "TSR-02-008": ("протез груди", "экзопротез", "грудь", "после мастэктомии", "сүт безі", "breast prosthesis",
                   "breast form", "mastectomy"),
    "TSR-02-009": ("чехол на культю", "культя", "тұқыл", "stump sock", "stump cover", "liner"),
    # -- orthotics
    "TSR-03-001": (*_SHOES, "летняя", "без утепления", "summer"),
    "TSR-03-002": (*_SHOES, "зимняя", "утепленная", "тёплая", "қысқы", "жылы", "winter", "insulated", "warm"),
    "TSR-03-003": (*_SHOES, *_CHILD, "детская обувь"),
    "TSR-03-004": ("ортез", "ортез на голеностоп", "голеностоп", "лодыжка", "тұрық", "ankle brace", "afo",
                   "ankle foot orthosis", "ankle"),
    "TSR-03-005": ("ортез", "ортез на колено", "наколенник", "колено", "тізе", "тізе ортезі", "knee brace",
                   "knee orthosis", "knee"),
    "TSR-03-006": ("корсет", "корсет для спины", "сколиоз", "позвоночник", "спина", "арқа", "омыртқа",
                   "back brace", "spinal brace", "scoliosis", "back"),
    "TSR-03-007": ("бандаж", "грыжа", "бандаж при грыже", "грыжевой", "жарық", "hernia belt", "hernia truss",
                   "hernia"),
    "TSR-03-008": ("бандаж", "бандаж на живот", "живот", "послеоперационный", "іш", "құрсақ", "abdominal binder",
                   "abdominal belt", "belly"),
    # -- hearing
    "TSR-04-001": (*_HEARING_AID, *_DEAF, "заушный", "за ухом", "құлақ артына", "behind the ear", "bte"),
    "TSR-04-002": (*_HEARING_AID, *_DEAF, "заушный", "мощный", "сверхмощный", "құлақ артына", "аса қуатты",
                   "behind the ear", "bte", "power", "powerful"),
    "TSR-04-003": (*_HEARING_AID, *_DEAF, "внутриушной", "в ухо", "вкладыш", "құлақ ішіне", "in the ear", "ite"),
    "TSR-04-004": (*_HEARING_AID, *_DEAF, *_CHILD, "детский слуховой аппарат"),
    "TSR-04-005": ("ушной вкладыш", "вкладыш", "ушной", "слепок уха", "құлақ қалыбы", "ear mould", "ear mold",
                   "earmold"),
    "TSR-04-006": ("батарейки", "батарейка", "элемент питания", "батарейкалар", "battery", "batteries",
                   "hearing aid batteries"),
    "TSR-04-007": ("сигнализатор", "световой звонок", "вибросигнал", "звонок для глухих", "дабыл",
                   "doorbell for deaf", "signaller", "flashing doorbell", *_DEAF),
    # -- vision
    "TSR-05-001": ("белая трость", "трость для слепых", "ақ таяқ", "таяқ", "white cane", "cane for the blind",
                   *_BLIND),
    "TSR-05-002": ("говорящие часы", "часы", "сөйлейтін сағат", "сағат", "talking watch", "watch", *_BLIND),
    "TSR-05-003": ("тактильные часы", "часы", "брайлевские часы", "тактильді сағат", "сағат", "tactile watch",
                   "braille watch", "watch", *_BLIND),
    "TSR-05-004": ("говорящий термометр", "говорящий градусник", "градусник", "термометр", "сөйлейтін термометр",
                   "talking thermometer", "thermometer", *_BLIND),
    "TSR-05-005": ("говорящий тонометр", "тонометр", "давление", "қан қысымы", "talking blood pressure monitor",
                   "blood pressure", *_BLIND),
    "TSR-05-006": ("брайль", "прибор брайля", "письмо брайлем", "грифель", "брайль жазуы", "braille slate",
                   "braille", *_BLIND),
    "TSR-05-007": ("брайль", "брайлевский дисплей", "дисплей брайля", "брайль дисплейі", "braille display",
                   "braille", *_BLIND),
    "TSR-05-008": ("говорящие книги", "аудиокниги", "плеер", "тифлофлешплеер", "сөйлейтін кітап",
                   "talking books", "audiobooks", "daisy player", *_BLIND),
    "TSR-05-009": ("видеоувеличитель", "электронная лупа", "лупа", "увеличитель", "бейнеұлғайтқыш", "ұлғайтқыш",
                   "magnifier", "video magnifier", "low vision"),
    # -- hygiene
    "TSR-06-001": (*_DIAPERS, "для взрослых", "взрослые памперсы", "ересектерге", "ересек", "adult diapers",
                   "incontinence pants", "incontinence", "adult"),
    "TSR-06-002": (*_DIAPERS, *_CHILD, "детские памперсы"),
    "TSR-06-003": ("пеленки", "пелёнки", "впитывающие пеленки", "простыни", "жаялық", "сіңіргіш жаялық",
                   "bed pads", "underpads", "absorbent sheets", "incontinence pads"),
    "TSR-06-004": ("мочеприемник", "писсуар", "уроприемник", "несеп қабылдағыш", "urine bag", "urinary bag"),
    "TSR-06-005": ("калоприемник", "стома", "стомный мешок", "стома мешок", "нәжіс қабылдағыш", "колостома",
                   "colostomy bag", "ostomy bag", "stoma bag", "stoma"),
    "TSR-06-006": ("катетер", "катетеры", "самокатетеризация", "катетерлер", "catheter", "catheters"),
    # -- self-care
    "TSR-07-001": ("противопролежневый матрас", "матрас от пролежней", "матрас", "матрац", "пролежни",
                   "ойық жара", "матрацы", "anti bedsore mattress", "pressure mattress", "air mattress", "bedsores"),
    "TSR-07-002": ("подушка от пролежней", "противопролежневая подушка", "подушка", "пролежни", "ойық жара",
                   "жастық", "pressure cushion", "cushion", "bedsores"),
    "TSR-07-003": ("туалетный стул", "стул туалет", "кресло туалет", "санитарный стул", "биотуалет", "дәретхана",
                   "commode", "commode chair", "toilet chair"),
    "TSR-07-004": ("сиденье для ванной", "стул для купания", "стул для душа", "ванна", "душ", "ваннаға орындық",
                   "bath seat", "shower chair", "bath chair", "shower"),
    # -- services
    "TSR-08-001": ("сурдопереводчик", "сурдоперевод", "переводчик жестового языка", "язык жестов",
                   "жестовый язык", "ымдау тілі", "сурдоаудармашы", "ым тілі", *_DEAF, "sign language",
                   "sign language interpreter", "interpreter for the deaf", "interpreter"),
    "TSR-09-001": ("помощник", "индивидуальный помощник", "ассистент", "сопровождающий", "сиделка", "жеке көмекші",
                   "көмекші", "personal assistant", "assistant", "carer", "caregiver", "helper"),
    "TSR-10-001": _SANATORIUM,
    "TSR-10-002": (*_SANATORIUM, "с сопровождающим", "с мамой", "с родителем", "алып жүрушімен", "with a companion",
                   "companion", "with parent"),
    "TSR-11-001": ("такси", "инватакси", "социальное такси", "такси для инвалидов", "перевозка", "колясочник",
                   "әлеуметтік такси", "тасымалдау", "taxi", "invataxi", "accessible taxi", "wheelchair taxi",
                   "transport", "ride"),
    "TSR-12-001": ("социальные услуги на дому", "уход на дому", "сиделка", "соцработник", "үйде күтім",
                   "әлеуметтік қызметкер", "әлеуметтік қызметтер", "home care", "social worker", "care at home"),
    "TSR-12-002": ("дневной стационар", "центр дневного пребывания", "полустационар", "дневное пребывание",
                   "күндізгі", "әлеуметтік қызметтер", "day care", "day centre", "day care centre"),
}

# Broad words of a category, for items whatever their code (also those added after this list).
CATEGORY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "MOBILITY": ("средство передвижения", "mobility aid"),
    "PROSTHETICS": ("протез", "протездер", "протезирование", "prosthesis", "prosthetic", "prosthetics"),
    "ORTHOTICS": ("ортопедия", "ортопедиялық", "orthopedic", "orthopaedic"),
    "HEARING": ("слух", "есту", "hearing"),
    "VISION": ("тифлотехника", "тифло", "зрение", "көру", "vision"),
    "HYGIENE": ("гигиена", "гигиеналық", "hygiene"),
    "SELF_CARE": ("уход", "күтім", "care"),
    "SIGN_LANGUAGE": ("сурдо", "ымдау", "sign"),
    "PERSONAL_ASSISTANT": ("помощь", "көмек", "assistance"),
    "SANATORIUM": ("лечение", "емдеу", "treatment"),
    "TRANSPORT": ("транспорт", "көлік", "transport"),
    "SOCIAL_SERVICES": ("социальные услуги", "әлеуметтік", "social services"),
}


def everyday_text(code: str, category: str) -> str:
    """The everyday words of one classifier item, as a line of text for its documents."""
    return " ".join((*EVERYDAY_WORDS.get(code, ()), *CATEGORY_WORDS.get(category, ())))


@lru_cache(maxsize=1)
def _stem_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    by_code: dict[str, set[str]] = {}
    by_category: dict[str, set[str]] = {}
    for code, words in EVERYDAY_WORDS.items():
        for stem in search_words(" ".join(words), keep_stop_words=True):
            by_code.setdefault(stem, set()).add(code)
    for category, words in CATEGORY_WORDS.items():
        for stem in search_words(" ".join(words), keep_stop_words=True):
            by_category.setdefault(stem, set()).add(category)
    return ({k: frozenset(v) for k, v in by_code.items()}, {k: frozenset(v) for k, v in by_category.items()})


def everyday_codes(stem: str) -> tuple[frozenset[str], frozenset[str]]:
    """The classifier codes and the categories whose everyday words hold ``stem``."""
    by_code, by_category = _stem_index()
    return by_code.get(stem, frozenset()), by_category.get(stem, frozenset())


def words_fingerprint() -> str:
    """A hash of what documents are made of beside the listing: the everyday words and what the
    stemmer makes of them. ``search.settings.DOCUMENT_WORDS`` pins it to ``SETTINGS_VERSION``,
    so a change here asks for a version bump (and the reindex that follows)."""
    words = sorted({w for group in (*EVERYDAY_WORDS.values(), *CATEGORY_WORDS.values()) for w in group})
    body = json.dumps(
        [EVERYDAY_WORDS, CATEGORY_WORDS, sorted(STOP_WORDS), [search_words(w, keep_stop_words=True) for w in words]],
        ensure_ascii=False, sort_keys=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]
