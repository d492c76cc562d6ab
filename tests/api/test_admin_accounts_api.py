"""The administrator keeps the accounts over HTTP: the list (paged, by role and by text), one
account by its id, a password-reset code issued and shown once (only its hash kept; a newer one
voids the older; it sets the password through resetPassword like any reset code), and every
other role refused each of them."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import AccountCode
from marketplace.audit.models import AuditEvent
from schema.core.ids import to_global_id
from tests import factories as f
from tests.graphql_client import LOGIN

ACCOUNTS = """query($role: Role, $text: String, $first: Int, $after: String) {
  accounts(role: $role, text: $text, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id username displayName role isActive region { code } provider { name } person { iin } }
  }
}"""
ACCOUNT = "query($id: ID!) { node(id: $id) { id ... on Account { username role isActive } } }"
ISSUE = """mutation($id: ID!) { issuePasswordResetCode(accountId: $id) {
  code expiresAt account { username } errors { field code message } } }"""
RESET = "mutation($c: String!, $p: String!) { resetPassword(code: $c, newPassword: $p) { ok errors { field code } } }"
OTHERS = ("recipient_a", "provider_a", "officer_a")


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def test_the_admin_lists_accounts_by_role_and_text_page_by_page(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.admin_account.username)
    everyone = (await api.data(ACCOUNTS, {"first": 100}, token=token))["accounts"]
    assert everyone["totalCount"] == len(everyone["nodes"]) == 7  # two of each scoped role, one admin
    officers = (await api.data(ACCOUNTS, {"role": "LOCAL_BODY"}, token=token))["accounts"]
    assert {a["username"] for a in officers["nodes"]} == {world.officer_a_account.username,
                                                          world.officer_b_account.username}
    assert {a["region"]["code"] for a in officers["nodes"]} == {world.region_a.code, world.region_b.code}
    assert officers["totalCount"] == 2

    # By text: a part of the username, any case; a part of the name; nothing for a stranger's.
    wanted = world.provider_a_account
    by_name = (await api.data(ACCOUNTS, {"text": wanted.username[2:].upper()}, token=token))["accounts"]["nodes"]
    assert [a["username"] for a in by_name] == [wanted.username]
    assert by_name[0]["provider"] == {"name": world.provider_a.name}
    shown = (await api.data(ACCOUNTS, {"text": wanted.display_name}, token=token))["accounts"]["nodes"]
    assert wanted.username in [a["username"] for a in shown]
    assert (await api.data(ACCOUNTS, {"text": "%"}, token=token))["accounts"]["nodes"] == []  # no wildcard
    recipients = (await api.data(ACCOUNTS, {"role": "RECIPIENT", "text": world.recipient_a_account.username},
                                 token=token))["accounts"]["nodes"]
    assert recipients[0]["person"] == {"iin": world.recipient_a.iin}

    # Page by page, the oldest first: the pages join into the whole list, none twice.
    seen, after = [], None
    while True:
        page = (await api.data(ACCOUNTS, {"first": 2, "after": after}, token=token))["accounts"]
        seen += [a["id"] for a in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [a["id"] for a in everyone["nodes"]]

    one = (await api.data(ACCOUNT, {"id": gid("Account", wanted.id)}, token=token))["node"]
    assert one == {"id": gid("Account", wanted.id), "username": wanted.username, "role": "PROVIDER",
                   "isActive": True}


async def test_bad_input_to_accounts_is_a_typed_error(api, world):  # type: ignore[no-untyped-def]
    token = await api.login(world.admin_account.username)
    for variables, code in (({"first": 101}, "OUT_OF_RANGE"), ({"first": -1}, "OUT_OF_RANGE"),
                            ({"after": "not a cursor"}, "INVALID"), ({"text": "x" * 101}, "TOO_LONG"),
                            ({"text": "a\x00b"}, "INVALID")):
        body = await api.execute(ACCOUNTS, variables, token=token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == code, (variables, body)


async def test_no_other_role_sees_accounts(api, world):  # type: ignore[no-untyped-def]
    target = gid("Account", world.officer_b_account.id)
    anonymous = await api.execute(ACCOUNTS, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.execute(ACCOUNT, {"id": target}))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for role in OTHERS:
        token = await api.login(getattr(world, f"{role}_account").username)
        body = await api.execute(ACCOUNTS, {"role": "LOCAL_BODY"}, token=token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
        own = gid("Account", getattr(world, f"{role}_account").id)
        for asked in (target, own):  # not even one's own: `me` is for that
            body = await api.execute(ACCOUNT, {"id": asked}, token=token)
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", (role, asked)
        body = await api.data(ISSUE, {"id": target}, token=token)
        assert body["issuePasswordResetCode"]["code"] is None
        assert body["issuePasswordResetCode"]["errors"][0]["code"] == "FORBIDDEN", role
    body = await api.data(ISSUE, {"id": target})
    assert body["issuePasswordResetCode"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_an_issued_code_sets_the_password_once_and_a_newer_one_voids_it(api, db, world):  # type: ignore[no-untyped-def]
    admin = await api.login(world.admin_account.username)
    target = world.officer_a_account
    session = await api.login(target.username)
    first = (await api.data(ISSUE, {"id": gid("Account", target.id)}, token=admin))["issuePasswordResetCode"]
    assert first["errors"] == [] and first["account"] == {"username": target.username}
    assert len(first["code"].replace(" ", "")) == 12
    second = (await api.data(ISSUE, {"id": gid("Account", target.id)}, token=admin))["issuePasswordResetCode"]
    assert second["code"] != first["code"]
    async with db.session() as s:
        codes = (await s.execute(select(AccountCode).where(AccountCode.account_id == target.id))).scalars().all()
        events = (await s.execute(select(AuditEvent).where(
            AuditEvent.subject_type == "Account", AuditEvent.subject_id == target.id,
            AuditEvent.action == "account.password_reset_issued"))).scalars().all()
    assert len(codes) == 2 and all(first["code"].replace(" ", "") not in c.code_hash for c in codes)
    assert [e.actor_account_id for e in events] == [world.admin_account.id] * 2
    assert [e.after["voided"] for e in events] == [0, 1]

    # The older code is void; the newer one sets the password once, and ends the older sessions.
    void = await api.data(RESET, {"c": first["code"], "p": "a new password 2026"})
    assert void["resetPassword"]["errors"] == [{"field": "code", "code": "INVALID"}]
    done = await api.data(RESET, {"c": second["code"], "p": "a new password 2026"})
    assert done["resetPassword"] == {"ok": True, "errors": []}
    again = await api.data(RESET, {"c": second["code"], "p": "another password 2026"})
    assert again["resetPassword"]["errors"][0]["code"] == "INVALID"
    ended = await api.post("{ me { username } }", token=session)
    assert ended.status_code == 401 and ended.json()["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
    login = await api.data(LOGIN, {"u": target.username, "p": "a new password 2026"})
    assert login["login"]["errors"] == []
    old = await api.data(LOGIN, {"u": target.username, "p": f.TEST_PASSWORD})
    assert old["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_no_code_for_a_disabled_or_unknown_account(api, world):  # type: ignore[no-untyped-def]
    admin = await api.login(world.admin_account.username)
    target = gid("Account", world.provider_b_account.id)
    disabled = await api.data("mutation($id: ID!) { disableAccount(accountId: $id) { ok errors { code } } }",
                              {"id": target}, token=admin)
    assert disabled["disableAccount"] == {"ok": True, "errors": []}
    body = (await api.data(ISSUE, {"id": target}, token=admin))["issuePasswordResetCode"]
    assert body["code"] is None and body["errors"][0]["field"] == "accountId"
    assert body["errors"][0]["code"] == "INVALID"
    for garbage, code in (("garbage", "INVALID"), (gid("Account", 999999), "NOT_FOUND"),
                          (gid("Region", world.region_a.id), "NOT_FOUND")):
        body = (await api.data(ISSUE, {"id": garbage}, token=admin))["issuePasswordResetCode"]
        assert body["code"] is None and body["errors"][0]["code"] == code, garbage


ENABLE = "mutation($id: ID!) { enableAccount(accountId: $id) { ok errors { code field } } }"


async def test_a_disabled_account_is_enabled_again_and_signs_in_with_its_password(api, world):  # type: ignore[no-untyped-def]
    """enableAccount (the admin only): the account signs in again with its own password; the
    tokens it had before it was disabled stay void; an unknown id is NOT_FOUND at accountId."""
    admin = await api.login(world.admin_account.username)
    username = world.provider_b_account.username
    old_token = await api.login(username)
    target = gid("Account", world.provider_b_account.id)
    disabled = await api.data("mutation($id: ID!) { disableAccount(accountId: $id) { ok errors { code } } }",
                              {"id": target}, token=admin)
    assert disabled["disableAccount"]["ok"] is True
    refused = await api.data(ENABLE, {"id": target}, token=await api.login(world.officer_a_account.username))
    assert refused["enableAccount"]["ok"] is False and refused["enableAccount"]["errors"][0]["code"] == "FORBIDDEN"
    assert (await api.data(ENABLE, {"id": target}, token=admin))["enableAccount"] == {"ok": True, "errors": []}
    fresh = await api.login(username)
    assert (await api.data("{ me { username } }", token=fresh))["me"]["username"] == username
    stale = await api.post("{ me { username } }", token=old_token)
    assert stale.json()["errors"][0]["extensions"]["code"] == "TOKEN_INVALID", stale.text
    unknown = (await api.data(ENABLE, {"id": gid("Account", 999999)}, token=admin))["enableAccount"]
    assert unknown["ok"] is False and unknown["errors"] == [{"code": "NOT_FOUND", "field": "accountId"}]
