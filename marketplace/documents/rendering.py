"""The PDF of a decision, in the person's language, with its glyphs embedded (fpdf2, DejaVu Sans).

DejaVu Sans has every Kazakh and Russian letter (ә ғ қ ң ө ұ ү һ і); fpdf2 embeds the subset of
the TTF the document uses, so the PDF reads the same on a machine without the font. The font is
Debian's ``fonts-dejavu-core`` (``scripts/setup.sh`` installs it) or ``TIREK_DOCUMENT_FONT``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

import datetime as dt

from marketplace.accounts.models import Language
from marketplace.i18n import format_date, format_money, local_time

FONT_CANDIDATES: Final = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


class FontMissing(RuntimeError):
    pass


def font_path() -> Path:
    for candidate in (os.environ.get("TIREK_DOCUMENT_FONT"), *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing("DejaVu Sans not found: install fonts-dejavu-core (scripts/setup.sh) or set TIREK_DOCUMENT_FONT")


# What the document says, per language. The facts come from the decision.
TEXTS: Final[dict[Language, dict[str, str]]] = {
    Language.KK: {
        "portal": "Tirek — әлеуметтік қызметтер порталы",
        "APPLICATION": "Өтініш бойынша шешім",
        "CLAIM": "Өтемақы талабы бойынша шешім",
        "APPROVED": "Мақұлданды",
        "REJECTED": "Қабылданбады",
        "code": "Құжат коды",
        "issued": "Берілген күні",
        "body": "Шешім қабылдаған орган",
        "body_name": "{region} әлеуметтік қорғау басқармасы",
        "person": "Алушы",
        "iin": "ЖСН",
        "subject": "Мәні",
        "decision": "Шешім",
        "amount": "Мақұлданған сома",
        "reason": "Себебі",
        "number": "Нөмірі",
        "seal": "Құжат порталдың электрондық цифрлық қолтаңбасымен (Ed25519) расталған. Түпнұсқалығын тексеру:",
        "key": "Кілт",
        "INDIVIDUAL_ASSISTANT": "Жеке көмекшінің қызметтері",
        "SPECIAL_SOCIAL_SERVICES": "Арнаулы әлеуметтік қызметтер",
        "MISSING_AID": "ЖОБ-да жоқ құрал",
    },
    Language.RU: {
        "portal": "Tirek — портал социальных услуг",
        "APPLICATION": "Решение по заявлению",
        "CLAIM": "Решение по заявке на возмещение",
        "APPROVED": "Одобрено",
        "REJECTED": "Отказано",
        "code": "Код документа",
        "issued": "Дата выдачи",
        "body": "Орган, принявший решение",
        "body_name": "Управление социальной защиты: {region}",
        "person": "Получатель",
        "iin": "ИИН",
        "subject": "Предмет",
        "decision": "Решение",
        "amount": "Одобренная сумма",
        "reason": "Причина",
        "number": "Номер",
        "seal": "Документ удостоверен электронной цифровой подписью портала (Ed25519). Проверить подлинность:",
        "key": "Ключ",
        "INDIVIDUAL_ASSISTANT": "Услуги индивидуального помощника",
        "SPECIAL_SOCIAL_SERVICES": "Специальные социальные услуги",
        "MISSING_AID": "Средство, которого нет в ИПР",
    },
    Language.EN: {
        "portal": "Tirek — the social services portal",
        "APPLICATION": "Decision on an application",
        "CLAIM": "Decision on a compensation claim",
        "APPROVED": "Approved",
        "REJECTED": "Rejected",
        "code": "Document code",
        "issued": "Issued on",
        "body": "Decided by",
        "body_name": "Social protection office: {region}",
        "person": "Recipient",
        "iin": "IIN",
        "subject": "Subject",
        "decision": "Decision",
        "amount": "Amount approved",
        "reason": "Reason",
        "number": "Number",
        "seal": "Certified by the portal's electronic digital signature (Ed25519). Verify it at:",
        "key": "Key",
        "INDIVIDUAL_ASSISTANT": "Individual assistant services",
        "SPECIAL_SOCIAL_SERVICES": "Special social services",
        "MISSING_AID": "An aid missing from the IRP",
    },
}


@dataclass(frozen=True)
class DecisionFacts:
    """Everything the document prints, already in the person's language where it is text."""

    subject: str  # DocumentSubject value
    subject_number: int
    decision: str  # APPROVED / REJECTED
    language: Language
    code: str
    issued_at: dt.datetime
    region_name: str
    person_name: str
    iin: str
    subject_title: str  # the kind of application, or the aid or service claimed
    amount: Decimal | None
    reason: str | None
    verify_url: str
    key_id: str


def render_decision(facts: DecisionFacts) -> bytes:
    # fpdf2 brings fontTools, Pillow and 440 modules: 20 MiB of every API process (a tenth of its
    # 200 MB budget), while a decision's PDF is made seldom. So it is imported by the first one.
    from fpdf import FPDF

    t = TEXTS[facts.language]
    pdf = FPDF(format="A4")
    pdf.set_title(f"{t[facts.subject]} {facts.code}")
    pdf.set_author("Tirek")
    pdf.set_lang(facts.language.value.lower())
    pdf.set_creation_date(facts.issued_at)
    font = str(font_path())
    pdf.add_font("DejaVu", "", font)
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 6, t["portal"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 9, t[facts.subject], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", size=11)
    rows = [
        (t["code"], facts.code),
        (t["number"], str(facts.subject_number)),
        (t["issued"], format_date(local_time(facts.issued_at).date(), facts.language)),
        (t["body"], t["body_name"].format(region=facts.region_name)),
        (t["person"], facts.person_name),
        (t["iin"], facts.iin),
        (t["subject"], facts.subject_title),
        (t["decision"], t[facts.decision]),
    ]
    if facts.amount is not None:
        rows.append((t["amount"], format_money(facts.amount, facts.language)))
    if facts.reason:
        rows.append((t["reason"], facts.reason))
    for label, value in rows:
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(60, 7, label, new_x="RIGHT", new_y="TOP")
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, f"{t['seal']} {facts.verify_url}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, f"{t['key']}: {facts.key_id}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
