"""``totalCount`` on every connection: how many items the viewer's filters match over all pages.

The connections are read from the schema: a new one without an entry here fails the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graphql import get_named_type

from marketplace.catalog.models import ListingStatus
from marketplace.settings import Settings
from schema.core.ids import to_global_id
from schema.schema import build_schema
from tests.security.scene import Scene


async def _twice(make: Callable[[], Awaitable[Any]]) -> None:
    await make()
    await make()


# root field -> (role, extra arguments, make at least two more items the role sees)
CONNECTIONS: dict[str, tuple[str, Callable[[Scene], str], Callable[[Scene], Awaitable[None]]]] = {
    "orders": ("recipient", lambda sc: "", lambda sc: _twice(lambda: sc.order("a"))),
    "claims": ("provider", lambda sc: "", lambda sc: _twice(lambda: sc.claim("a"))),
    "notifications": ("recipient", lambda sc: "", lambda sc: _twice(lambda: sc.notification("a"))),
    "providerListings": ("provider", lambda sc: f'providerId: "{to_global_id("Provider", sc.sides["a"].provider.id)}"',
                         lambda sc: _twice(lambda: sc.listing("a"))),
    "moderationQueue": ("officer", lambda sc: "",
                        lambda sc: _twice(lambda: sc.listing("a", ListingStatus.PENDING_REVIEW))),
    "vehicles": ("provider", lambda sc: "", lambda sc: _twice(lambda: sc.vehicle("a"))),
    "trips": ("recipient", lambda sc: "", lambda sc: _twice(lambda: sc.trip("a"))),
    "applications": ("recipient", lambda sc: "", lambda sc: _twice(lambda: sc.application("a"))),
    "quotes": ("recipient", lambda sc: "", lambda sc: _twice(lambda: sc.quote("a"))),
    "providers": ("admin", lambda sc: "verificationStatus: PENDING", lambda sc: _twice(lambda: sc.pending_provider("a"))),
    "accounts": ("admin", lambda sc: "", lambda sc: _twice(lambda: sc.officer_account("a"))),
    "searchListings": ("anonymous", lambda sc: 'query: ""', lambda sc: _twice(lambda: sc.listing("a", ListingStatus.PUBLISHED))),
}


def connection_fields() -> list[str]:
    query = build_schema(Settings(secret_key="connections"))._schema.query_type
    return sorted(name for name, field in query.fields.items()
                  if get_named_type(field.type).name.endswith("Connection"))


def test_every_connection_is_counted_here() -> None:
    assert sorted(CONNECTIONS) == connection_fields()


@pytest.mark.parametrize("field", connection_fields())
async def test_total_count_is_the_number_of_items_over_all_pages(scene_env, field: str) -> None:  # type: ignore[no-untyped-def]
    client, scene = scene_env
    role, arguments, make = CONNECTIONS[field]
    await make(scene)
    token = await scene.token(role)
    extra = arguments(scene)
    after: str | None = None
    seen: list[str] = []
    counts: set[int] = set()
    while True:
        args = ", ".join(a for a in (extra, "first: 1", f'after: "{after}"' if after else "") if a)
        body = await client.data(f"{{ {field}({args}) {{ totalCount edges {{ cursor }} "
                                 "pageInfo { hasNextPage endCursor } } }", token=token)
        page = body[field]
        counts.add(page["totalCount"])
        seen += [e["cursor"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(seen) < 500
    assert len(seen) >= 2
    assert counts == {len(seen)}, (field, counts, len(seen))  # the same on every page, and right
