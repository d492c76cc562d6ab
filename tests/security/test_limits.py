"""GraphQL and HTTP limits: each refusal is a clear error, and cheap (no SQL runs, no field executes).

Limits come from settings (TIREK_MAX_QUERY_DEPTH, TIREK_MAX_QUERY_TOKENS,
TIREK_MAX_ALIASES, TIREK_MAX_QUERY_COST, TIREK_MAX_BODY_BYTES,
TIREK_LOGIN_ATTEMPTS_PER_MINUTE); ``first`` is capped at 100 on every
connection; batching (a JSON array of operations) is off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from unittest import mock

import httpx
import pytest
from graphql.execution.executor import Executor

from marketplace.db import Database
from marketplace.settings import Settings
from schema.core.pagination import MAX_PAGE
from schema.schema import build_schema
from tests import factories as f
from tests.graphql_client import LOGIN, GraphQLClient
from tests.security.conftest import make_app
from tests.security.scene import Scene, gid
from tests.support.sql import sql_statements



@asynccontextmanager
async def app_client(db: Database, settings: Settings, **overrides: Any) -> AsyncIterator[GraphQLClient]:
    configured = settings.model_copy(update=overrides)
    app = make_app(db, configured)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        yield GraphQLClient(http)


async def refused_cheaply(client: GraphQLClient, db: Database, payload: Any, *, status: int = 200,
                          headers: dict[str, str] | None = None) -> httpx.Response:
    """Post ``payload`` anonymously; assert the status, no SQL at all, and that no operation began.

    Cheapness is counted, not timed (machines are shared): a refusal that let the operation
    start, or any resolver run, would show here whatever the clock says.
    """
    executions: list[object] = []
    execute_operation = Executor.execute_operation

    def counted(self: Executor, *args: Any, **kwargs: Any) -> Any:
        executions.append(args)
        return execute_operation(self, *args, **kwargs)

    with sql_statements(db) as statements, mock.patch.object(Executor, "execute_operation", counted):
        if isinstance(payload, bytes):
            response = await client.http.post("/graphql", content=payload,
                                              headers={"content-type": "application/json", **(headers or {})})
        else:
            response = await client.http.post("/graphql", json=payload, headers=headers or {})
    assert response.status_code == status, response.text[:500]
    assert statements == [], statements
    assert executions == [], "the refused operation began to execute"
    return response


def codes(response: httpx.Response) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in response.json()["errors"]]


def nested(depth: int) -> str:
    """A query ``depth`` deep (the fields need not exist: the depth rule answers whatever they are)."""
    return "{ " + " ".join(f"f{i} {{" for i in range(depth)) + " id " + "}" * depth + " }"


# -- depth, tokens, aliases, cost -------------------------------------------------------------
async def test_depth_limit(client: GraphQLClient, db: Database, settings: Settings) -> None:
    response = await refused_cheaply(client, db, {"query": nested(settings.max_query_depth + 1)})
    assert "QUERY_TOO_DEEP" in codes(response)
    error = next(e for e in response.json()["errors"] if e["extensions"]["code"] == "QUERY_TOO_DEEP")
    assert f"maximum operation depth of {settings.max_query_depth}" in error["message"]
    assert response.json().get("data") is None
    # A real query of depth 3 passes by default, and is refused when the limit is configured lower.
    real = "{ me { person { region { name } } } }"
    assert (await client.execute(real))["data"] == {"me": None}
    async with app_client(db, settings, max_query_depth=2) as strict:
        assert codes(await refused_cheaply(strict, db, {"query": real})) == ["QUERY_TOO_DEEP"]


async def test_token_limit(client: GraphQLClient, db: Database, settings: Settings) -> None:
    query = "{ " + "regions { code } " * (settings.max_query_tokens // 4 + 1) + "}"
    response = await refused_cheaply(client, db, {"query": query})
    [error] = response.json()["errors"]
    assert f"more than {settings.max_query_tokens} tokens" in error["message"]
    async with app_client(db, settings, max_query_tokens=10) as strict:
        response = await refused_cheaply(strict, db, {"query": "{ a: regions { code } b: regions { code } c: me { id } }"})
        assert "more than 10 tokens" in response.json()["errors"][0]["message"]


async def test_alias_limit(client: GraphQLClient, db: Database, settings: Settings) -> None:
    limit = settings.max_aliases
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(limit + 1)) + " }"
    response = await refused_cheaply(client, db, {"query": query})
    assert codes(response) == ["TOO_MANY_ALIASES"]
    assert f"{limit + 1} aliases found. Allowed: {limit}" in response.json()["errors"][0]["message"]
    ok = "{ " + " ".join(f"a{i}: __typename" for i in range(limit)) + " }"
    assert len(await client.data(ok)) == limit
    async with app_client(db, settings, max_aliases=1) as strict:
        assert codes(await refused_cheaply(strict, db, {"query": "{ a: __typename b: __typename }"})) == ["TOO_MANY_ALIASES"]


ORDER_PAGE = "orders(first: {n}) {{ edges {{ node {{ id status quantity total listing {{ id titleRu provider {{ id name }} }} }} }} }}"


async def test_cost_limit_counts_page_sizes(client: GraphQLClient, db: Database, settings: Settings) -> None:
    # Each aliased page of 100 orders costs 1 + 100 x 12 = 1,201: twenty of them are over 20,000.
    over = "{ " + " ".join(f"p{i}: " + ORDER_PAGE.format(n=100) for i in range(20)) + " }"
    response = await refused_cheaply(client, db, {"query": over})
    assert codes(response) == ["QUERY_TOO_COSTLY"]
    error = response.json()["errors"][0]
    assert error["extensions"]["maxCost"] == settings.max_query_cost
    assert f"limit of {settings.max_query_cost}" in error["message"]
    # The same shape with small pages is fine (it runs, and refuses only because nobody signed in).
    under = "{ " + " ".join(f"p{i}: " + ORDER_PAGE.format(n=5) for i in range(20)) + " }"
    assert set(codes(await client.post(under))) == {"UNAUTHENTICATED"}
    # Page sizes given as variables count too.
    by_variable = "query($n: Int) { " + " ".join(f"p{i}: " + ORDER_PAGE.format(n="$n") for i in range(20)) + " }"
    assert codes(await refused_cheaply(client, db, {"query": by_variable, "variables": {"n": 100}})) == ["QUERY_TOO_COSTLY"]
    assert set(codes(await client.post(by_variable, {"n": 5}))) == {"UNAUTHENTICATED"}
    # A default page (no first) counts as 20 items.
    defaulted = "query($n: Int = 100) { " + ORDER_PAGE.format(n="$n") + " }"
    async with app_client(db, settings, max_query_cost=1000) as strict:
        assert codes(await refused_cheaply(strict, db, {"query": defaulted})) == ["QUERY_TOO_COSTLY"]
        no_first = "{ orders { edges { node { id status quantity total listing { id titleRu provider { id name } } } } } }"
        assert set(codes(await strict.post(no_first))) == {"UNAUTHENTICATED"}  # 1 + 20 x 12 = 241


async def test_fragment_bomb_is_refused_at_once(client: GraphQLClient, db: Database) -> None:
    """Thirty fragments, each spreading the next one twice: 2**30 paths in a 2 KB document.
    Walking them (as strawberry's own depth and alias limiters do) would hold a worker for an hour."""
    fragments = "".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }} " for i in range(30))
    query = "query Bomb { ...F0 } " + fragments + "fragment F30 on Query { a: regions { code } }"
    response = await refused_cheaply(client, db, {"query": query})
    assert {"TOO_MANY_ALIASES", "QUERY_TOO_COSTLY"} <= set(codes(response))
    deep = "".join(f"fragment D{i} on Query {{ me {{ ...D{i + 1} }} }} " for i in range(30))
    response = await refused_cheaply(client, db, {"query": "{ ...D0 } " + deep + "fragment D30 on Query { me { id } }"})
    assert response.json()["errors"]  # fields of the wrong type, and too deep: refused, quickly


