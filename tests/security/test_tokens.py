"""Bearer tokens: they expire when the settings say, die with a changed password or a disabled
account (and stay dead), and every tampered or forged form is refused -- on every route, never
falling back to an anonymous caller.

tests/api/test_accounts_api.py shows the plain cases (a flipped signature, a hand-made expired
token, one password change, one disabled account); these push on each rule.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import update

from marketplace.accounts.models import Account
from marketplace.accounts.services import set_account_active
from marketplace.db import Database
from marketplace.settings import Settings
from schema.services import Services
from tests import factories as f
from tests.graphql_client import LOGIN, GraphQLClient
from tests.security.conftest import make_app
from tests.security.hostile import STATS
from tests.security.scene import Scene, gid

ME = "{ me { username role } }"
CHANGE = ("mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) "
          "{ ok errors { code } } }")


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def refused(client: GraphQLClient, token: str, code: str | set[str] = "TOKEN_INVALID") -> None:
    """A request with ``token`` is refused with 401 and ``code`` -- also on a field anyone may read,
    and on the receipt route: a bad token is never taken for no token."""
    STATS["token checks"] += 1
    codes = {code} if isinstance(code, str) else code
    for response in (await client.post(ME, token=token), await client.post("{ regions { code } }", token=token),
                     await client.http.get(f"/receipts/{gid('Receipt', 1)}", headers={"authorization": f"Bearer {token}"})):
        assert response.status_code == 401, (token[:80], response.status_code, response.text[:300])
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] in codes, (token[:80], body)
        assert "data" not in body or body["data"] is None
        assert response.headers["x-content-type-options"] == "nosniff"


async def signed_in(client: GraphQLClient, username: str, password: str = f.TEST_PASSWORD) -> dict[str, Any]:
    payload = (await client.data(LOGIN, {"u": username, "p": password}))["login"]
    assert payload["errors"] == [], payload
    return payload


# -- expiry --------------------------------------------------------------------------------------
async def test_a_token_lives_exactly_as_long_as_the_settings_say(db: Database, settings: Settings,
                                                                  scene: Scene) -> None:
    username = scene.account("recipient").username
    app = make_app(db, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        client = GraphQLClient(http)
        before = dt.datetime.now(dt.UTC)
        payload = await signed_in(client, username)
        claims = jwt.decode(payload["token"], settings.secret_key, algorithms=["HS256"], issuer="tirek")
        expires = dt.datetime.fromisoformat(payload["expiresAt"])
        assert abs((expires - before).total_seconds() - settings.token_ttl) < 5
        assert abs(claims["exp"] - expires.timestamp()) < 1  # what the client is told is what is enforced

    # A short life (TIREK_TOKEN_TTL is at least 60 s in the environment; 2 s here to watch it end).
    short = settings.model_copy(update={"token_ttl": 2})
    app = make_app(db, short)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tirek.test") as http:
        client = GraphQLClient(http)
        token = (await signed_in(client, username))["token"]
        assert (await client.data(ME, token=token))["me"]["username"] == username
        await asyncio.sleep(2.2)
        await refused(client, token, "TOKEN_EXPIRED")
        fresh = (await signed_in(client, username))["token"]  # signing in again is the way back
        assert (await client.data(ME, token=fresh))["me"]["username"] == username


# -- tampering -------------------------------------------------------------------------------------
def hs256(signing_input: str, key: bytes) -> str:
    """Sign by hand (PyJWT itself refuses an empty key)."""
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def forgeries(settings: Settings, account: Account, admin: Account) -> dict[str, str]:
    secret = settings.secret_key or ""
    now = dt.datetime.now(dt.UTC)
    good = {"sub": str(account.id), "ver": account.token_version, "iat": now, "exp": now + dt.timedelta(hours=1),
            "iss": "tirek"}
    token = jwt.encode(good, secret, algorithm="HS256")
    header, payload, signature = token.split(".")
    as_admin = {**good, "sub": str(admin.id), "iat": int(now.timestamp()), "exp": int(good["exp"].timestamp())}
    unsigned = {**as_admin}
    return {
        "signature flipped": f"{header}.{payload}.{signature[:-4]}{'AAAA' if not signature.endswith('AAAA') else 'BBBB'}",
        "payload swapped to the admin, signature kept": f"{header}.{b64(as_admin)}.{signature}",
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(unsigned)}.",
        "alg none, upper case": f"{b64({'alg': 'NONE', 'typ': 'JWT'})}.{b64(unsigned)}.",
        "alg HS512 with the right secret": jwt.encode(good, secret, algorithm="HS512"),
        "another secret": jwt.encode(good, "not-the-secret-" + "x" * 32, algorithm="HS256"),
        "an empty secret": hs256(f"{header}.{payload}", b""),
        "another issuer": jwt.encode({**good, "iss": "someone-else"}, secret, algorithm="HS256"),
        "no issuer": jwt.encode({k: v for k, v in good.items() if k != "iss"}, secret, algorithm="HS256"),
        "no expiry": jwt.encode({k: v for k, v in good.items() if k != "exp"}, secret, algorithm="HS256"),
        "no version": jwt.encode({k: v for k, v in good.items() if k != "ver"}, secret, algorithm="HS256"),
        "no subject": jwt.encode({k: v for k, v in good.items() if k != "sub"}, secret, algorithm="HS256"),
        "an older version": jwt.encode({**good, "ver": account.token_version - 1}, secret, algorithm="HS256"),
        "a newer version": jwt.encode({**good, "ver": account.token_version + 1}, secret, algorithm="HS256"),
        "a subject that is not a number": jwt.encode({**good, "sub": "1 OR 1=1"}, secret, algorithm="HS256"),
        "a subject of no account": jwt.encode({**good, "sub": "999999"}, secret, algorithm="HS256"),
        "a version that is not a number": jwt.encode({**good, "ver": "x"}, secret, algorithm="HS256"),
        "expired five seconds ago": jwt.encode({**good, "exp": now - dt.timedelta(seconds=5)}, secret,
                                                    algorithm="HS256"),
        "not before the future": jwt.encode({**good, "nbf": now + dt.timedelta(hours=1)}, secret, algorithm="HS256"),
        "two parts": f"{header}.{payload}",
        "four parts": f"{token}.{signature}",
        "garbage": "not-a-token",
        "padding and spaces": f"{header}.{payload}.{signature}=== x",
        "base64 of JSON that is a list": f"{header}.{b64(b'[1,2,3]')}.{signature}",
        "very long": token + "A" * 8000,
        "SQL": "' OR '1'='1",
    }


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery's key
async def test_tampered_and_forged_tokens_are_refused(client: GraphQLClient, scene: Scene) -> None:
    recipient, admin = scene.account("recipient"), scene.account("admin")
    async with scene.db.transaction() as s:  # a version above 1, so that "older" is a real past version
        await s.execute(update(Account).where(Account.id == recipient.id).values(token_version=3))
    async with scene.db.session() as s:
        recipient = await s.get(Account, recipient.id)
    made = forgeries(scene.settings, recipient, admin)
    for name, token in made.items():
        expected = "TOKEN_EXPIRED" if "expired" in name else "TOKEN_INVALID"
        try:
            await refused(client, token, expected)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
    # The untampered token works: the refusals above are the tampering's.
    good = jwt.encode({"sub": str(recipient.id), "ver": 3, "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                       "iss": "tirek"}, scene.settings.secret_key, algorithm="HS256")
    assert (await client.data(ME, token=good))["me"]["username"] == recipient.username


async def test_a_signed_token_for_an_id_past_any_column_is_refused(client: GraphQLClient, scene: Scene) -> None:
    """Only a holder of the secret can sign one, but even then: 401, never a 500."""
    for sub in (str(2**31), str(2**62), str(-(2**63)), "0", "-1"):
        token = jwt.encode({"sub": sub, "ver": 1, "iss": "tirek",
                            "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)},
                           scene.settings.secret_key, algorithm="HS256")
        await refused(client, token)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_odd_authorization_headers_are_refused_or_anonymous(client: GraphQLClient, scene: Scene) -> None:
    """A header that is not a bearer token is no token (anonymous); a bearer token that is
    not valid is refused -- never the account of some other part of the header."""
    token = await scene.token("admin")
    anonymous = ["", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", f"Token {token}", token]
    for value in anonymous:
        response = await client.http.post("/graphql", json={"query": ME}, headers={"authorization": value})
        assert response.status_code == 200 and response.json()["data"]["me"] is None, (value[:40], response.text)
    for value in (f"Bearer {token} {token}", f"Bearer {token}x", f"Bearer x{token}", f"Bearer {token[:-1]}"):
        response = await client.http.post("/graphql", json={"query": ME}, headers={"authorization": value})
        assert response.status_code == 401, (value[:60], response.text[:200])
    assert (await client.http.post("/graphql", json={"query": ME}, headers={"authorization": f"bearer  {token}"})
            ).json()["data"]["me"]["role"] == "ADMIN"  # the scheme is case-insensitive, as RFC 6750 says


# -- a changed password, a disabled account --------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_changed_password_ends_every_older_session(client: GraphQLClient, scene: Scene) -> None:
    username = scene.account("recipient").username
    phone, laptop = (await signed_in(client, username))["token"], (await signed_in(client, username))["token"]
    bystander = (await signed_in(client, scene.account("other_recipient").username))["token"]
    result = await client.data(CHANGE, {"o": f.TEST_PASSWORD, "n": "a brand new passphrase"}, token=laptop)
    assert result["changePassword"] == {"ok": True, "errors": []}
    for old in (phone, laptop):
        await refused(client, old)
    body = await client.data(LOGIN, {"u": username, "p": f.TEST_PASSWORD})
    assert body["login"]["token"] is None and body["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    fresh = (await signed_in(client, username, "a brand new passphrase"))["token"]
    assert (await client.data(ME, token=fresh))["me"]["username"] == username
    assert (await client.data(ME, token=bystander))["me"]["role"] == "RECIPIENT"  # other accounts untouched
    # A wrong old password changes nothing, and ends no session.
    wrong = await client.data(CHANGE, {"o": "not the password", "n": "yet another passphrase"}, token=fresh)
    assert wrong["changePassword"] == {"ok": False, "errors": [{"code": "INVALID_CREDENTIALS"}]}
    assert (await client.data(ME, token=fresh))["me"]["username"] == username


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_disabled_account_loses_its_tokens_even_once_enabled_again(client: GraphQLClient,
                                                                         scene: Scene) -> None:
    account = scene.account("provider")
    old = (await signed_in(client, account.username))["token"]
    admin = scene.world.viewer("admin")
    async with scene.db.transaction() as s:
        await set_account_active(s, admin, account.id, False)
    await refused(client, old, {"TOKEN_INVALID", "ACCOUNT_DISABLED"})
    body = await client.data(LOGIN, {"u": account.username, "p": f.TEST_PASSWORD})
    assert body["login"]["token"] is None and body["login"]["errors"][0]["code"] == "ACCOUNT_DISABLED"
    # A token made now, for the disabled account's current version, is refused as well.
    async with scene.db.session() as s:
        current = await s.get(Account, account.id)
        assert current is not None
    forged_now = jwt.encode({"sub": str(account.id), "ver": current.token_version, "iss": "tirek",
                             "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)},
                            scene.settings.secret_key, algorithm="HS256")
    await refused(client, forged_now, "ACCOUNT_DISABLED")
    async with scene.db.transaction() as s:
        await set_account_active(s, admin, account.id, True)
    await refused(client, old)  # enabling again does not bring the old sessions back
    await refused(client, forged_now)
    fresh = (await signed_in(client, account.username))["token"]
    assert (await client.data(ME, token=fresh))["me"]["role"] == "PROVIDER"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_revoked_token_cannot_open_a_subscription(scene: Scene) -> None:
    """The websocket is authenticated by the same token (in connection_init): revoked is refused there too."""
    from marketplace.accounts.access import Viewer
    from schema.context import Context
    from schema.schema import build_schema

    token = await scene.token("recipient")
    async with scene.db.transaction() as s:
        await s.execute(update(Account).where(Account.id == scene.account("recipient").id)
                        .values(token_version=Account.token_version + 1))
    schema = build_schema(scene.settings)
    for bad in (token, token[:-2] + "xx", "garbage"):
        context = Context(db=scene.db, settings=scene.settings, viewer=Viewer.anonymous(),
                          services=Services(notification_poll_interval=0.05),
                          connection_params={"authorization": f"Bearer {bad}"})
        stream = await schema.subscribe("subscription { notifications { id } }", context_value=context)
        try:
            result = await asyncio.wait_for(anext(stream), timeout=2)
        finally:
            await stream.aclose()
        assert result.errors and result.errors[0].extensions["code"] == "TOKEN_INVALID", result
        STATS["token checks"] += 1


async def test_the_lifetime_is_the_servers_not_the_tokens(client: GraphQLClient, scene: Scene) -> None:
    """A correctly signed token that claims a longer life than TIREK_TOKEN_TTL is refused, and a token
    issued longer than the TTL ago has expired even if its ``exp`` is still ahead (the TTL was shortened)."""
    account, secret, ttl = scene.account("recipient"), scene.settings.secret_key, scene.settings.token_ttl
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(account.id), "ver": account.token_version, "iss": "tirek"}
    a_year = jwt.encode({**claims, "iat": now, "exp": now + dt.timedelta(days=365)}, secret, algorithm="HS256")
    await refused(client, a_year)
    no_iat_a_year = jwt.encode({**claims, "exp": now + dt.timedelta(days=365)}, secret, algorithm="HS256")
    await refused(client, no_iat_a_year)
    from_the_future = jwt.encode({**claims, "iat": now + dt.timedelta(hours=1), "exp": now + dt.timedelta(hours=2)},
                                 secret, algorithm="HS256")
    await refused(client, from_the_future)
    issued_long_ago = jwt.encode({**claims, "iat": now - dt.timedelta(seconds=ttl + 1),
                                  "exp": now + dt.timedelta(seconds=30)}, secret, algorithm="HS256")
    await refused(client, issued_long_ago, "TOKEN_EXPIRED")
    within = jwt.encode({**claims, "iat": now, "exp": now + dt.timedelta(seconds=ttl)}, secret, algorithm="HS256")
    assert (await client.data(ME, token=within))["me"]["username"] == account.username


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_disable_account_over_graphql_and_the_command_line(client: GraphQLClient, scene: Scene,
                                                                 db: Database) -> None:
    """disableAccount (admin only) ends the account's sessions at once and refuses its sign-in; it is
    audited; an admin cannot disable themself; `tirek disable-account` does the same."""
    from sqlalchemy import select

    from marketplace.audit.models import AuditEvent

    disable = "mutation($id: ID!) { disableAccount(accountId: $id) { ok errors { code field } } }"
    target, admin = scene.account("provider"), scene.account("admin")
    session = (await signed_in(client, target.username))["token"]
    admin_token = await scene.token("admin")
    for role in ("recipient", "provider", "officer"):
        body = await client.data(disable, {"id": gid("Account", target.id)}, token=await scene.token(role))
        assert body["disableAccount"] == {"ok": False, "errors": [{"code": "FORBIDDEN", "field": None}]}
    assert (await client.data(ME, token=session))["me"]["username"] == target.username  # nothing changed
    for garbage, code in (("garbage", "INVALID"), (gid("Order", target.id), "NOT_FOUND"),
                          (gid("Account", 999999), "NOT_FOUND")):
        body = await client.data(disable, {"id": garbage}, token=admin_token)
        assert body["disableAccount"]["errors"][0]["code"] == code, garbage
    body = await client.data(disable, {"id": gid("Account", admin.id)}, token=admin_token)
    assert body["disableAccount"]["errors"] == [{"code": "INVALID", "field": "accountId"}]
    body = await client.data(disable, {"id": gid("Account", target.id)}, token=admin_token)
    assert body["disableAccount"] == {"ok": True, "errors": []}
    await refused(client, session, {"TOKEN_INVALID", "ACCOUNT_DISABLED"})
    login = await client.data(LOGIN, {"u": target.username, "p": f.TEST_PASSWORD})
    assert login["login"]["errors"][0]["code"] == "ACCOUNT_DISABLED"
    async with db.session() as s:
        events = (await s.execute(select(AuditEvent).where(
            AuditEvent.subject_type == "Account", AuditEvent.subject_id == target.id))).scalars().all()
    assert [(e.action, e.actor_account_id, e.after) for e in events] == [
        ("account.activation", admin.id, {"is_active": False})]

    # The command line, on the same database: enable again, then disable.
    import subprocess
    import sys

    env = {**os.environ, "TIREK_DATABASE_URL": db.url,
           "TIREK_SECRET_KEY": scene.settings.secret_key or ""}
    run = [sys.executable, "-m", "tirek.cli", "disable-account"]
    done = subprocess.run([*run, target.username, "--enable"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    fresh = (await signed_in(client, target.username))["token"]
    done = subprocess.run([*run, target.username.upper()], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Disabled account" in done.stdout, done.stderr
    await refused(client, fresh, {"TOKEN_INVALID", "ACCOUNT_DISABLED"})
    done = subprocess.run([*run, "nobody-by-that-name"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "NOT_FOUND" in done.stderr
