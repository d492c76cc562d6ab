"""Refusals and names in the viewer's language: the account's, or Accept-Language when anonymous."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Language
from schema.core.ids import to_global_id
from tests import factories as f
from tests.graphql_client import LOGIN

ERR = "errors { field code message }"
CREATE = f"mutation($input: CreateListingInput!) {{ createListing(input: $input) {{ listing {{ id }} {ERR} }} }}"
LISTING = "query($id: ID!) { listing(id: $id) { id } }"
REGIONS = "{ regions { code name nameRu: name(language: RU) } }"
CLASSIFIER = "{ classifier { code name } }"

# What each language says for the same refusals (the catalogues' own words).
MORE_THAN_ZERO = {Language.KK: "Нөлден үлкен болуы керек.", Language.RU: "Должно быть больше нуля.",
                  Language.EN: "Must be more than zero."}
NO_LISTING = {Language.KK: "Мұндай ұсыныс жоқ.", Language.RU: "Такого предложения нет.", Language.EN: "No such listing."}
# At most 100 million tenge, written as each language writes money.
AT_MOST_PRICE = {Language.KK: "100\u00a0000\u00a0000,00\u00a0₸ аспауы керек.",
                 Language.RU: "Не более 100\u00a0000\u00a0000,00\u00a0₸.",
                 Language.EN: "At most 100,000,000.00\u00a0₸."}
WRONG_PASSWORD = {Language.KK: "Пайдаланушы аты немесе құпиясөз қате.",
                  Language.RU: "Неверное имя пользователя или пароль.", Language.EN: "Wrong username or password."}


@pytest.fixture
async def world(db):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await f.build_world(s)
        w.speakers = {language: await f.account(s, f.Role.PROVIDER, provider_id=w.provider_a.id, language=language)
                      for language in Language}
        w.blank_kk_item = await f.classifier_item(s, name_kk="", code="99-01-01")
        return w


def _listing(world, **changes):  # type: ignore[no-untyped-def]
    return {"input": {
        "classifierItemId": to_global_id("ClassifierItem", world.item.id), "unitPrice": "180000.00",
        "regionIds": [to_global_id("Region", world.region_a.id)], "deliveryOptions": ["HOME_DELIVERY"],
        "leadTimeDays": 7, "stock": 4, "titleRu": "Кресло-коляска", **changes,
    }}


@pytest.mark.parametrize("language", list(Language))
async def test_an_account_reads_refusals_in_its_language(api, world, language):  # type: ignore[no-untyped-def]
    token = await api.login(world.speakers[language].username)
    # Even when the client's browser asks for another language: the account's choice wins.
    api.http.headers["accept-language"] = "en" if language != Language.EN else "kk"
    payload = (await api.data(CREATE, _listing(world, unitPrice="-5"), token=token))["createListing"]
    assert payload["listing"] is None
    assert [(e["code"], e["message"]) for e in payload["errors"]] == [("OUT_OF_RANGE", MORE_THAN_ZERO[language])]
    payload = (await api.data(CREATE, _listing(world, unitPrice="100000001"), token=token))["createListing"]
    assert [e["message"] for e in payload["errors"]] == [AT_MOST_PRICE[language]]
    # A query's refusal (an error, not a payload) speaks the same language.
    body = await api.execute(LISTING, {"id": to_global_id("Listing", 999_999)}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == NO_LISTING[language]


@pytest.mark.parametrize(("header", "language"), [("kk", Language.KK), ("ru-RU,ru;q=0.9", Language.RU),
                                                   ("en-GB, kk;q=0.5", Language.EN), (None, Language.RU)])
async def test_anonymous_requests_follow_accept_language(api, world, header, language):  # type: ignore[no-untyped-def]
    if header is not None:
        api.http.headers["accept-language"] = header
    body = await api.execute(LOGIN, {"u": world.speakers[Language.KK].username, "p": "wrong password!"})
    assert body["data"]["login"]["errors"][0]["message"] == WRONG_PASSWORD[language]
    body = await api.execute(LISTING, {"id": to_global_id("Listing", 999_999)})
    assert body["errors"][0]["message"] == NO_LISTING[language]
    regions = {r["code"]: r for r in (await api.data(REGIONS))["regions"]}
    region = regions[world.region_a.code]
    assert region["name"] == {Language.KK: world.region_a.name_kk, Language.RU: world.region_a.name_ru,
                              Language.EN: world.region_a.name_en}[language]
    assert region["nameRu"] == world.region_a.name_ru  # an explicit language argument still wins


async def test_a_name_without_a_translation_falls_back(api, world):  # type: ignore[no-untyped-def]
    api.http.headers["accept-language"] = "kk"
    items = {i["code"]: i["name"] for i in (await api.data(CLASSIFIER))["classifier"]}
    assert items[world.item.code] == world.item.name_kk
    assert items[world.blank_kk_item.code] == world.blank_kk_item.name_ru  # no Kazakh name: Russian, not empty


async def test_kazakh_account_reads_kazakh_names(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.speakers[Language.KK].username)
    api.http.headers["accept-language"] = "ru"
    regions = {r["code"]: r["name"] for r in (await api.data(REGIONS, token=token))["regions"]}
    assert regions[world.region_a.code] == world.region_a.name_kk