# -- page sizes --------------------------------------------------------------------------------
# A role that may list each connection, and the arguments it needs.
CONNECTIONS: dict[str, tuple[str, str]] = {
    "providerListings": ("admin", 'providerId: "{provider}"'),
    "moderationQueue": ("admin", ""),
    "orders": ("admin", ""),
    "claims": ("admin", ""),
    "searchListings": ("admin", 'query: ""'),
    "applications": ("admin", ""),
    "vehicles": ("admin", ""),
    "accounts": ("admin", ""),
    "trips": ("admin", ""),
    "notifications": ("admin", ""),
    "quotes": ("admin", ""),
    "providers": ("admin", ""),
}


def connection_fields() -> set[str]:
    query = build_schema(Settings(secret_key="limits-" + "x" * 32))._schema.query_type
    return {name for name, fdef in query.fields.items() if "first" in fdef.args}


def test_every_connection_is_listed_here() -> None:
    assert connection_fields() == set(CONNECTIONS), "add the new connection to CONNECTIONS"


async def connection_call(scene: Scene, name: str, arguments: str) -> tuple[str | None, str]:
    """The token of the role that lists ``name``, and the connection called with its own arguments and these."""
    role, own = CONNECTIONS[name]
    own = own.format(provider=gid("Provider", scene.sides["a"].provider.id))
    return await scene.token(role), f"{name}({own}{', ' if own else ''}{arguments})"


