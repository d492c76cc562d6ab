"""Multilingual titles, descriptions and attributes for a demo listing (``listing_texts``)."""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping
from typing import Any, Final

from marketplace.demo.data import CLASSIFIER_BY_CODE


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
