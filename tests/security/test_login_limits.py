"""Sign-in limits: failed attempts are counted per account and per client address
(``marketplace.accounts.services.sign_in``: TIREK_LOGIN_ATTEMPTS_PER_MINUTE per account and address, three
times that per address, ten times per account, over a sliding minute, in the database so every API process shares
them). The address is the connecting one, or -- only when the connection comes from one of
TIREK_TRUSTED_PROXIES -- the client a proxy names in X-Forwarded-For (``schema.app.forwarded_client``).

tests/api/test_accounts_api.py::test_failed_logins_are_rate_limited_per_account and
tests/security/test_limits.py::test_failed_sign_ins_are_limited_per_address show the two limits;
here, the ways around them that must not work, and the ways back that must.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from marketplace.accounts.models import LoginAttempt
from marketplace.db import Database
from marketplace.settings import Settings
from schema.app import GuardMiddleware, forwarded_client, trusted_networks
from tests import factories as f
from tests.graphql_client import LOGIN, GraphQLClient
from tests.security.conftest import make_app
from tests.security.hostile import STATS

SQLITE = pytest.mark.parametrize("backend", ["sqlite"])  # the limits are SQL counts; one backend shows them

PROXY = "10.0.0.7"


@asynccontextmanager
async def portal(db: Database, settings: Settings, peer: str = "127.0.0.1", **overrides: Any
                 ) -> AsyncIterator[GraphQLClient]:
    """The app, reached from ``peer`` (the address the connection comes from)."""
    app = make_app(db, settings.model_copy(update=overrides))
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://tirek.test") as http:
        yield GraphQLClient(http)


async def attempt(client: GraphQLClient, username: str, password: str, forwarded: str | None = None) -> str:
    """Sign in; the first error code, or "ok"."""
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    response = await client.http.post("/graphql", json={"query": LOGIN, "variables": {"u": username, "p": password}},
                                      headers=headers)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["login"]
    STATS["sign-in attempts"] += 1
    if payload["errors"]:
        assert payload["token"] is None
        return payload["errors"][0]["code"]
    assert payload["token"]
    return "ok"


async def victim(db: Database) -> Any:
    async with db.transaction() as s:
        return await f.account(s, f.Role.RECIPIENT, person_id=(await f.person(s, await f.region(s))).id)


@SQLITE
async def test_a_stranger_cannot_lock_the_owner_out(db: Database, settings: Settings) -> None:
    """The limit of TIREK_LOGIN_ATTEMPTS_PER_MINUTE is per account *and* address: a stranger who fails
    ten times holds up only their own address; the owner, from theirs, signs in."""
    account = await victim(db)
    limit = settings.login_attempts_per_minute
    async with portal(db, settings, peer=PROXY, trusted_proxies=[PROXY]) as client:
        for _ in range(limit):
            assert await attempt(client, account.username, "wrong password!", "203.0.113.9") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD, "203.0.113.9") == "RATE_LIMITED"
        # Usernames are one account however they are written.
        assert await attempt(client, "  " + account.username.upper() + " ", f.TEST_PASSWORD, "203.0.113.9") == "RATE_LIMITED"
        assert await attempt(client, account.username, f.TEST_PASSWORD, "198.51.100.1") == "ok"  # the owner
    async with portal(db, settings, peer="203.0.113.9") as same_address_directly:
        response = await same_address_directly.http.post("/graphql", json={"query": LOGIN, "variables": {
            "u": account.username, "p": f.TEST_PASSWORD}}, headers={"accept-language": "en"})
        error = response.json()["data"]["login"]["errors"][0]
        assert error["code"] == "RATE_LIMITED"
        assert error["message"] == "Too many failed sign-ins; wait a minute and try again."


@SQLITE
async def test_the_limit_counts_on_the_clock_that_stamps_the_attempts(db: Database, settings: Settings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The attempts are stamped by the domain's clock (``marketplace.clock``) and the sliding minute
    is measured on it too: with that clock two days behind the host's (as the demo's past year or a
    test run past midnight sets it), the limit still holds."""
    from marketplace import clock

    real = clock.now
    monkeypatch.setattr(clock, "now", lambda: real() - dt.timedelta(days=2))
    account = await victim(db)
    async with portal(db, settings, peer="203.0.113.20") as client:
        for _ in range(settings.login_attempts_per_minute):
            assert await attempt(client, account.username, "wrong password!") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD) == "RATE_LIMITED"


