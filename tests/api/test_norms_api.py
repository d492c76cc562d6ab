"""The classifier's norms over HTTP: shown on the classifier and the entitlement, held by the mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Language
from marketplace.catalog.models import ItemCategory, ItemKind, Unit

from marketplace.i18n import format_date
from marketplace.records import norms
from marketplace.records.models import DisabilityGroup, Entitlement
from schema.core.ids import to_global_id
from tests import factories as f

ERR = "errors { field code message }"
ISSUE = f"""mutation($input: IssueEntitlementInput!) {{
  issueEntitlement(input: $input) {{ entitlement {{ id quarterlyRelease dailyLimit }} {ERR} }} }}"""
MINE = "{ myEntitlements { id balance availableNow nextReleaseOn quarterlyRelease } }"
PLACE = f"""mutation($l: ID!, $e: ID!, $q: Decimal!, $k: String!) {{
  placeOrder(listingId: $l, entitlementId: $e, quantity: $q, idempotencyKey: $k) {{ order {{ id }} {ERR} }} }}"""
CLASSIFIER = "{ classifier(category: HYGIENE) { code quarterlyRelease yearlyMax dailyMax companionAllowed } }"
TODAY = f.today()


@pytest.fixture
async def world(db):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await f.build_world(s)
        w.diapers = await f.classifier_item(s, category=ItemCategory.HYGIENE, price_cap=Decimal("210.00"),
                                            quarterly_release=Decimal(365), yearly_max=Decimal(1460),
                                            daily_max=Decimal(4))
        w.assistant = await f.classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.HOUR,
                                              category=ItemCategory.PERSONAL_ASSISTANT, price_cap=Decimal("2000.00"))
        w.group_one = await f.person(s, w.region_a, has_mobility_difficulty=True)
        await f.disability_record(s, w.group_one, group=DisabilityGroup.I)
        return w


async def _lines(db, person_id: int) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(Entitlement)
                                .where(Entitlement.person_id == person_id))).scalar_one()


async def test_the_classifier_shows_its_norms(api, world):  # type: ignore[no-untyped-def]
    rows = (await api.data(CLASSIFIER))["classifier"]
    [row] = [r for r in rows if r["code"] == world.diapers.code]
    assert row == {"code": world.diapers.code, "quarterlyRelease": "365.00", "yearlyMax": "1460.00",
                   "dailyMax": "4.00", "companionAllowed": False}


async def test_a_looser_value_is_refused_by_name_never_clamped(api, db, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.officer_a_account.username)
    base = {"personId": to_global_id("Person", world.group_one.id), "validFrom": str(TODAY),
            "validUntil": str(TODAY + dt.timedelta(days=300))}
    cases = [
        ({"classifierItemId": to_global_id("ClassifierItem", world.assistant.id), "quantity": "500",
          "dailyLimit": "9"}, "input.dailyLimit"),
        ({"classifierItemId": to_global_id("ClassifierItem", world.diapers.id), "quantity": "1460",
          "quarterlyRelease": "400"}, "input.quarterlyRelease"),
        ({"classifierItemId": to_global_id("ClassifierItem", world.diapers.id), "quantity": "2000"}, "input.quantity"),
    ]
    for extra, field in cases:
        payload = (await api.data(ISSUE, {"input": {**base, **extra}}, token=token))["issueEntitlement"]
        assert payload["entitlement"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "OUT_OF_RANGE")], payload
    assert await _lines(db, world.group_one.id) == 0
    ok = (await api.data(ISSUE, {"input": {**base, "classifierItemId": to_global_id("ClassifierItem", world.diapers.id),
                                           "quantity": "1460"}}, token=token))["issueEntitlement"]
    assert ok["errors"] == [] and ok["entitlement"]["quarterlyRelease"] == "365.00"


async def test_the_entitlement_shows_what_can_be_ordered_now(api, db, world):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        ent = await f.entitlement(s, world.recipient_a, world.diapers, quantity=1460, quarterly_release=Decimal(365),
                                  reserved=300, valid_from=TODAY - dt.timedelta(days=10),
                                  valid_until=TODAY + dt.timedelta(days=354))
        lst = await f.listing(s, world.provider_a, world.diapers, [world.region_a], unit_price=Decimal("200.00"))
    token = await api.login(world.recipient_a_account.username)
    rows = {r["id"]: r for r in (await api.data(MINE, token=token))["myEntitlements"]}
    row = rows[to_global_id("Entitlement", ent.id)]
    nxt = norms.next_release_date(ent, TODAY)
    assert row == {"id": to_global_id("Entitlement", ent.id), "balance": "1160.00", "availableNow": "65.00",
                   "nextReleaseOn": nxt.isoformat(), "quarterlyRelease": "365.00"}
    plain = rows[to_global_id("Entitlement", world.entitlement_a.id)]
    assert plain["availableNow"] == plain["balance"] and plain["nextReleaseOn"] is None
    variables = {"l": to_global_id("Listing", lst.id), "e": to_global_id("Entitlement", ent.id), "q": "66",
                 "k": "norms-1"}
    payload = (await api.data(PLACE, variables, token=token))["placeOrder"]
    assert payload["order"] is None
    [error] = payload["errors"]
    assert error["code"] == "INSUFFICIENT_BALANCE" and error["field"] == "quantity"
    # In the account's language (Russian), the date as Russian writes it.
    assert "сейчас можно заказать 65" in error["message"] and format_date(nxt, Language.RU) in error["message"]
    ok = (await api.data(PLACE, {**variables, "q": "65", "k": "norms-2"}, token=token))["placeOrder"]
    assert ok["errors"] == []
