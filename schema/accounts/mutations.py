"""Mutations of the accounts domain: signing in, passwords."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.accounts import services
from schema.core.errors import Payload
from schema.core.ids import decode_id
from schema.core.mutations import mutation, transaction


@strawberry.type
class LoginPayload(Payload):
    token: str | None = None
    expires_at: dt.datetime | None = None
    role: str | None = None


@strawberry.type
class ChangePasswordPayload(Payload):
    ok: bool = False


@strawberry.type
class DisableAccountPayload(Payload):
    ok: bool = False


@strawberry.type
class EnableAccountPayload(Payload):
    ok: bool = False


def _client_address(info: strawberry.Info) -> str:
    request = info.context.request
    client = getattr(request, "client", None)
    return client.host if client else "unknown"


@strawberry.type
class AccountMutations:
    @mutation(description="Sign in; returns a bearer token for the Authorization header.")
    async def login(self, info: strawberry.Info, username: str, password: str) -> LoginPayload:
        ctx = info.context
        signed = await services.sign_in(ctx.db, ctx.settings, username, password, _client_address(info))
        return LoginPayload(token=signed.token, expires_at=signed.expires_at, role=signed.account.role.value)

    @mutation(description="Change your password; every older token stops working.")
    async def change_password(self, info: strawberry.Info, old_password: str, new_password: str) -> ChangePasswordPayload:
        await transaction(info, services.change_password, old_password, new_password)
        return ChangePasswordPayload(ok=True)

    @mutation(description="ADMIN: disable an account; its tokens stop working at once and it cannot "
                          "sign in (`tirek disable-account` does the same from the command line).")
    async def disable_account(self, info: strawberry.Info, account_id: strawberry.ID) -> DisableAccountPayload:
        await transaction(info, services.set_account_active, decode_id(account_id, "Account", "accountId"), False)
        return DisableAccountPayload(ok=True)

    @mutation(description="ADMIN: enable a disabled account again; it signs in with its password (tokens "
                          "issued before it was disabled stay void).")
    async def enable_account(self, info: strawberry.Info, account_id: strawberry.ID) -> EnableAccountPayload:
        await transaction(info, services.set_account_active, decode_id(account_id, "Account", "accountId"), True)
        return EnableAccountPayload(ok=True)
