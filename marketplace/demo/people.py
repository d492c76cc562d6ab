"""Names for demo persons: Kazakh and Russian surnames, first and father names, by sex."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Final

from marketplace.demo.data import SexCode


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