@SQLITE
async def test_the_account_wide_limit_holds_whatever_address_the_guesses_come_from(db: Database,
                                                                                    settings: Settings) -> None:
    """Guesses spread over many addresses meet the account-wide limit (ACCOUNT_FACTOR × the limit)."""
    from marketplace.accounts.services import ACCOUNT_FACTOR

    account = await victim(db)
    per_account = settings.login_attempts_per_minute * ACCOUNT_FACTOR
    async with portal(db, settings, peer=PROXY, trusted_proxies=[PROXY]) as client:
        for n in range(per_account):  # each guess from another client behind the proxy
            code = await attempt(client, account.username, "wrong password!", f"203.0.{n // 200}.{n % 200 + 1}")
            assert code == "INVALID_CREDENTIALS", n
        assert await attempt(client, account.username, f.TEST_PASSWORD, "198.51.100.1") == "RATE_LIMITED"
        assert await attempt(client, account.username, f.TEST_PASSWORD, "198.51.100.2") == "RATE_LIMITED"


async def test_concurrent_guesses_are_counted_before_the_password_is_checked(db: Database,
                                                                              settings: Settings) -> None:
    """41 sign-ins for one account at once, 40 wrong and the right one last: at most the limit reach
    the password check (the attempt is reserved first), and the right password after them is refused.
    Then the same from one address over 41 accounts at once against the address limit."""
    from marketplace.accounts import services
    from marketplace.errors import DomainError

    account = await victim(db)
    limit = settings.login_attempts_per_minute
    checked = 0
    real_verify = services.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        nonlocal checked
        checked += 1
        return real_verify(password_hash, password)

    async def one(username: str, password: str, address: str) -> str:
        STATS["sign-in attempts"] += 1
        try:
            await services.sign_in(db, settings, username, password, address)
        except DomainError as exc:
            return exc.code.value
        return "ok"

    services.verify_password = counting_verify
    try:
        guesses = [one(account.username, "wrong password!", "203.0.113.5") for _ in range(40)]
        codes = await asyncio.gather(*guesses, one(account.username, f.TEST_PASSWORD, "203.0.113.5"))
        assert checked <= limit, (checked, codes)
        assert codes.count("RATE_LIMITED") >= 41 - limit, codes
        assert codes.count("INVALID_CREDENTIALS") + codes.count("ok") == checked
        if codes[-1] != "ok":  # the right password was among those held back: the rest of the limit, then none
            for _ in range(limit - codes.count("INVALID_CREDENTIALS")):
                assert await one(account.username, "wrong password!", "203.0.113.5") == "INVALID_CREDENTIALS"
            assert await one(account.username, f.TEST_PASSWORD, "203.0.113.5") == "RATE_LIMITED"
        # One address over many accounts: the address limit, as atomic.
        checked = 0
        per_address = limit * services.ADDRESS_FACTOR
        codes = await asyncio.gather(*(one(f"guess-{n}", "wrong password!", "198.51.100.77")
                                       for n in range(per_address + 11)))
        assert checked <= per_address, (checked, codes)
        for n in range(per_address - codes.count("INVALID_CREDENTIALS")):
            assert await one(f"more-{n}", "wrong password!", "198.51.100.77") == "INVALID_CREDENTIALS"
        assert await one(account.username, f.TEST_PASSWORD, "198.51.100.77") == "RATE_LIMITED"
    finally:
        services.verify_password = real_verify


@SQLITE
async def test_a_forged_forwarded_for_does_not_reset_the_address_limit(db: Database, settings: Settings) -> None:
    """No trusted proxies configured (the default): X-Forwarded-For is the client's own words, ignored."""
    account = await victim(db)
    per_address = settings.login_attempts_per_minute * 3
    assert settings.trusted_proxies == []
    async with portal(db, settings, peer="192.0.2.10") as client:
        for n in range(per_address):
            code = await attempt(client, f"guess-{n}", "wrong password!", forwarded=f"203.0.113.{n}")
            assert code == "INVALID_CREDENTIALS"
        for forged in ("198.51.100.7", "unknown", "", "127.0.0.1", "192.0.2.11, 198.51.100.7"):
            assert await attempt(client, account.username, f.TEST_PASSWORD, forwarded=forged) == "RATE_LIMITED", forged
    async with portal(db, settings, peer="192.0.2.11") as neighbour:  # another address is not held up
        assert await attempt(neighbour, account.username, f.TEST_PASSWORD) == "ok"


