"""Queries of the accounts domain: me, regions, persons in scope."""

from __future__ import annotations

import strawberry

from marketplace.accounts import administration
from marketplace.catalog.classifier import list_regions
from marketplace.records.services import get_person
from schema.accounts.types import Account, Me, Person, Region
from schema.core.ids import decode_id, to_global_id
from schema.core.node import node_fetcher, node_from_loader, node_from_service
from schema.core.pagination import Connection, service_connection
from schema.core.scalars import Role


async def fetch_person(info: strawberry.Info, pk: int) -> Person:
    async with info.context.db.session() as session:
        return Person.from_model(await get_person(session, info.context.viewer, pk))


fetch_region = node_from_loader("Region", "region", Region.from_model, "region")


node_fetcher("Person")(fetch_person)
node_from_service("Account", administration.get_account, Account.from_model)


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in account; null when anonymous.")
    async def me(self, info: strawberry.Info) -> Me | None:
        v = info.context.viewer
        if not v.is_authenticated:
            return None
        account = await info.context.loaders.account.load(v.account_id)
        return Me(
            id=strawberry.ID(to_global_id("Account", account.id)), username=account.username,
            display_name=account.display_name, role=account.role, language=account.language,
            person_pk=v.person_id, provider_pk=v.provider_id, region_pk=v.region_id,
            represented_pks=v.represented_person_ids,
        )

    @strawberry.field(description="The 20 regions: 17 oblasts and the cities Astana, Almaty, Shymkent.")
    async def regions(self, info: strawberry.Info) -> list[Region]:
        async with info.context.db.session() as session:
            return [Region.from_model(r) for r in await list_regions(session)]

    @strawberry.field(description="A person in the viewer's scope.")
    async def person(self, info: strawberry.Info, id: strawberry.ID) -> Person:
        return await fetch_person(info, decode_id(id, "Person"))

    @strawberry.field(description="ADMIN: the accounts, the oldest first; of a role, and whose username or "
                                  "name holds text.")
    async def accounts(
        self, info: strawberry.Info, role: Role | None = None, text: str | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[Account]:
        return await service_connection(info, administration.list_accounts, role=role, text=text, first=first,
                                        after=after, wrap=Account.from_model)