@pytest.mark.parametrize("name", sorted(CONNECTIONS))
async def test_first_is_capped_at_100(client: GraphQLClient, scene: Scene, name: str) -> None:
    for first, expected in [(MAX_PAGE + 1, "OUT_OF_RANGE"), (-1, "OUT_OF_RANGE"), (10**9, None), (MAX_PAGE, "ok")]:
        token, call = await connection_call(scene, name, f"first: {first}")
        body = await client.execute(f"{{ {call} {{ pageInfo {{ hasNextPage }} }} }}", token=token)
        if expected == "ok":
            assert not body.get("errors"), (first, body)
        else:
            assert body["data"] is None, (first, body)
            got = body["errors"][0]["extensions"]["code"]
            assert got == (expected or got) and got in {"OUT_OF_RANGE", "QUERY_TOO_COSTLY"}, (first, body)
            if expected:
                assert body["errors"][0]["extensions"]["field"] == "first"


# -- HTTP ---------------------------------------------------------------------------------------
async def test_body_size_limit(client: GraphQLClient, db: Database, settings: Settings) -> None:
    limit = settings.max_body_bytes
    big = b'{"query": "{ regions { code } }", "variables": {"x": "' + b"A" * limit + b'"}}'
    response = await refused_cheaply(client, db, big, status=413)
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    assert response.headers["x-content-type-options"] == "nosniff"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 64 * 1024):
            yield big[start:start + 64 * 1024]

    with sql_statements(db) as statements:
        response = await client.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and statements == []
    lying = await client.http.post("/graphql", content=b"{}", headers={"content-type": "application/json",
                                                                       "content-length": "-1"})
    assert lying.status_code in (400, 413)
    async with app_client(db, settings, max_body_bytes=200) as strict:
        query = {"query": "{ regions { code } }", "variables": {"pad": "x" * 300}}
        response = await refused_cheaply(strict, db, query, status=413)
        assert "over 200 bytes" in response.json()["errors"][0]["message"]
        assert (await strict.execute("{ regions { code } }"))["data"] == {"regions": []}


async def test_batching_is_off(client: GraphQLClient, db: Database) -> None:
    response = await refused_cheaply(client, db, [{"query": "{ regions { code } }"}] * 50, status=400)
    assert "Batching is not enabled" in response.text


async def test_queries_via_get_and_subscriptions_via_post_are_refused(client: GraphQLClient, db: Database) -> None:
    with sql_statements(db) as statements:
        got = await client.http.get("/graphql", params={"query": "{ regions { code } }"})
        mutation = await client.http.get("/graphql", params={"query": 'mutation { login(username: "a", password: "b") { token } }'})
    assert got.status_code == 400 and mutation.status_code == 400 and statements == []
    response = await refused_cheaply(client, db, {"query": "subscription { notifications { id } }"}, status=400)
    assert "WebSocket" in response.text


