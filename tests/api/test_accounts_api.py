"""Signing in, tokens and scope, over HTTP."""

from __future__ import annotations

import datetime as dt

import jwt

from schema.core.ids import to_global_id
from tests import factories as f
from tests.graphql_client import LOGIN

ME = "{ me { username role person { iin } provider { name } region { code } } }"
PERSON = "query($id: ID!) { person(id: $id) { iin fullName } }"


async def test_each_role_signs_in_and_me_shows_role_and_scope(api, world):  # type: ignore[no-untyped-def]
    expected = {
        "recipient_a": ("RECIPIENT", lambda me: me["person"]["iin"] == world.recipient_a.iin),
        "provider_a": ("PROVIDER", lambda me: me["provider"]["name"] == world.provider_a.name),
        "officer_a": ("LOCAL_BODY", lambda me: me["region"]["code"] == world.region_a.code),
        "admin": ("ADMIN", lambda me: me["person"] is None and me["region"] is None),
    }
    for name, (role, scope_ok) in expected.items():
        account = getattr(world, f"{name}_account")
        token = await api.login(account.username)
        me = (await api.data(ME, token=token))["me"]
        assert me["role"] == role
        assert me["username"] == account.username
        assert scope_ok(me), me


async def test_anonymous_me_is_null_and_regions_are_public(api, world):  # type: ignore[no-untyped-def]
    data = await api.data("{ me { username } regions { code name } }")
    assert data["me"] is None
    assert {r["code"] for r in data["regions"]} == {world.region_a.code, world.region_b.code}


async def test_wrong_password_is_a_typed_error_and_no_token(api, world):  # type: ignore[no-untyped-def]
    body = await api.data(LOGIN, {"u": world.recipient_a_account.username, "p": "wrong password!"})
    assert body["login"]["token"] is None
    assert body["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    unknown = await api.data(LOGIN, {"u": "nobody-here", "p": "wrong password!"})
    assert unknown["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert unknown["login"]["errors"][0]["message"] == body["login"]["errors"][0]["message"]


async def test_failed_logins_are_rate_limited_per_account(api, world, settings):  # type: ignore[no-untyped-def]
    username = world.recipient_a_account.username
    for _ in range(settings.login_attempts_per_minute):
        body = await api.data(LOGIN, {"u": username, "p": "wrong password!"})
        assert body["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    body = await api.data(LOGIN, {"u": username, "p": f.TEST_PASSWORD})
    assert body["login"]["errors"][0]["code"] == "RATE_LIMITED"
    assert body["login"]["token"] is None


async def test_tampered_expired_and_foreign_tokens_are_refused(api, world, settings):  # type: ignore[no-untyped-def]
    token = await api.login(world.recipient_a_account.username)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = await api.post(ME, token=tampered)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"

    now = dt.datetime.now(dt.UTC)
    expired = jwt.encode(
        {"sub": str(world.recipient_a_account.id), "ver": 1, "iat": now - dt.timedelta(hours=2),
         "exp": now - dt.timedelta(hours=1), "iss": "tirek"},
        settings.secret_key, algorithm="HS256",
    )
    response = await api.post(ME, token=expired)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"

    forged = jwt.encode(
        {"sub": str(world.admin_account.id), "ver": 1, "exp": now + dt.timedelta(hours=1), "iss": "tirek"},
        "some-other-secret", algorithm="HS256",
    )
    assert (await api.post(ME, token=forged)).status_code == 401


async def test_changed_password_invalidates_old_tokens(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.recipient_a_account.username)
    mutation = "mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { ok errors { code } } }"
    result = (await api.data(mutation, {"o": f.TEST_PASSWORD, "n": "a brand new passphrase"}, token=token))
    assert result["changePassword"] == {"ok": True, "errors": []}
    assert (await api.post(ME, token=token)).status_code == 401
    fresh = await api.login(world.recipient_a_account.username, "a brand new passphrase")
    assert (await api.data(ME, token=fresh))["me"]["role"] == "RECIPIENT"


async def test_recipient_cannot_read_another_persons_record(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.recipient_a_account.username)
    own = await api.data(PERSON, {"id": to_global_id("Person", world.recipient_a.id)}, token=token)
    assert own["person"]["iin"] == world.recipient_a.iin
    other = await api.execute(PERSON, {"id": to_global_id("Person", world.recipient_b.id)}, token=token)
    assert other["data"] is None
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    missing = await api.execute(PERSON, {"id": to_global_id("Person", 999999)}, token=token)
    # The same answer for someone else's person as for no person at all.
    assert missing["errors"][0]["message"] == other["errors"][0]["message"]


async def test_officer_sees_own_region_only_and_provider_sees_no_persons(api, world):  # type: ignore[no-untyped-def]
    officer = await api.login(world.officer_a_account.username)
    assert (await api.data(PERSON, {"id": to_global_id("Person", world.recipient_a.id)}, token=officer))["person"]
    refused = await api.execute(PERSON, {"id": to_global_id("Person", world.recipient_b.id)}, token=officer)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    provider = await api.login(world.provider_a_account.username)
    refused = await api.execute(PERSON, {"id": to_global_id("Person", world.recipient_a.id)}, token=provider)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_node_refuses_out_of_scope_and_malformed_ids(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.recipient_a_account.username)
    query = "query($id: ID!) { node(id: $id) { id ... on Person { iin } } }"
    own = await api.data(query, {"id": to_global_id("Person", world.recipient_a.id)}, token=token)
    assert own["node"]["iin"] == world.recipient_a.iin
    for bad in [to_global_id("Person", world.recipient_b.id), "not-an-id", to_global_id("Nope", 1), "x" * 500]:
        body = await api.execute(query, {"id": bad}, token=token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] in {"NOT_FOUND", "INVALID"}


async def test_disabled_account_cannot_sign_in_or_use_old_token(api, world, db):  # type: ignore[no-untyped-def]
    from marketplace.accounts.services import set_account_active

    token = await api.login(world.provider_b_account.username)
    async with db.transaction() as s:
        await set_account_active(s, world.viewer("admin"), world.provider_b_account.id, False)
    assert (await api.post(ME, token=token)).status_code == 401
    body = await api.data(LOGIN, {"u": world.provider_b_account.username, "p": f.TEST_PASSWORD})
    assert body["login"]["errors"][0]["code"] == "ACCOUNT_DISABLED"


async def test_unexpected_errors_are_masked(api, world, monkeypatch):  # type: ignore[no-untyped-def]
    import schema.accounts.queries as q

    async def boom(session):  # type: ignore[no-untyped-def]
        raise RuntimeError("SELECT secret FROM accounts at /srv/tirek/app.py line 42")

    monkeypatch.setattr(q, "list_regions", boom)
    body = await api.execute("{ regions { code } }")
    text = str(body)
    assert "SELECT" not in text and "/srv" not in text and "RuntimeError" not in text
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"]["errorId"]