@SQLITE
async def test_behind_a_trusted_proxy_each_client_has_its_own_address_limit(db: Database, settings: Settings) -> None:
    account = await victim(db)
    per_address = settings.login_attempts_per_minute * 3
    async with portal(db, settings, peer=PROXY, trusted_proxies=["10.0.0.0/24"]) as client:
        for n in range(per_address):
            assert await attempt(client, f"guess-{n}", "wrong password!", "203.0.113.66") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD, "203.0.113.66") == "RATE_LIMITED"
        # The same client writing addresses of its own in front of what the proxy appends gains nothing.
        assert await attempt(client, account.username, f.TEST_PASSWORD, "198.51.100.1, 203.0.113.66") == "RATE_LIMITED"
        # Two proxies deep (both trusted): still the client the outer proxy saw.
        assert await attempt(client, account.username, f.TEST_PASSWORD, "203.0.113.66, 10.0.0.8") == "RATE_LIMITED"
        # Everyone else behind the same proxy signs in: one guesser does not lock the portal.
        assert await attempt(client, account.username, f.TEST_PASSWORD, "203.0.113.67") == "ok"
    async with portal(db, settings, peer="192.0.2.50", trusted_proxies=["10.0.0.0/24"]) as untrusted:
        # A connection that is not from the proxy: its X-Forwarded-For is ignored.
        for n in range(per_address):
            assert await attempt(untrusted, f"guess-{n}", "wrong password!", f"203.0.113.{n + 100}") == "INVALID_CREDENTIALS"
        assert await attempt(untrusted, account.username, f.TEST_PASSWORD, "203.0.113.67") == "RATE_LIMITED"


@SQLITE
async def test_the_limit_is_a_minute_not_a_lockout(db: Database, settings: Settings) -> None:
    """A locked-out account comes back on its own (nobody can lock a person out for good), and a
    successful sign-in forgets the account's failures."""
    account = await victim(db)
    limit = settings.login_attempts_per_minute
    async with portal(db, settings) as client:
        for _ in range(limit - 1):
            assert await attempt(client, account.username, "wrong password!") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD) == "ok"
        for _ in range(limit - 1):  # counted afresh after the success
            assert await attempt(client, account.username, "wrong password!") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD) == "ok"
        for _ in range(limit):
            assert await attempt(client, account.username, "wrong password!") == "INVALID_CREDENTIALS"
        assert await attempt(client, account.username, f.TEST_PASSWORD) == "RATE_LIMITED"
        async with db.transaction() as s:  # a minute passes
            await s.execute(update(LoginAttempt).values(
                attempted_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=61)))
        assert await attempt(client, account.username, f.TEST_PASSWORD) == "ok"


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("10.0.0.7", "203.0.113.5", "203.0.113.5"),
    ("10.0.0.7", "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the client's own prefix is ignored
    ("10.0.0.7", "203.0.113.5, 10.0.0.9", "203.0.113.5"),  # through two trusted proxies
    ("10.0.0.7", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all proxies: the first hop named
    ("10.0.0.7", "", None),
    ("10.0.0.7", " , ", None),
    ("10.0.0.7", "not-an-address", "not-an-address"),  # a bucket of its own, not the proxy's
    ("10.0.0.7", "2001:db8::1", "2001:db8::1"),
    ("192.0.2.1", "203.0.113.5", None),  # not from a proxy: the header is the client's own
    ("::1", "203.0.113.5", None),
    (None, "203.0.113.5", None),
])
def test_forwarded_client(peer: str | None, forwarded: str, expected: str | None) -> None:
    assert forwarded_client(peer, forwarded, trusted_networks(["10.0.0.0/24", "fd00::/8"])) == expected
    assert forwarded_client(peer, forwarded, []) is None  # nothing configured: never


def test_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("TIREK_SECRET_KEY", "proxies-" + "x" * 32)
    monkeypatch.setenv("TIREK_VAR_DIR", str(tmp_path))
    assert Settings().trusted_proxies == []
    monkeypatch.setenv("TIREK_TRUSTED_PROXIES", '["10.0.0.7", "10.1.0.0/16", "fd00::/8"]')
    assert Settings().trusted_proxies == ["10.0.0.7", "10.1.0.0/16", "fd00::/8"]
    monkeypatch.setenv("TIREK_TRUSTED_PROXIES", '["the load balancer"]')
    with pytest.raises(ValueError, match="TIREK_TRUSTED_PROXIES"):  # refused when the app starts, not ignored
        GuardMiddleware(app=None, db=None, settings=Settings())  # type: ignore[arg-type]
