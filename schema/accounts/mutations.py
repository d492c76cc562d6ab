"""Mutations of the accounts domain: signing in, passwords."""

from __future__ import annotations

import datetime as dt

import strawberry

from marketplace.accounts import services
from marketplace.accounts.models import Role
from marketplace.errors import DomainError
from schema.core.errors import UserError, user_errors
from schema.core.ids import decode_id
from schema.core.mutations import in_transaction


@strawberry.type
class LoginPayload:
    token: str | None = None
    expires_at: dt.datetime | None = None
    role: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChangePasswordPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DisableAccountPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


def _client_address(info: strawberry.Info) -> str:
    request = info.context.request
    client = getattr(request, "client", None)
    return client.host if client else "unknown"


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign in; returns a bearer token for the Authorization header.")
    async def login(self, info: strawberry.Info, username: str, password: str) -> LoginPayload:
        ctx = info.context
        try:
            signed = await services.sign_in(ctx.db, ctx.settings, username, password, _client_address(info))
        except DomainError as exc:
            return LoginPayload(errors=user_errors(exc))
        return LoginPayload(token=signed.token, expires_at=signed.expires_at, role=signed.account.role.value)

    @strawberry.mutation(description="Change your password; every older token stops working.")
    async def change_password(self, info: strawberry.Info, old_password: str, new_password: str) -> ChangePasswordPayload:
        _, errors = await in_transaction(
            info, lambda s: services.change_password(s, info.context.viewer, old_password, new_password)
        )
        return ChangePasswordPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="ADMIN: disable an account; its tokens stop working at once and it cannot "
                                     "sign in (`tirek disable-account` does the same from the command line).")
    async def disable_account(self, info: strawberry.Info, account_id: strawberry.ID) -> DisableAccountPayload:
        async def work(session):  # type: ignore[no-untyped-def]
            info.context.viewer.require_role(Role.ADMIN)
            return await services.set_account_active(
                session, info.context.viewer, decode_id(account_id, "Account", "accountId"), False)

        _, errors = await in_transaction(info, work)
        return DisableAccountPayload(ok=not errors, errors=errors)
