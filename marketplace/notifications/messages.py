"""What notifications and application forms say, in Kazakh, Russian and English.

Pure functions and data: no database. A template is a (title, body) pair per
language with ``str.format`` placeholders; the values are rendered for the
language too (``Localized`` names, dates as dd.mm.yyyy, times in Almaty,
money in tenge). A missing placeholder renders as an empty string rather than
failing a transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from marketplace.accounts.models import Language
from marketplace.clock import local_time

KK, RU, EN = Language.KK, Language.RU, Language.EN

MAX_TITLE = 300
MAX_BODY = 4000
NBSP = "\u00a0"


@dataclass(frozen=True)
class Localized:
    """A value said differently in each language (a classifier item's name, a label)."""

    kk: str
    ru: str
    en: str

    def in_(self, language: Language) -> str:
        text = {KK: self.kk, RU: self.ru, EN: self.en}[language]
        return text or self.ru or self.kk or self.en


@dataclass(frozen=True)
class Money:
    amount: Decimal


def _group_thousands(amount: Decimal, sep: str, point: str) -> str:
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{sep.join(groups)}{point}{frac}"


def render_value(value: Any, language: Language) -> str:
    if value is None:
        return ""
    if isinstance(value, Localized):
        return value.in_(language)
    if isinstance(value, Money):
        if language == EN:
            return f"{_group_thousands(value.amount, ',', '.')} KZT"
        return f"{_group_thousands(value.amount, NBSP, ',')}{NBSP}₸"
    if isinstance(value, dt.datetime):
        return local_time(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"  # 10.00 -> 10, 3.50 -> 3.5
        return text if language == EN else text.replace(".", ",")
    return str(value)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, params: Mapping[str, Any], language: Language) -> str:
    rendered = _Params({k: render_value(v, language) for k, v in params.items()})
    return string.Formatter().vformat(template, (), rendered)


# -- notification templates ---------------------------------------------------------------------
# key -> language -> (title, body), kept as data in templates.json (one entry a notification kind,
# its "kk", "ru" and "en" wording each a [title, body] pair).
TEMPLATES: dict[str, dict[Language, tuple[str, str]]] = {
    key: {Language(language.upper()): (title, body) for language, (title, body) in wordings.items()}
    for key, wordings in json.loads((Path(__file__).parent / "templates.json").read_text(encoding="utf-8")).items()
}


def render(key: str, language: Language, params: Mapping[str, Any]) -> tuple[str, str]:
    """The (title, body) of template ``key`` in ``language``, trimmed to the column sizes."""
    title, body = TEMPLATES[key][language]
    return _format(title, params, language)[:MAX_TITLE], _format(body, params, language)[:MAX_BODY]


# -- labels -------------------------------------------------------------------------------------
APPLICATION_KINDS: dict[str, Localized] = {
    "INDIVIDUAL_ASSISTANT": Localized("жеке көмекшінің қызметтері", "услуги индивидуального помощника",
                                      "individual assistant services"),
    "SPECIAL_SOCIAL_SERVICES": Localized("арнаулы әлеуметтік қызметтер", "специальные социальные услуги",
                                         "special social services"),
    "MISSING_AID": Localized("оңалту бағдарламасына құралды қосу", "включение средства в ИПР",
                             "adding an aid to the IRP"),
}
SERVICE_FORMS: dict[str, Localized] = {
    "HOME": Localized("үйде", "на дому", "at home"),
    "DAY_CARE": Localized("жартылай стационар", "полустационар", "day care"),
    "RESIDENTIAL": Localized("стационар", "стационар", "residential"),
}
SUBJECTS: dict[str, Localized] = {
    "Application": Localized("Өтініш", "Заявление", "Application"),
    "CompensationClaim": Localized("Өтемақыға өтінім", "Заявка на возмещение", "Compensation claim"),
}
TRIP_EXTRAS = {
    "wheelchair": Localized(" Мүгедектер арбасы.", " Кресло-коляска.", " Wheelchair."),
    "companion": Localized(" Алып жүрушімен.", " С сопровождающим.", " With a companion."),
}

# -- what the records prove (application forms) -------------------------------------------------
FACT_LABELS: dict[str, Localized] = {
    "IDENTITY": Localized("Жеке басын куәландыратын құжат", "Документ, удостоверяющий личность", "Identity document"),
    "RESIDENCE": Localized("Тұрақты тұрғылықты жері бойынша тіркеу", "Регистрация по постоянному месту жительства",
                           "Registration at permanent residence"),
    "DISABILITY": Localized("Мүгедектікті белгілеу", "Установление инвалидности", "Established disability"),
    "MOBILITY": Localized("Қозғалудағы қиындық", "Затруднение в передвижении", "Difficulty moving"),
    "CARER_ALLOWANCE": Localized("Күтім жасайтын адамға жәрдемақы", "Пособие лицу, осуществляющему уход",
                                 "Carer's allowance"),
    "IRP": Localized("Оңалтудың жеке бағдарламасы", "Индивидуальная программа реабилитации",
                     "Individual rehabilitation programme"),
    "LEGAL_REPRESENTATIVE": Localized("Заңды өкіл", "Законный представитель", "Legal representative"),
    "AGE": Localized("Жасы", "Возраст", "Age"),
    "AID_NOT_IN_IRP": Localized("Бағдарламада жоқ құрал", "Средство, отсутствующее в ИПР", "Aid not in the IRP"),
}
FACT_SOURCES: dict[str, Localized] = {
    "PERSONS": Localized("«Жеке тұлғалар» мемлекеттік деректер қоры", "ГБД «Физические лица»",
                         "State database of individuals"),
    "MSE": Localized("Медициналық-әлеуметтік сараптама деректері", "Данные медико-социальной экспертизы",
                     "Medical-social examination records"),
    "IRP": Localized("Оңалтудың жеке бағдарламасы", "Индивидуальная программа реабилитации",
                     "Individual rehabilitation programme"),
    "PAYMENTS": Localized("Әлеуметтік төлемдер деректері", "Данные о социальных выплатах", "Social payments records"),
}
_GROUPS = {
    "I": Localized("I топ", "I группа", "group I"),
    "II": Localized("II топ", "II группа", "group II"),
    "III": Localized("III топ", "III группа", "group III"),
    "CHILD": Localized("мүгедектігі бар бала", "ребёнок с инвалидностью", "child with a disability"),
}
_EXAM = {
    "IN_PERSON": Localized("күндізгі", "очно", "in person"),
    "IN_ABSENTIA": Localized("сырттай", "заочно", "in absentia"),
}


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def fact_value(code: str, data: Mapping[str, Any], language: Language) -> str:
    """A proven fact's value as a sentence in ``language`` (facts are stored as data, not text)."""
    d = data
    if code == "IDENTITY":
        label = {EN: "IIN {iin}, {name}, born {birth}", RU: "ИИН {iin}, {name}, дата рождения {birth}",
                 KK: "ЖСН {iin}, {name}, туған күні {birth}"}[language]
        return _format(label, {"iin": d.get("iin"), "name": d.get("full_name"),
                               "birth": _date(d.get("birth_date"))}, language)
    if code == "RESIDENCE":
        region = Localized(d.get("region_kk", ""), d.get("region_ru", ""), d.get("region_en", "")).in_(language)
        return ", ".join(p for p in (region, d.get("address") or "") if p)
    if code == "DISABILITY":
        group = _GROUPS.get(d.get("group", ""), Localized(d.get("group", ""), d.get("group", ""), d.get("group", "")))
        until = _date(d.get("valid_until"))
        period = {
            EN: "from {start} until {end}" if until else "from {start}, no end date",
            RU: "с {start} по {end}" if until else "с {start}, бессрочно",
            KK: "{start} бастап {end} дейін" if until else "{start} бастап, мерзімсіз",
        }[language]
        decision = {EN: "MSE decision {n}", RU: "решение МСЭ {n}", KK: "МӘС шешімі {n}"}[language]
        parts = [group.in_(language), _format(period, {"start": _date(d.get("valid_from")), "end": until}, language)]
        if d.get("decision_number"):
            parts.append(_format(decision, {"n": d["decision_number"]}, language))
        if d.get("exam_format") in _EXAM:
            parts.append(_EXAM[d["exam_format"]].in_(language))
        return ", ".join(parts)
    if code == "MOBILITY":
        return Localized("белгіленген", "установлено", "recorded").in_(language)
    if code == "CARER_ALLOWANCE":
        return Localized("төленбейді", "не выплачивается", "not paid").in_(language)
    if code == "IRP":
        codes = ", ".join(d.get("item_codes", []))
        label = {EN: "active lines: {n}", RU: "действующих позиций: {n}", KK: "қолданыстағы позициялар: {n}"}[language]
        text = _format(label, {"n": d.get("active_lines", 0)}, language)
        return f"{text} ({codes})" if codes else text
    if code == "LEGAL_REPRESENTATIVE":
        return str(d.get("full_name", ""))
    if code == "AGE":
        label = {EN: "{n} years", RU: "полных лет: {n}", KK: "{n} жас"}[language]
        return _format(label, {"n": d.get("years")}, language)
    if code == "AID_NOT_IN_IRP":
        name = Localized(d.get("name_kk", ""), d.get("name_ru", ""), d.get("name_en", "")).in_(language)
        return f"{d.get('code', '')} {name}".strip()
    return ""