# -- sign-in rate limits ---------------------------------------------------------------------------
async def test_failed_sign_ins_are_limited_per_address(client: GraphQLClient, db: Database, settings: Settings) -> None:
    """Per account is shown in tests/api; here one address guessing at many accounts."""
    async with db.transaction() as s:
        victim = await f.account(s, f.Role.RECIPIENT, person_id=(await f.person(s, await f.region(s))).id)
    per_address = settings.login_attempts_per_minute * 3
    for n in range(per_address):
        body = await client.data(LOGIN, {"u": f"guess-{n}", "p": "wrong password!"})
        assert body["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    client.http.headers["accept-language"] = "en"  # an anonymous caller reading English
    body = await client.data(LOGIN, {"u": victim.username, "p": f.TEST_PASSWORD})
    assert body["login"]["token"] is None
    error = body["login"]["errors"][0]
    assert error["code"] == "RATE_LIMITED" and "wait a minute" in error["message"]


# -- the validation budget: graphql-core's validation bounded before it runs --------------------------
def nested_fields(levels: int, width: int) -> str:
    inner = "code"
    for _ in range(levels):
        inner = "regions { " + " ".join([inner] * width) + " }"
    return "{ " + inner + " }"


WORST_DOCUMENTS = {
    "990 identical fields": "{ " + "regions { id } " * 990 + "}",
    "990 identical leaves": "{ me { " + "id " * 990 + "} }",
    "three levels of 8 identical fields": nested_fields(3, 8),
    "200 fragments asking for the same field": "{ " + " ".join(f"...F{i}" for i in range(200)) + " } " + " ".join(
        f"fragment F{i} on Query {{ me {{ id username }} }}" for i in range(200)),
}


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents graphql-core validated (strawberry's validate_document, as QueryLimiter calls it)."""
    import strawberry.schema.schema as strawberry_schema

    from schema.core.cost import PLANS

    PLANS.clear()
    calls: list[int] = []
    real = strawberry_schema.validate_document

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate_document", counted)
    return calls


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("name", sorted(WORST_DOCUMENTS))
async def test_documents_over_the_validation_budget_are_refused_before_validation(
        client: GraphQLClient, db: Database, validations: list[int], name: str) -> None:
    """Each of these cost graphql-core's overlapping-fields rule 0.15-6 s of CPU (measured on a loaded
    2-core machine); each is under the token limit. Refused in one linear walk, never validated."""
    with sql_statements(db) as statements:  # no timing asserted: graphql-core is never called, which is the point
        response = await client.post(WORST_DOCUMENTS[name])
    assert codes(response)[-1] == "QUERY_TOO_COSTLY", response.text[:300]
    assert validations == [] and statements == []


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_comments_and_spacing_do_not_defeat_the_document_cache(client: GraphQLClient,
                                                                     validations: list[int]) -> None:
    import random

    for n in range(20):
        noise = f"# {random.random()}\n" * (n % 3 + 1)
        body = await client.execute(f"{noise}{{ regions {{ {' ' * n}code }} }} # {n}")
        assert not body.get("errors"), body
    assert len(validations) == 1


def test_a_flood_of_one_off_documents_does_not_evict_the_portals_own() -> None:
    from schema.core.cost import PlanCache

    cache = PlanCache(size=4)
    cache.put("me", "plan of me")
    assert cache.get("me") == "plan of me"  # asked for twice: protected
    for n in range(1000):
        cache.put(f"flood {n}", n)
    assert cache.get("me") == "plan of me"
    assert cache.get("flood 0") is None and cache.get("flood 999") == 999
    assert len(cache.probation) + len(cache.protected) <= 8


async def test_the_cheapness_check_sees_an_operation_that_ran(client: GraphQLClient, db: Database) -> None:
    """``refused_cheaply`` fails on a request that executed, even one that ran no SQL."""
    with pytest.raises(AssertionError, match="began to execute"):
        await refused_cheaply(client, db, {"query": "{ __typename }"})
