"""Providers who sign up: the form's checks, PENDING until verified (prepares, publishes nothing),
the admin's queue, suspension and reinstatement with a reason the provider is told; over the
services and over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Account, Role
from marketplace.audit.models import AuditEvent
from marketplace.catalog import registration as reg
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Provider, VerificationStatus
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode, ValidationErrors
from marketplace.identifiers import make_bin
from marketplace.notifications.models import Notification
from marketplace.orders import services as orders
from schema.core.ids import to_global_id
from tests import factories as f
from tests.factories import ANONYMOUS, run
from tests.graphql_client import GraphQLClient


BIN = make_bin(2019, 3, 777)


def form(w: f.World, **changes: Any) -> dict[str, Any]:
    return {"bin": BIN, "name_ru": 'ТОО "Бионика"', "name_kk": '"Бионика" ЖШС', "name_en": "Bionika LLP",
            "phone": "8 701 555 12 34", "email": "info@bionika.kz", "address": "Астана, ул. Сыганак, 10",
            "region_ids": [w.region_a.id], "service_kinds": ["PROSTHETICS", "ORTHOTICS"],
            "accessibility": ["Пандус", "Лифт"], "username": "bionika", "password": "протез-2026-кисть",
            "representative_name": "Айгерим Садыкова", "language": "KK", **changes}


async def count(db: Database, model: Any) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def test_an_organisation_signs_up_and_waits_for_verification(db: Database, world: f.World) -> None:
    w = world
    provider, account = await run(db, reg.register_provider, ANONYMOUS, **form(w))
    assert (provider.bin, provider.name, provider.name_kk, provider.name_en) == (
        BIN, 'ТОО "Бионика"', '"Бионика" ЖШС', "Bionika LLP")
    assert (provider.phone, provider.email, provider.verification_status) == (
        "+77015551234", "info@bionika.kz", VerificationStatus.PENDING)
    assert provider.service_kinds == ["PROSTHETICS", "ORTHOTICS"] and provider.accessibility == ["Пандус", "Лифт"]
    assert (account.role, account.provider_id, account.username) == (Role.PROVIDER, provider.id, "bionika")
    async with db.session() as s:
        assert await catalog.provider_region_ids(s, provider.id) == [w.region_a.id]
        event = (await s.execute(select(AuditEvent).where(AuditEvent.action == "provider.registered"))).scalar_one()
        assert (event.subject_id, event.actor_account_id) == (provider.id, account.id)
    # It prepares a listing but cannot submit it for publication until verified.
    me = f.viewer_of(account)
    listing = await run(db, catalog.create_listing, me, classifier_item_id=w.item.id, unit_price=Decimal("100000"),
                        region_ids=[w.region_a.id], delivery_options=["PICKUP"], title_ru="Ортез")
    with pytest.raises(DomainError) as exc:
        await run(db, catalog.submit_listing, me, listing.id)
    assert exc.value.code == ErrorCode.NOT_ELIGIBLE
    # The admin's queue shows it; verifying lets it publish and tells it so.
    admin = w.viewer("admin")
    async with db.session() as s:
        queue = await reg.list_providers(s, admin, verification_status="PENDING")
        assert [p.id for p in queue] == [provider.id]
    await run(db, catalog.verify_provider, admin, provider.id, "VERIFIED")
    assert (await run(db, catalog.submit_listing, me, listing.id)).status.value == "PENDING_REVIEW"
    async with db.session() as s:
        kinds = list((await s.execute(select(Notification.kind).where(Notification.account_id == account.id))).scalars())
        assert kinds == ["provider.verified"]


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"bin": "123"}, "bin", ErrorCode.INVALID_BIN),
    ({"bin": BIN[:-1] + str((int(BIN[-1]) + 1) % 10)}, "bin", ErrorCode.INVALID_BIN),
    ({"bin": None}, "bin", ErrorCode.INVALID_BIN),
    ({"name_ru": "  "}, "nameRu", ErrorCode.REQUIRED),
    ({"name_kk": "x" * 301}, "nameKk", ErrorCode.TOO_LONG),
    ({"phone": "12345"}, "phone", ErrorCode.INVALID),
    ({"phone": ""}, "phone", ErrorCode.REQUIRED),
    ({"email": "not-an-address"}, "email", ErrorCode.INVALID),
    ({"email": None}, "email", ErrorCode.REQUIRED),
    ({"region_ids": []}, "regionIds", ErrorCode.REQUIRED),
    ({"region_ids": [10**6]}, "regionIds", ErrorCode.NOT_FOUND),
    ({"service_kinds": []}, "serviceKinds", ErrorCode.REQUIRED),
    ({"service_kinds": ["TELEPORT"]}, "serviceKinds", ErrorCode.INVALID),
    ({"username": "A B"}, "username", ErrorCode.INVALID),
    ({"password": "short"}, "password", ErrorCode.OUT_OF_RANGE),
    ({"language": "DE"}, "language", ErrorCode.INVALID),
    ({"website": "javascript:alert(1)"}, "website", ErrorCode.INVALID),
])
async def test_bad_sign_ups_are_typed_and_change_nothing(db: Database, world: f.World, changes: dict[str, Any],
                                                          field: str, code: ErrorCode) -> None:
    before = (await count(db, Provider), await count(db, Account), await count(db, AuditEvent))
    with pytest.raises(DomainError) as exc:
        await run(db, reg.register_provider, ANONYMOUS, **form(world, **changes))
    errors = exc.value.errors if isinstance(exc.value, ValidationErrors) else [exc.value]
    assert [(e.field, e.code) for e in errors] == [(field, code)]
    assert (await count(db, Provider), await count(db, Account), await count(db, AuditEvent)) == before


async def test_a_bin_or_username_already_registered_is_a_duplicate(db: Database, world: f.World) -> None:
    await run(db, reg.register_provider, ANONYMOUS, **form(world))
    before = (await count(db, Provider), await count(db, Account))
    for changes, field in (({"username": "other"}, "bin"), ({"bin": make_bin(2019, 3, 778)}, "username")):
        with pytest.raises(DomainError) as exc:
            await run(db, reg.register_provider, ANONYMOUS, **form(world, **changes))
        assert (exc.value.code, exc.value.field) == (ErrorCode.DUPLICATE, field)
    assert (await count(db, Provider), await count(db, Account)) == before


async def test_every_field_error_of_the_form_comes_back_at_once(db: Database, world: f.World) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await run(db, reg.register_provider, ANONYMOUS, **form(world, bin="1", phone="x", email="y", service_kinds=[]))
    assert {e.field for e in exc.value.errors} == {"bin", "phone", "email", "serviceKinds"}


async def test_suspension_hides_blocks_orders_and_is_told_with_its_reason(db: Database, world: f.World) -> None:
    w = world
    admin = w.viewer("admin")
    for who in ("provider_a", "officer_a", "recipient_a"):
        with pytest.raises(DomainError) as exc:
            await run(db, reg.suspend_provider, w.viewer(who), w.provider_a.id, "Жалобы получателей")
        assert exc.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as exc:
        await run(db, reg.suspend_provider, admin, w.provider_a.id, "  ")
    assert (exc.value.code, exc.value.field) == (ErrorCode.REQUIRED, "reason")
    with pytest.raises(DomainError) as exc:
        await run(db, reg.reinstate_provider, admin, w.provider_a.id, "Проверка пройдена")
    assert exc.value.code == ErrorCode.INVALID_TRANSITION  # it is not suspended
    await run(db, reg.suspend_provider, admin, w.provider_a.id, "Жалобы получателей")
    with pytest.raises(DomainError) as exc:
        await run(db, orders.place_order, w.viewer("recipient_a"), listing_id=w.listing_a.id,
                  entitlement_id=w.entitlement_a.id, quantity=Decimal(1), idempotency_key="k")
    assert exc.value.code == ErrorCode.LISTING_NOT_AVAILABLE
    await run(db, reg.reinstate_provider, admin, w.provider_a.id, "Проверка пройдена")
    order = await run(db, orders.place_order, w.viewer("recipient_a"), listing_id=w.listing_a.id,
                      entitlement_id=w.entitlement_a.id, quantity=Decimal(1), idempotency_key="k2")
    assert order.id
    async with db.session() as s:
        rows = (await s.execute(select(Notification.kind, Notification.body)
                                .where(Notification.account_id == w.provider_a_account.id,
                                       Notification.kind.like("provider.%")).order_by(Notification.id))).all()
    assert [k for k, _ in rows] == ["provider.suspended", "provider.reinstated"]
    assert "Жалобы получателей" in rows[0][1]


async def test_only_the_admin_reads_the_queue(db: Database, world: f.World) -> None:
    async with db.session() as s:
        for who in ("provider_a", "officer_a", "recipient_a"):
            with pytest.raises(DomainError) as exc:
                await reg.list_providers(s, world.viewer(who))
            assert exc.value.code == ErrorCode.FORBIDDEN
        with pytest.raises(DomainError) as exc:
            await reg.list_providers(s, ANONYMOUS)
        assert exc.value.code == ErrorCode.UNAUTHENTICATED
        with pytest.raises(DomainError) as exc:
            await reg.list_providers(s, world.viewer("admin"), verification_status="LOST")
        assert exc.value.field == "verificationStatus"


REGISTER = """mutation($i: RegisterProviderInput!) { registerProvider(input: $i) {
  provider { id bin name nameKk nameEn phone email verificationStatus serviceKinds accessibility regions { id } }
  accountId errors { field code message } } }"""
QUEUE = """query($s: VerificationStatus) { providers(verificationStatus: $s, first: 10) {
  edges { node { id bin verificationStatus } } totalCount } }"""
SUSPEND = """mutation($id: ID!, $r: String!) { suspendProvider(providerId: $id, reason: $r) {
  provider { id verificationStatus } errors { field code message } } }"""


async def test_sign_up_over_http(api: GraphQLClient, db: Database, world: f.World) -> None:
    w = world
    given = {"bin": BIN, "nameRu": 'ТОО "Бионика"', "nameKk": '"Бионика" ЖШС', "phone": "+7 701 555 12 34",
             "email": "info@bionika.kz", "regionIds": [to_global_id("Region", w.region_a.id)],
             "serviceKinds": ["PROSTHETICS"], "username": "bionika", "password": "протез-2026-кисть",
             "accessibility": ["Пандус"], "language": "KK"}
    bad = (await api.data(REGISTER, {"i": {**given, "bin": "190340007770", "phone": "x"}}))["registerProvider"]
    # error fields are GraphQL paths: the input's fields under "input."
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {("input.bin", "INVALID_BIN"), ("input.phone", "INVALID")}
    got = (await api.data(REGISTER, {"i": given}))["registerProvider"]
    assert got["errors"] == []
    p = got["provider"]
    assert (p["verificationStatus"], p["phone"], p["serviceKinds"], p["nameKk"]) == (
        "PENDING", "+77015551234", ["PROSTHETICS"], '"Бионика" ЖШС')
    again = (await api.data(REGISTER, {"i": {**given, "username": "bionika2"}}))["registerProvider"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("input.bin", "DUPLICATE")]
    token = await api.login("bionika", "протез-2026-кисть")
    denied = await api.execute(QUEUE, {"s": "PENDING"}, token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = await api.login(w.admin_account.username)
    pending = (await api.data(QUEUE, {"s": "PENDING"}, admin))["providers"]
    assert [e["node"]["id"] for e in pending["edges"]] == [p["id"]] and pending["totalCount"] == 1
    suspended = (await api.data(SUSPEND, {"id": p["id"], "r": "Документы не подтверждены"}, admin))["suspendProvider"]
    assert suspended["errors"] == [] and suspended["provider"]["verificationStatus"] == "SUSPENDED"
    refused = (await api.data(SUSPEND, {"id": p["id"], "r": "x"}, token))["suspendProvider"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
