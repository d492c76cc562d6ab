"""What notifications and application forms say, in Kazakh, Russian and English.

Pure functions and data: no database. A template is a (title, body) pair per
language with ``str.format`` placeholders; the values are rendered for the
language too (``Localized`` names, dates as dd.mm.yyyy, times in Almaty,
money in tenge). A missing placeholder renders as an empty string rather than
failing a transaction.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
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
# key -> language -> (title, body)
TEMPLATES: dict[str, dict[Language, tuple[str, str]]] = {
    # orders
    "order.placed": {
        EN: ("New order №{order}", "{quantity} × {item}. Accept or decline it."),
        RU: ("Новый заказ №{order}", "{quantity} × {item}. Примите или отклоните заказ."),
        KK: ("Жаңа тапсырыс №{order}", "{quantity} × {item}. Тапсырысты қабылдаңыз немесе одан бас тартыңыз."),
    },
    "order.accepted": {
        EN: ("Order №{order} accepted", "{provider} accepted your order: {item}."),
        RU: ("Заказ №{order} принят", "{provider} принял ваш заказ: {item}."),
        KK: ("№{order} тапсырыс қабылданды", "{provider} сіздің тапсырысыңызды қабылдады: {item}."),
    },
    "order.declined": {
        EN: ("Order №{order} declined",
             "{provider} declined your order ({item}): {reason}. The reserved quantity is back on your balance."),
        RU: ("Заказ №{order} отклонён",
             "{provider} отклонил ваш заказ ({item}): {reason}. Зарезервированное количество возвращено на баланс."),
        KK: ("№{order} тапсырыс қабылданбады",
             "{provider} сіздің тапсырысыңызды ({item}) қабылдамады: {reason}. Брондалған сан балансқа қайтарылды."),
    },
    "order.delivered": {
        EN: ("Order №{order} delivered", "{provider} reports {item} as delivered. Please confirm receipt."),
        RU: ("Заказ №{order} доставлен", "{provider} сообщает о доставке: {item}. Пожалуйста, подтвердите получение."),
        KK: ("№{order} тапсырыс жеткізілді", "{provider} жеткізілгенін хабарлады: {item}. Алғаныңызды растаңыз."),
    },
    "order.cancelled": {
        EN: ("Order №{order} cancelled", "The recipient cancelled the order: {item}."),
        RU: ("Заказ №{order} отменён", "Получатель отменил заказ: {item}."),
        KK: ("№{order} тапсырыс болдырылмады", "Алушы тапсырысты болдырмады: {item}."),
    },
    "order.confirmed": {
        EN: ("Order №{order} confirmed", "The recipient confirmed receipt: {item}. You can now claim compensation."),
        RU: ("Заказ №{order} подтверждён",
             "Получатель подтвердил получение: {item}. Теперь можно подать заявку на возмещение."),
        KK: ("№{order} тапсырыс расталды", "Алушы алғанын растады: {item}. Енді өтемақыға өтінім беруге болады."),
    },
    # service hours
    "service_log.logged": {
        EN: ("Hours to confirm",
             "{provider} logged {hours} h on {date} ({start}–{end}), worker {worker}. Confirm them or dispute them."),
        RU: ("Часы ожидают подтверждения",
             "{provider} внёс {hours} ч за {date} ({start}–{end}), специалист {worker}. Подтвердите или оспорьте их."),
        KK: ("Сағаттар растауды күтуде",
             ("{provider} {date} күнге {hours} сағат енгізді ({start}–{end}), маман: {worker}. "
              "Оларды растаңыз немесе дау айтыңыз.")),
    },
    "service_log.disputed": {
        EN: ("Hours disputed", "The recipient disputed {hours} h on {date}: {note}"),
        RU: ("Часы оспорены", "Получатель оспорил {hours} ч за {date}: {note}"),
        KK: ("Сағаттарға дау айтылды", "Алушы {date} күнгі {hours} сағатқа дау айтты: {note}"),
    },
    # claims
    "claim.submitted": {
        EN: ("New claim №{claim}", "A claim for {amount} awaits your decision by {due}."),
        RU: ("Новая заявка на возмещение №{claim}", "Заявка на {amount} ожидает решения до {due}."),
        KK: ("Өтемақыға жаңа өтінім №{claim}", "{amount} сомасына өтінім {due} дейін шешімді күтеді."),
    },
    "claim.submitted.person": {
        EN: ("A provider claimed payment for your service",
             "{provider} claimed {amount} from the state for: {item}. If you did not receive it, tell your local body."),
        RU: ("Поставщик запросил оплату за вашу услугу",
             "{provider} запросил у государства {amount} за: {item}. Если вы этого не получали, сообщите в местный орган."),
        KK: ("Жеткізуші сіздің қызметіңіз үшін төлем сұрады",
             "{provider} мемлекеттен {amount} сұрады: {item}. Егер сіз оны алмасаңыз, жергілікті органға хабарлаңыз."),
    },
    "claim.approved": {
        EN: ("Claim №{claim} approved", "Approved amount: {amount}."),
        RU: ("Заявка №{claim} одобрена", "Одобренная сумма: {amount}."),
        KK: ("№{claim} өтінім мақұлданды", "Мақұлданған сома: {amount}."),
    },
    "claim.approved.partly": {
        EN: ("Claim №{claim} approved in part", "Approved {amount} of the {claimed} claimed. Reason: {reason}"),
        RU: ("Заявка №{claim} одобрена частично", "Одобрено {amount} из заявленных {claimed}. Причина: {reason}"),
        KK: ("№{claim} өтінім ішінара мақұлданды", "Сұралған {claimed} ішінен {amount} мақұлданды. Себебі: {reason}"),
    },
    "claim.rejected": {
        EN: ("Claim №{claim} rejected", "Reason: {reason}"),
        RU: ("Заявка №{claim} отклонена", "Причина: {reason}"),
        KK: ("№{claim} өтінім қабылданбады", "Себебі: {reason}"),
    },
    "claim.paid": {
        EN: ("Claim №{claim} paid", "{amount} has been paid."),
        RU: ("Заявка №{claim} оплачена", "Выплачено: {amount}."),
        KK: ("№{claim} өтінім төленді", "Төленген сома: {amount}."),
    },
    "claim.paid.person": {
        EN: ("The state paid for your service", "{provider} was paid {amount} for: {item}."),
        RU: ("Государство оплатило вашу услугу", "{provider} получил {amount} за: {item}."),
        KK: ("Мемлекет сіздің қызметіңізді төледі", "{provider} {amount} алды: {item}."),
    },
    # applications
    "application.submitted": {
        EN: ("Application №{application} registered",
             "Your application ({kind}) is registered. The decision is due by {due}."),
        RU: ("Заявление №{application} зарегистрировано",
             "Ваше заявление ({kind}) зарегистрировано. Решение будет принято до {due}."),
        KK: ("№{application} өтініш тіркелді", "Сіздің өтінішіңіз ({kind}) тіркелді. Шешім {due} дейін шығарылады."),
    },
    "application.submitted.officer": {
        EN: ("New application №{application}", "{kind}: decide by {due}."),
        RU: ("Новое заявление №{application}", "{kind}: решение до {due}."),
        KK: ("Жаңа өтініш №{application}", "{kind}: шешім {due} дейін."),
    },
    "application.approved": {
        EN: ("Application №{application} approved",
             "{kind}: granted. {item}: {quantity}, from {valid_from} to {valid_until}, is now in your programme."),
        RU: ("Заявление №{application} одобрено",
             "{kind}: назначено. {item}: {quantity}, с {valid_from} по {valid_until}, добавлено в вашу программу."),
        KK: ("№{application} өтініш мақұлданды",
             ("{kind}: тағайындалды. {item}: {quantity}, {valid_from} бастап {valid_until} дейін, "
              "бағдарламаңызға қосылды.")),
    },
    "application.rejected": {
        EN: ("Application №{application} refused", "{kind}: refused. Reason: {reason}"),
        RU: ("По заявлению №{application} отказано", "{kind}: отказ. Причина: {reason}"),
        KK: ("№{application} өтініш бойынша бас тартылды", "{kind}: бас тартылды. Себебі: {reason}"),
    },
    # IRP
    "entitlement.issued": {
        EN: ("New line in your rehabilitation programme", "{item}: {quantity}, from {valid_from} to {valid_until}."),
        RU: ("Новая позиция в вашей ИПР", "{item}: {quantity}, с {valid_from} по {valid_until}."),
        KK: ("Оңалту бағдарламаңызда жаңа позиция", "{item}: {quantity}, {valid_from} бастап {valid_until} дейін."),
    },
    # listings
    "listing.approved": {
        EN: ("Listing published", "“{listing}” is now published in the catalogue."),
        RU: ("Объявление опубликовано", "«{listing}» опубликовано в каталоге."),
        KK: ("Хабарландыру жарияланды", "«{listing}» каталогта жарияланды."),
    },
    "listing.rejected": {
        EN: ("Listing rejected", "“{listing}” was rejected: {note}"),
        RU: ("Объявление отклонено", "«{listing}» отклонено: {note}"),
        KK: ("Хабарландыру қабылданбады", "«{listing}» қабылданбады: {note}"),
    },
    # invataxi
    "trip.requested": {
        EN: ("New invataxi booking №{trip}",
             "Pickup {when}: {pickup} → {dropoff}.{extras} Confirm it with a vehicle or propose another time."),
        RU: ("Новая заявка на инватакси №{trip}",
             "Подача {when}: {pickup} → {dropoff}.{extras} Подтвердите с автомобилем или предложите другое время."),
        KK: ("Инватаксиге жаңа тапсырыс №{trip}",
             "Келу уақыты {when}: {pickup} → {dropoff}.{extras} Көлікпен растаңыз немесе басқа уақыт ұсыныңыз."),
    },
    "trip.confirmed": {
        EN: ("Invataxi confirmed", "Trip №{trip} at {when}: vehicle {vehicle} ({model})."),
        RU: ("Инватакси подтверждено", "Поездка №{trip} {when}: автомобиль {vehicle} ({model})."),
        KK: ("Инватакси расталды", "№{trip} сапар {when}: көлік {vehicle} ({model})."),
    },
    "trip.time_proposed": {
        EN: ("Another time proposed for your trip",
             "The provider proposes {proposed} instead of {when} for trip №{trip}. Accept it or cancel the trip."),
        RU: ("Предложено другое время поездки",
             "Перевозчик предлагает {proposed} вместо {when} (поездка №{trip}). Примите его или отмените поездку."),
        KK: ("Сапарға басқа уақыт ұсынылды",
             "Тасымалдаушы №{trip} сапар үшін {when} орнына {proposed} ұсынады. Қабылдаңыз немесе сапарды болдырмаңыз."),
    },
    "trip.proposal_accepted": {
        EN: ("Proposed time accepted", "Trip №{trip}: the recipient accepted {when}. Confirm it with a vehicle."),
        RU: ("Предложенное время принято", "Поездка №{trip}: получатель согласился на {when}. Подтвердите с автомобилем."),
        KK: ("Ұсынылған уақыт қабылданды", "№{trip} сапар: алушы {when} уақытына келісті. Көлікпен растаңыз."),
    },
    "trip.declined": {
        EN: ("Invataxi booking declined", "Trip №{trip} at {when} was declined: {reason}. The trip is back on your balance."),
        RU: ("В поездке отказано", "Поездка №{trip} на {when} отклонена: {reason}. Поездка возвращена на ваш баланс."),
        KK: ("Сапардан бас тартылды", "{when} уақытындағы №{trip} сапар қабылданбады: {reason}. Сапар балансыңызға қайтарылды."),
    },
    "trip.cancelled": {
        EN: ("Trip cancelled", "The recipient cancelled trip №{trip} at {when}."),
        RU: ("Поездка отменена", "Получатель отменил поездку №{trip} на {when}."),
        KK: ("Сапар болдырылмады", "Алушы {when} уақытындағы №{trip} сапарды болдырмады."),
    },
    "trip.done": {
        EN: ("Trip done: please confirm", "The provider reports trip №{trip} at {when} as done. Confirm it if it took place."),
        RU: ("Поездка выполнена: подтвердите",
             "Перевозчик сообщает, что поездка №{trip} ({when}) выполнена. Подтвердите, если она состоялась."),
        KK: ("Сапар орындалды: растаңыз",
             "Тасымалдаушы №{trip} сапардың ({when}) орындалғанын хабарлады. Егер ол болса, растаңыз."),
    },
    "trip.completed": {
        EN: ("Trip confirmed by the recipient", "Trip №{trip} is complete; you can claim compensation for order №{order}."),
        RU: ("Поездка подтверждена получателем",
             "Поездка №{trip} завершена; можно подать заявку на возмещение по заказу №{order}."),
        KK: ("Сапарды алушы растады", "№{trip} сапар аяқталды; №{order} тапсырыс бойынша өтемақыға өтінім беруге болады."),
    },
    # provider verification
    "provider.verified": {
        EN: ("Your organisation is verified", "You can now publish listings and take orders. {reason}"),
        RU: ("Организация подтверждена", "Теперь можно публиковать предложения и принимать заказы. {reason}"),
        KK: ("Ұйымыңыз расталды", "Енді ұсыныстарды жариялап, тапсырыс қабылдай аласыз. {reason}"),
    },
    "provider.suspended": {
        EN: ("Your organisation is suspended",
             "Your listings are hidden and no new orders come in. Reason: {reason}"),
        RU: ("Деятельность организации приостановлена",
             "Ваши предложения скрыты, новые заказы не поступают. Причина: {reason}"),
        KK: ("Ұйымыңыздың қызметі тоқтатылды",
             "Ұсыныстарыңыз жасырылды, жаңа тапсырыстар түспейді. Себебі: {reason}"),
    },
    "provider.reinstated": {
        EN: ("Your organisation is reinstated", "Your listings are back and orders come in again. {reason}"),
        RU: ("Деятельность организации возобновлена", "Ваши предложения снова видны, заказы принимаются. {reason}"),
        KK: ("Ұйымыңыздың қызметі қайта жалғасты", "Ұсыныстарыңыз қайта көрінеді, тапсырыстар қабылданады. {reason}"),
    },
    # reviews
    "review.replied": {
        EN: ("The provider replied to your review", "“{listing}”: {reply}"),
        RU: ("Поставщик ответил на ваш отзыв", "«{listing}»: {reply}"),
        KK: ("Жеткізуші пікіріңізге жауап берді", "«{listing}»: {reply}"),
    },
    "review.hidden": {
        EN: ("Your review was hidden", "Your review of “{listing}” is no longer shown. Reason: {reason}"),
        RU: ("Ваш отзыв скрыт", "Ваш отзыв о «{listing}» больше не показывается. Причина: {reason}"),
        KK: ("Пікіріңіз жасырылды", "«{listing}» туралы пікіріңіз енді көрсетілмейді. Себебі: {reason}"),
    },
    # quotes for custom items
    "quote.requested.provider": {
        EN: ("Quote requested №{quote}", "A recipient asks for a price: {quantity} × {listing}. Answer by {due}."),
        RU: ("Запрос цены №{quote}", "Получатель запрашивает цену: {quantity} × {listing}. Ответьте до {due}."),
        KK: ("Баға сұралды №{quote}", "Алушы баға сұрайды: {quantity} × {listing}. {due} дейін жауап беріңіз."),
    },
    "quote.submitted.region": {
        EN: ("Quote №{quote} to decide", "{provider} quoted {price} for {item}. Decide by {due}."),
        RU: ("Смета №{quote} на согласование", "{provider} предложил {price} за: {item}. Решение до {due}."),
        KK: ("№{quote} баға ұсынысы келісуге", "{provider} {item} үшін {price} ұсынды. Шешім {due} дейін."),
    },
    "quote.submitted.person": {
        EN: ("Price quoted: №{quote}", "{provider} quoted {price} for {item}. Your local body decides by {due}."),
        RU: ("Цена предложена: №{quote}", "{provider} предложил {price} за: {item}. Местный орган решит до {due}."),
        KK: ("Баға ұсынылды: №{quote}", "{provider} {item} үшін {price} ұсынды. Жергілікті орган {due} дейін шешеді."),
    },
    "quote.revised.region": {
        EN: ("Quote №{quote} revised", "{provider} revised the quote for {item}: {price}. Decide by {due}."),
        RU: ("Смета №{quote} изменена", "{provider} изменил смету на {item}: {price}. Решение до {due}."),
        KK: ("№{quote} баға ұсынысы өзгертілді", "{provider} {item} бойынша ұсынысты өзгертті: {price}. Шешім {due} дейін."),
    },
    "quote.revised.person": {
        EN: ("Quote №{quote} revised", "{provider} revised the price for {item}: {price}."),
        RU: ("Смета №{quote} изменена", "{provider} изменил цену на {item}: {price}."),
        KK: ("№{quote} баға ұсынысы өзгертілді", "{provider} {item} бағасын өзгертті: {price}."),
    },
    "quote.approved.person": {
        EN: ("Quote №{quote} approved", "The state pays {price} for {item}. Order it by {due}."),
        RU: ("Смета №{quote} одобрена", "Государство оплатит {price} за: {item}. Оформите заказ до {due}."),
        KK: ("№{quote} баға ұсынысы мақұлданды", "Мемлекет {item} үшін {price} төлейді. {due} дейін тапсырыс беріңіз."),
    },
    "quote.approved.provider": {
        EN: ("Quote №{quote} approved", "Your quote for {item} is approved at {price}; the recipient can order it."),
        RU: ("Смета №{quote} одобрена", "Ваша смета на {item} одобрена: {price}; получатель может оформить заказ."),
        KK: ("№{quote} баға ұсынысы мақұлданды", "{item} бойынша ұсынысыңыз мақұлданды: {price}; алушы тапсырыс бере алады."),
    },
    "quote.rejected.person": {
        EN: ("Quote №{quote} refused", "{item}: the quote was refused. Reason: {reason}"),
        RU: ("Смета №{quote} отклонена", "{item}: смета отклонена. Причина: {reason}"),
        KK: ("№{quote} баға ұсынысы қабылданбады", "{item}: ұсыныс қабылданбады. Себебі: {reason}"),
    },
    "quote.rejected.provider": {
        EN: ("Quote №{quote} refused", "{item}: your quote was refused. Reason: {reason}"),
        RU: ("Смета №{quote} отклонена", "{item}: ваша смета отклонена. Причина: {reason}"),
        KK: ("№{quote} баға ұсынысы қабылданбады", "{item}: ұсынысыңыз қабылданбады. Себебі: {reason}"),
    },
    "quote.withdrawn.provider": {
        EN: ("Quote №{quote} withdrawn", "The recipient withdrew the request for {listing}."),
        RU: ("Запрос №{quote} отозван", "Получатель отозвал запрос: {listing}."),
        KK: ("№{quote} сұрау кері қайтарылды", "Алушы сұрауды кері қайтарды: {listing}."),
    },
    "quote.expired.person": {
        EN: ("Quote №{quote} expired", "{item}: the term passed ({due}). Ask for a new quote if you still need it."),
        RU: ("Срок сметы №{quote} истёк", "{item}: срок истёк ({due}). При необходимости запросите цену снова."),
        KK: ("№{quote} баға ұсынысының мерзімі өтті", "{item}: мерзімі өтті ({due}). Қажет болса, бағаны қайта сұраңыз."),
    },
    "quote.expired.provider": {
        EN: ("Quote №{quote} expired", "{listing}: the term passed ({due})."),
        RU: ("Срок сметы №{quote} истёк", "{listing}: срок истёк ({due})."),
        KK: ("№{quote} баға ұсынысының мерзімі өтті", "{listing}: мерзімі өтті ({due})."),
    },
    # reminders
    "term.due_soon": {
        EN: ("Term ends {due}: {what} №{number}",
             "{what} №{number} must be decided by {due} (working days left: {left})."),
        RU: ("Срок истекает {due}: {what} №{number}",
             "{what} №{number} необходимо рассмотреть до {due} (осталось рабочих дней: {left})."),
        KK: ("Мерзімі {due} аяқталады: {what} №{number}",
             "{what} №{number} {due} дейін қаралуы тиіс (қалған жұмыс күндері: {left})."),
    },
    "term.overdue": {
        EN: ("Overdue since {due}: {what} №{number}",
             "{what} №{number} was due by {due} and is still undecided (working days late: {late})."),
        RU: ("Срок истёк {due}: {what} №{number}",
             "{what} №{number} следовало рассмотреть до {due}, решения всё ещё нет (просрочено рабочих дней: {late})."),
        KK: ("Мерзімі {due} өтті: {what} №{number}",
             "{what} №{number} {due} дейін қаралуы тиіс еді, шешім әлі жоқ (кешіккен жұмыс күндері: {late})."),
    },
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
