"""Administration: the classifier (items, a price cap that takes effect on its date while orders
keep their snapshot), regions, accounts, and the password reset by a one-time code; admin only,
audited, bad input typed with nothing changed; over the services and over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.accounts import administration as regions
from marketplace.accounts import password_reset
from marketplace.accounts.models import Account, AccountCode, Region, Role
from marketplace.audit.models import AuditEvent
from marketplace.catalog import administration as classifier
from marketplace.catalog.models import ClassifierItem
from marketplace import clock
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode, ValidationErrors
from marketplace.notifications import delivery
from marketplace.notifications.models import Notification
from marketplace.orders import services as orders
from marketplace.upkeep import run_periodically
from schema.core.ids import to_global_id
from tests import factories as f
from tests.catalog import counts
from tests.factories import run
from tests.graphql_client import GraphQLClient
from tests.notifications.inbox import RecordingAdapter


NOT_ADMINS = ("recipient_a", "provider_a", "officer_a")


async def refusals(db: Database, fn: Any, *args: Any, **kwargs: Any) -> list[tuple[str | None, ErrorCode]]:
    """Every (field, code) the call is refused with, nothing of it written (not even an audit event)."""
    before = await counts(db, AuditEvent, ClassifierItem, Region, Account)
    with pytest.raises(DomainError) as exc:
        await run(db, fn, *args, **kwargs)
    after = await counts(db, AuditEvent, ClassifierItem, Region, Account)
    assert after == before, "a refusal changed something"
    errors = exc.value.errors if isinstance(exc.value, ValidationErrors) else [exc.value]
    return [(e.field, e.code) for e in errors]


ITEM = {"code": "tsr-09-101", "name_kk": "Есту аппараты", "name_ru": "Слуховой аппарат", "name_en": "Hearing aid",
        "kind": "PRODUCT", "unit": "PIECE", "category": "HEARING", "price_cap": Decimal("180000"),
        "service_life_months": 48}


async def test_the_admin_creates_and_edits_classifier_items(db: Database, world: f.World) -> None:
    admin = world.viewer("admin")
    for who in NOT_ADMINS:
        assert await refusals(db, classifier.create_classifier_item, world.viewer(who), **ITEM) == [
            (None, ErrorCode.FORBIDDEN)]
    item = await run(db, classifier.create_classifier_item, admin, **ITEM)
    assert (item.code, item.price_cap, item.price_cap_from, item.is_custom) == (
        "TSR-09-101", Decimal("180000.00"), clock.today(), False)
    custom = await run(db, classifier.create_classifier_item, admin, **{**ITEM, "code": "TSR-09-102",
                                                                       "price_cap": None})
    assert custom.is_custom and custom.price_cap_from is None
    assert await refusals(db, classifier.create_classifier_item, admin, **ITEM) == [("code", ErrorCode.DUPLICATE)]
    bad = await refusals(db, classifier.create_classifier_item, admin, **{
        **ITEM, "code": "кириллица", "name_en": " ", "unit": "BARREL", "price_cap": Decimal("-1"),
        "service_life_months": 0})
    assert {field for field, _ in bad} == {"code", "nameEn", "unit", "priceCap", "serviceLifeMonths"}
    renamed = await run(db, classifier.update_classifier_item, admin, item.id, name_en="Behind-the-ear hearing aid",
                        is_active=False)
    assert (renamed.name_en, renamed.is_active, renamed.price_cap) == ("Behind-the-ear hearing aid", False,
                                                                       Decimal("180000.00"))
    for kwargs, expected in (({"price_cap": None}, [("priceCap", ErrorCode.INVALID)]),
                             ({"price_cap": Decimal("1"), "price_cap_from": clock.today() + dt.timedelta(days=5000)},
                              [("priceCapFrom", ErrorCode.OUT_OF_RANGE)]),
                             ({"is_active": "yes"}, [("isActive", ErrorCode.INVALID)])):
        assert await refusals(db, classifier.update_classifier_item, admin, item.id, **kwargs) == expected
    assert await refusals(db, classifier.update_classifier_item, admin, 10**6, name_en="x") == [
        ("classifierItemId", ErrorCode.NOT_FOUND)]
    async with db.session() as s:
        actions = list((await s.execute(select(AuditEvent.action).where(
            AuditEvent.subject_type == "ClassifierItem", AuditEvent.subject_id == item.id))).scalars())
    assert actions == ["classifier_item.created", "classifier_item.updated"]


async def test_a_new_cap_applies_to_orders_from_its_date_and_earlier_orders_keep_theirs(db: Database,
                                                                                       world: f.World) -> None:
    admin, recipient = world.viewer("admin"), world.viewer("recipient_a")
    item_id = world.item.id  # cap 250,000; the listing costs 200,000
    before = await run(db, orders.place_order, recipient, listing_id=world.listing_a.id,
                       entitlement_id=world.entitlement_a.id, quantity=Decimal(1), idempotency_key="before")
    assert before.price_cap == Decimal("250000.00") and before.co_payment == Decimal("0.00")
    tomorrow = clock.today() + dt.timedelta(days=1)
    item = await run(db, classifier.update_classifier_item, admin, item_id, price_cap=Decimal("150000"),
                     price_cap_from=tomorrow)
    assert (item.price_cap, item.next_price_cap, item.next_price_cap_from) == (
        Decimal("250000.00"), Decimal("150000.00"), tomorrow)
    assert await classifier.apply_scheduled_caps(db) == 0  # not today yet
    assert await classifier.apply_scheduled_caps(db, tomorrow) == 1
    assert await classifier.apply_scheduled_caps(db, tomorrow) == 0
    after = await run(db, orders.place_order, recipient, listing_id=world.listing_a.id,
                      entitlement_id=world.entitlement_a.id, quantity=Decimal(1), idempotency_key="after")
    assert (after.price_cap, after.state_share, after.co_payment) == (
        Decimal("150000.00"), Decimal("150000.00"), Decimal("50000.00"))
    async with db.session() as s:
        kept = await s.get(type(before), before.id)
        assert kept is not None and (kept.price_cap, kept.state_share) == (Decimal("250000.00"),
                                                                           Decimal("200000.00"))
        applied = (await s.execute(select(AuditEvent).where(AuditEvent.action == "classifier_item.cap_applied")))
        event = applied.scalar_one()
        assert (event.actor_account_id, event.after["price_cap"]) == (None, "150000.00")
    # A cap from today (or earlier) applies at once.
    now = await run(db, classifier.update_classifier_item, admin, item_id, price_cap=Decimal("160000"))
    assert (now.price_cap, now.price_cap_from, now.next_price_cap) == (Decimal("160000.00"), clock.today(), None)


async def test_the_upkeep_loop_applies_caps_and_survives_a_failing_round(db: Database, world: f.World) -> None:
    calls: list[int] = []

    async def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("database away")
        return await classifier.apply_scheduled_caps(db, clock.today() + dt.timedelta(days=2))

    await run(db, classifier.update_classifier_item, world.viewer("admin"), world.item.id,
              price_cap=Decimal("99000"), price_cap_from=clock.today() + dt.timedelta(days=2))
    stop = asyncio.Event()
    loop = asyncio.create_task(run_periodically(flaky, "caps", every_seconds=0.02, stop=stop))
    for _ in range(200):
        await asyncio.sleep(0.02)
        async with db.session() as s:
            if (await s.get(ClassifierItem, world.item.id, populate_existing=True)).price_cap == Decimal("99000.00"):
                break
    stop.set()
    await asyncio.wait_for(loop, timeout=10)
    assert len(calls) >= 2
    async with db.session() as s:
        assert (await s.get(ClassifierItem, world.item.id)).price_cap == Decimal("99000.00")


async def test_regions_and_accounts_by_the_admin(db: Database, world: f.World) -> None:
    admin = world.viewer("admin")
    for who in NOT_ADMINS:
        assert await refusals(db, regions.create_region, world.viewer(who), code="ABAI", name_kk="Абай облысы",
                             name_ru="Абайская область", name_en="Abai Region") == [(None, ErrorCode.FORBIDDEN)]
    region = await run(db, regions.create_region, admin, code="abai", name_kk="Абай облысы",
                       name_ru="Абайская область", name_en="Abai Region")
    assert region.code == "ABAI"
    assert await refusals(db, regions.create_region, admin, code="ABAI", name_kk="x", name_ru="x", name_en="x") == [
        ("code", ErrorCode.DUPLICATE)]
    renamed = await run(db, regions.update_region, admin, region.id, name_en="Abai")
    assert (renamed.name_en, renamed.code) == ("Abai", "ABAI")
    officer = await run(db, regions.open_account, admin, username="officer.abai", password="long enough password",
                        role="LOCAL_BODY", region_id=region.id, language="KK")
    assert (officer.role, officer.region_id) == (Role.LOCAL_BODY, region.id)
    for kwargs, expected in (
        ({"role": "LOCAL_BODY", "region_id": 10**6}, [("regionId", ErrorCode.NOT_FOUND)]),
        ({"role": "RECIPIENT", "person_id": 10**6}, [("personId", ErrorCode.NOT_FOUND)]),
        ({"role": "PROVIDER"}, [("scope", ErrorCode.REQUIRED)]),
        ({"role": "ADMIN", "password": "short"}, [("password", ErrorCode.OUT_OF_RANGE)]),
        ({"role": "ADMIN", "username": "officer.abai"}, [("username", ErrorCode.DUPLICATE)]),
        ({"role": "KING"}, [("role", ErrorCode.INVALID)]),
    ):
        args = {"username": "new.one", "password": "long enough password", **kwargs}
        assert await refusals(db, regions.open_account, admin, **args) == expected, kwargs
    assert await refusals(db, regions.open_account, world.viewer("officer_a"), username="x.y.z",
                         password="long enough password", role="ADMIN") == [(None, ErrorCode.FORBIDDEN)]


def _code_of(message: delivery.OutgoingMessage) -> str:
    return "".join(ch for ch in message.title if ch.isdigit())


async def test_a_password_reset_by_a_one_time_code(db: Database, world: f.World, outbox: RecordingAdapter) -> None:
    async with db.transaction() as s:
        person = await s.get(type(world.recipient_a), world.recipient_a.id)
        person.phone = "+77015551234"
    account = world.recipient_a_account
    assert await password_reset.request_password_reset(db, "nobody-here") is False
    assert await password_reset.request_password_reset(db, account.username) is True
    await delivery.drain()
    (message,) = outbox.sent
    code = _code_of(message)
    assert len(code) == password_reset.CODE_DIGITS and message.phone == "+77015551234"
    async with db.session() as s:
        stored = (await s.execute(select(AccountCode))).scalar_one()
        bodies = list((await s.execute(select(Notification.title, Notification.body))).all())
    assert stored.code_hash != code and code not in stored.code_hash  # only the hash is kept
    assert all(code not in t + b for t, b in bodies)  # never in the notifications table
    for bad, field, err in (("1" * 12, "code", ErrorCode.INVALID), ("abc", "code", ErrorCode.INVALID),
                            (code, "newPassword", None)):
        with pytest.raises(DomainError) as exc:
            await run(db, password_reset.reset_password, bad, "short" if err is None else "a new long password")
        assert exc.value.code == (err or ErrorCode.OUT_OF_RANGE)
    version = account.token_version
    done = await run(db, password_reset.reset_password, f"{code[:4]} {code[4:8]}-{code[8:]}", "a new long password")
    assert done.token_version == version + 1
    with pytest.raises(DomainError) as exc:  # once only
        await run(db, password_reset.reset_password, code, "another long password")
    assert exc.value.code == ErrorCode.INVALID
    # At most three open codes per account: no flood of someone's phone.
    for _ in range(5):
        await password_reset.request_password_reset(db, account.username)
    await delivery.drain()
    assert len(outbox.sent) == 1 + password_reset.MAX_OPEN_CODES


ADMIN_DOCS = {
    "item": """mutation($i: CreateClassifierItemInput!) { createClassifierItem(input: $i) {
      classifierItem { id code priceCap isCustom } errors { field code } } }""",
    "update": """mutation($id: ID!, $i: UpdateClassifierItemInput!) { updateClassifierItem(classifierItemId: $id, input: $i) {
      classifierItem { priceCap nextPriceCap nextPriceCapFrom } errors { field code } } }""",
    "region": """mutation { createRegion(code: "ULYTAU", nameKk: "Ұлытау облысы", nameRu: "Улытауская область",
      nameEn: "Ulytau Region") { region { id code } errors { field code } } }""",
    "account": """mutation($r: ID!) { createAccount(username: "officer.ulytau", password: "long enough password",
      role: LOCAL_BODY, regionId: $r) { accountId username errors { field code } } }""",
    "reset": """mutation($u: String!) { requestPasswordReset(username: $u) { ok errors { code } } }""",
    "set": """mutation($c: String!) { resetPassword(code: $c, newPassword: "a brand new password") { ok errors { field code } } }""",
}


async def test_administration_over_http(api: GraphQLClient, db: Database, world: f.World, outbox: RecordingAdapter) -> None:
    admin, officer = await api.logins(world, "admin", "officer_a")
    item = {"code": "TSR-09-103", "nameKk": "Аппарат", "nameRu": "Аппарат", "nameEn": "Aid", "kind": "PRODUCT",
            "unit": "PIECE", "category": "HEARING", "priceCap": "120000"}
    denied = (await api.data(ADMIN_DOCS["item"], {"i": item}, officer))["createClassifierItem"]
    assert denied["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    made = (await api.data(ADMIN_DOCS["item"], {"i": item}, admin))["createClassifierItem"]
    assert made["errors"] == [] and made["classifierItem"]["priceCap"] == "120000.00"
    later = (clock.today() + dt.timedelta(days=10)).isoformat()
    ahead = (await api.data(ADMIN_DOCS["update"], {"id": made["classifierItem"]["id"],
                                                   "i": {"priceCap": "125000", "priceCapFrom": later}}, admin))
    assert ahead["updateClassifierItem"]["classifierItem"] == {"priceCap": "120000.00", "nextPriceCap": "125000.00",
                                                               "nextPriceCapFrom": later}
    region = (await api.data(ADMIN_DOCS["region"], token=admin))["createRegion"]
    assert region["errors"] == [] and region["region"]["code"] == "ULYTAU"
    account = (await api.data(ADMIN_DOCS["account"], {"r": region["region"]["id"]}, admin))["createAccount"]
    assert account["errors"] == [] and account["username"] == "officer.ulytau"
    assert (await api.data(ADMIN_DOCS["account"], {"r": to_global_id("Region", 10**6)}, admin))[
        "createAccount"]["errors"] == [{"field": "regionId", "code": "NOT_FOUND"}]
    # The password reset answers the same for a login that does not exist.
    provider = world.provider_a_account.username
    async with db.transaction() as s:
        p = await s.get(type(world.provider_a), world.provider_a.id)
        p.email = "office@provider.kz"
    for username in ("no-such-login", provider):
        assert (await api.data(ADMIN_DOCS["reset"], {"u": username}))["requestPasswordReset"] == {"ok": True,
                                                                                                  "errors": []}
    await delivery.drain()
    (message,) = outbox.sent
    assert message.email == "office@provider.kz"
    wrong = (await api.data(ADMIN_DOCS["set"], {"c": "0000 0000 0000"}))["resetPassword"]
    assert wrong == {"ok": False, "errors": [{"field": "code", "code": "INVALID"}]}
    done = (await api.data(ADMIN_DOCS["set"], {"c": _code_of(message)}))["resetPassword"]
    assert done == {"ok": True, "errors": []}
    assert await api.login(provider, "a brand new password")


async def test_the_apply_caps_command_applies_a_cap_once(db: Database, world: f.World) -> None:
    import os
    import sys

    day = clock.today() + dt.timedelta(days=3)
    await run(db, classifier.update_classifier_item, world.viewer("admin"), world.item.id,
              price_cap=Decimal("98000"), price_cap_from=day)
    env = {**os.environ, "TIREK_DATABASE_URL": db.url, "TIREK_SECRET_KEY": "cli-test-" + "k" * 32}

    async def cli(*args: str) -> str:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tirek.cli", "apply-caps", *args,
                                                    env=env, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        return out.decode()

    assert "0 price caps applied" in await cli()  # not yet
    assert "1 price caps applied" in await cli("--date", day.isoformat())
    assert "0 price caps applied" in await cli("--date", day.isoformat())
    async with db.session() as s:
        item = await s.get(ClassifierItem, world.item.id)
        assert item is not None and (item.price_cap, item.price_cap_from) == (Decimal("98000.00"), day)


NORMS_DOCS = {
    "item": """mutation($i: CreateClassifierItemInput!) { createClassifierItem(input: $i) {
      classifierItem { id quarterlyRelease yearlyMax dailyMax companionAllowed } errors { field code } } }""",
    "update": """mutation($id: ID!, $i: UpdateClassifierItemInput!) { updateClassifierItem(classifierItemId: $id, input: $i) {
      classifierItem { quarterlyRelease yearlyMax dailyMax companionAllowed } errors { field code } } }""",
    "issue": """mutation($i: IssueEntitlementInput!) { issueEntitlement(input: $i) {
      entitlement { quarterlyRelease } errors { field code } } }""",
}


async def test_the_admin_sets_an_items_norms_and_new_lines_take_them(api: GraphQLClient, world: f.World) -> None:
    """Norms are data the admin keeps (issue 15): created with the item, changed or removed later,
    refused when not a positive quantity, and taken by the next IRP line issued for the item."""
    admin, officer = await api.logins(world, "admin", "officer_a")
    item = {"code": "TSR-22-001", "nameKk": "Жөргек", "nameRu": "Подгузники", "nameEn": "Nappies", "kind": "PRODUCT",
            "unit": "PIECE", "category": "HYGIENE", "priceCap": "250", "quarterlyRelease": "365",
            "yearlyMax": "1460", "companionAllowed": False}
    bad = (await api.data(NORMS_DOCS["item"], {"i": {**item, "quarterlyRelease": "-5", "dailyMax": "0"}}, admin))
    assert sorted(e["field"] for e in bad["createClassifierItem"]["errors"]) == ["input.dailyMax", "input.quarterlyRelease"]
    made = (await api.data(NORMS_DOCS["item"], {"i": item}, admin))["createClassifierItem"]
    assert made["errors"] == [] and made["classifierItem"]["quarterlyRelease"] == "365.00"
    assert made["classifierItem"]["yearlyMax"] == "1460.00" and made["classifierItem"]["dailyMax"] is None
    item_id = made["classifierItem"]["id"]
    denied = (await api.data(NORMS_DOCS["update"], {"id": item_id, "i": {"quarterlyRelease": "1"}}, officer))
    assert denied["updateClassifierItem"]["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    changed = (await api.data(NORMS_DOCS["update"], {"id": item_id, "i": {"quarterlyRelease": "300", "yearlyMax": None}},
                              admin))["updateClassifierItem"]
    assert changed["errors"] == [] and changed["classifierItem"] == {
        "quarterlyRelease": "300.00", "yearlyMax": None, "dailyMax": None, "companionAllowed": False}
    today = clock.today()
    line = (await api.data(NORMS_DOCS["issue"], {"i": {
        "personId": to_global_id("Person", world.recipient_a.id), "classifierItemId": item_id, "quantity": "1200",
        "validFrom": today.isoformat(), "validUntil": (today + dt.timedelta(days=364)).isoformat()}}, officer))
    assert line["issueEntitlement"]["errors"] == [], line
    assert line["issueEntitlement"]["entitlement"]["quarterlyRelease"] == "300.00"  # the item's new norm
