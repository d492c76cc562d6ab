"""Signed-in people before anonymous traffic (schema/admission.py, issue 12's flood).

The lane on its own (places, the waiting room, signed-in first, a place given back when a request
is cancelled), then through the guard in front of a real app: a full waiting room answers 503
RETRYABLE with Retry-After at once and in the request's language, while a signed-in request
still goes through."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from marketplace.accounts.models import Role
from marketplace.accounts.security import issue_token
from marketplace.db import Database
from schema.admission import AnonymousLane, LaneFull
from schema.app import GuardMiddleware
from tests import factories

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


async def test_no_more_anonymous_requests_run_at_once_than_the_lane_has_places(backend: str) -> None:
    lane = AnonymousLane(places=2, waiting_room=10)
    inside, most = 0, 0

    async def request() -> None:
        nonlocal inside, most
        async with lane.place():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(request() for _ in range(8)))
    assert most == 2 and inside == 0


async def test_a_full_waiting_room_turns_requests_away_at_once(backend: str) -> None:
    lane = AnonymousLane(places=1, waiting_room=1)
    release = asyncio.Event()

    async def holder() -> None:
        async with lane.place():
            await release.wait()

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(holder())  # the one place in the waiting room
    await asyncio.sleep(0)
    with pytest.raises(LaneFull):
        async with lane.place():
            pytest.fail("let in past a full waiting room")
    assert lane.turned_away == 1
    release.set()
    await asyncio.gather(first, waiter)
    async with lane.place():  # the lane is free again
        pass


async def test_an_anonymous_request_waits_while_a_signed_in_one_is_served(backend: str) -> None:
    lane = AnonymousLane(places=2, waiting_room=10, yield_seconds=5)
    order: list[str] = []
    served = asyncio.Event()

    async def signed_in() -> None:
        async with lane.signed_in():
            await served.wait()
            order.append("signed in")

    async def anonymous() -> None:
        async with lane.place():
            order.append("anonymous")

    member = asyncio.create_task(signed_in())
    await asyncio.sleep(0)
    stranger = asyncio.create_task(anonymous())
    await asyncio.sleep(0.05)
    assert order == []  # a free place, but a signed-in request is being served
    served.set()
    await asyncio.gather(member, stranger)
    assert order == ["signed in", "anonymous"]


async def test_signed_in_traffic_slows_anonymous_requests_but_never_locks_them_out(backend: str) -> None:
    lane = AnonymousLane(places=1, waiting_room=10, yield_seconds=0.05)
    async with lane.signed_in():
        async def anonymous() -> str:
            async with lane.place():
                return "served"
        assert await asyncio.wait_for(anonymous(), timeout=5) == "served"


async def test_a_cancelled_request_gives_its_place_back(backend: str) -> None:
    lane = AnonymousLane(places=1, waiting_room=5, yield_seconds=10)
    async with lane.signed_in():
        task = asyncio.create_task(lane.place().__aenter__())  # holds the place, waits for the signed-in one
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    async with lane.place():  # not leaked by the cancelled one
        pass


async def test_the_guard_turns_anonymous_callers_away_but_not_a_signed_in_one(
        backend: str, db: Database, settings: Any) -> None:
    async with db.transaction() as session:
        account = await factories.account(session, Role.ADMIN)
        account_id, version = account.id, account.token_version
    token, _ = issue_token(settings.secret_key, account_id, version, settings.token_ttl)
    settings = settings.model_copy(update={"anonymous_concurrency": 1, "anonymous_queue": 0})
    release, entered = asyncio.Event(), asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:  # a GraphQL endpoint that takes its time
        if "tirek.viewer" not in scope:
            entered.set()
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"data": {}}'})

    guard = GuardMiddleware(app, db=db, settings=settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://tirek") as http:
        first = asyncio.create_task(http.post("/graphql", json={"query": "{ regions { id } }"}))
        await asyncio.wait_for(entered.wait(), timeout=10)
        refused = await http.post("/graphql", json={"query": "{ regions { id } }"}, headers={"accept-language": "ru"})
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        body = refused.json()
        assert body["errors"][0]["extensions"]["code"] == "RETRYABLE"
        assert body["errors"][0]["message"] == "Сервис сейчас перегружен; повторите попытку через мгновение."
        member = await asyncio.wait_for(
            http.post("/graphql", json={"query": "{ me { id } }"}, headers={"authorization": f"Bearer {token}"}),
            timeout=10)
        assert member.status_code == 200
        release.set()
        assert (await first).status_code == 200
