"""``node(id)`` answers every Node type of the schema to a viewer who may see the object, with
the scope of the type's own query, and NOT_FOUND to a stranger (exactly as for a missing one).

The Node types are read from the schema: a new one without a builder here fails the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from marketplace.catalog.models import ListingStatus
from marketplace.orders import services as orders
from marketplace.settings import Settings
from schema.core.ids import to_global_id
from schema.schema import build_schema
from tests import factories as f
from tests.security.scene import Scene

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
STRANGERS = ("other_recipient", "other_provider", "other_officer")
PUBLIC = "everyone"

async def _review(sc: Scene) -> int:
    order = await sc.order("a", "CONFIRMED")
    review = await sc.run(orders.review_order, sc.viewer("a", "recipient"), order.id, 5, "Хорошо")
    return review.id


async def _record(sc: Scene) -> int:
    async with sc.db.transaction() as s:
        return (await f.disability_record(s, sc.sides["a"].person)).id


async def _pending_listing(sc: Scene) -> int:
    return (await sc.listing("a", ListingStatus.DRAFT)).id


# type -> (build an object on side A, the roles that see it: PUBLIC for every viewer, anonymous too)
BUILDERS: dict[str, Callable[[Scene], Awaitable[tuple[int, Any]]]] = {
    "Account": lambda sc: _pk(sc.sides["a"].recipient.id, ("admin",)),
    "Application": lambda sc: _with(sc.application("a"), ("recipient", "officer", "admin")),
    "ClassifierItem": lambda sc: _pk(sc.item.id, PUBLIC),
    "CompensationClaim": lambda sc: _with(sc.claim("a"), ("provider", "officer", "admin")),
    "DisabilityRecord": lambda sc: _id(_record(sc), ("recipient", "officer", "admin")),
    "Entitlement": lambda sc: _with(sc.entitlement("a"), ("recipient", "officer", "admin")),
    "Listing": lambda sc: _id(_pending_listing(sc), ("provider", "officer", "admin")),
    "Notification": lambda sc: _with(sc.notification("a"), ("recipient",)),
    "Order": lambda sc: _with(sc.order("a"), ("recipient", "provider", "officer", "admin")),
    "Person": lambda sc: _pk(sc.sides["a"].person.id, ("recipient", "officer", "admin")),
    "Provider": lambda sc: _pk(sc.sides["a"].provider.id, PUBLIC),
    "Quote": lambda sc: _with(sc.quote("a", "QUOTED"), ("recipient", "provider", "officer", "admin")),
    "Region": lambda sc: _pk(sc.sides["a"].region.id, PUBLIC),
    "Review": lambda sc: _id(_review(sc), ("recipient", "provider", "officer", "admin")),
    "ServiceLog": lambda sc: _with(sc.service_log("a"), ("recipient", "provider", "officer", "admin")),
    "Trip": lambda sc: _with(sc.trip("a"), ("recipient", "provider", "officer", "admin")),
    "Vehicle": lambda sc: _with(sc.vehicle("a"), ("provider", "officer", "admin")),
}


async def _pk(pk: int, seen_by: Any) -> tuple[int, Any]:
    return pk, seen_by


async def _id(made: Awaitable[int], seen_by: Any) -> tuple[int, Any]:
    return await made, seen_by


async def _with(made: Awaitable[Any], seen_by: Any) -> tuple[int, Any]:
    return (await made).id, seen_by


def node_types() -> list[str]:
    graphql = build_schema(Settings(secret_key="node-types"))._schema
    return sorted(t.name for t in graphql.get_implementations(graphql.get_type("Node")).objects)


def test_every_node_type_has_a_builder() -> None:
    assert sorted(BUILDERS) == node_types()


@pytest.mark.parametrize("type_name", node_types())
async def test_node_answers_whoever_may_see_and_no_one_else(scene_env, type_name: str) -> None:  # type: ignore[no-untyped-def]
    client, scene = scene_env
    pk, seen_by = await BUILDERS[type_name](scene)
    gid = to_global_id(type_name, pk)
    viewers = ("anonymous", "recipient", "provider", "officer", "admin") if seen_by == PUBLIC else seen_by
    for role in viewers:
        body = await client.execute(NODE, {"id": gid}, token=await scene.token(role))
        assert body.get("errors") is None, (type_name, role, body)
        assert body["data"]["node"] == {"__typename": type_name, "id": gid}, (type_name, role)
    if seen_by == PUBLIC:
        return
    for role in (*STRANGERS, "anonymous"):
        body = await client.execute(NODE, {"id": gid}, token=await scene.token(role))
        assert body["data"] is None, (type_name, role, body)
        expected = {"NOT_FOUND", "UNAUTHENTICATED"} if role == "anonymous" else {"NOT_FOUND"}
        assert len(body["errors"]) == 1 and body["errors"][0]["extensions"]["code"] in expected, (type_name, role, body)
        # The argument the client gave, not the service's own name for it ("listingId").
        assert body["errors"][0]["extensions"].get("field") in (None, "id"), body
    missing = await client.execute(NODE, {"id": to_global_id(type_name, 2**31 - 1)}, token=await scene.token("admin"))
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
