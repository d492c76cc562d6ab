"""Regions, persons and accounts as GraphQL types."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from marketplace.accounts import models as m
from schema.core.ids import to_global_id
from schema.core.loaders import related_many
from schema.core.node import Node
from schema.core.scalars import Language, Role, localized

if TYPE_CHECKING:
    from schema.catalog.types import Provider

Sex = strawberry.enum(m.Sex)


@strawberry.type
class Region(Node):
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    pk: strawberry.Private[int]

    @strawberry.field(description="The name in the viewer's language, or the one asked for.")
    def name(self, info: strawberry.Info, language: Language | None = None) -> str:  # type: ignore[valid-type]
        return localized(info.context.viewer.language, self.name_kk, self.name_ru, self.name_en, language)

    @classmethod
    def from_model(cls, r: m.Region) -> "Region":
        return cls(id=strawberry.ID(to_global_id("Region", r.id)), pk=r.id, code=r.code,
                   name_kk=r.name_kk, name_ru=r.name_ru, name_en=r.name_en)


@strawberry.type(description="A person: a recipient of aids and services. Seen only within scope.")
class Person(Node):
    iin: str
    last_name: str
    first_name: str
    middle_name: str | None
    full_name: str
    birth_date: dt.date
    sex: Sex  # type: ignore[valid-type]
    language: Language  # type: ignore[valid-type]
    phone: str | None
    address: str | None
    has_mobility_difficulty: bool
    receives_carer_allowance: bool
    pk: strawberry.Private[int]
    region_pk: strawberry.Private[int]

    @strawberry.field
    async def region(self, info: strawberry.Info) -> Region:
        return Region.from_model(await info.context.loaders.region.load(self.region_pk))

    @classmethod
    def from_model(cls, p: m.Person) -> "Person":
        return cls(
            id=strawberry.ID(to_global_id("Person", p.id)), pk=p.id, region_pk=p.region_id, iin=p.iin,
            last_name=p.last_name, first_name=p.first_name, middle_name=p.middle_name, full_name=p.full_name,
            birth_date=p.birth_date, sex=p.sex, language=p.language, phone=p.phone, address=p.address,
            has_mobility_difficulty=p.has_mobility_difficulty, receives_carer_allowance=p.receives_carer_allowance,
        )


async def _person_of(info: strawberry.Info, pk: int | None) -> Person | None:
    """An account's person, region or organisation (by its loader), or none when it has none."""
    return None if pk is None else Person.from_model(await info.context.loaders.person.load(pk))


async def _region_of(info: strawberry.Info, pk: int | None) -> Region | None:
    return None if pk is None else Region.from_model(await info.context.loaders.region.load(pk))


async def _provider_of(info: strawberry.Info, pk: int | None) -> Any:
    if pk is None:
        return None
    from schema.catalog.types import Provider  # the catalogue's types import these ones

    return Provider.from_model(await info.context.loaders.provider.load(pk))


@strawberry.type(description="The signed-in account, its role and its scope.")
class Me:
    id: strawberry.ID
    username: str
    display_name: str
    role: Role  # type: ignore[valid-type]
    language: Language  # type: ignore[valid-type]
    person_pk: strawberry.Private[int | None]
    provider_pk: strawberry.Private[int | None]
    region_pk: strawberry.Private[int | None]
    represented_pks: strawberry.Private[frozenset[int]]

    @strawberry.field(description="For a RECIPIENT: the person the account belongs to.")
    async def person(self, info: strawberry.Info) -> Person | None:
        return await _person_of(info, self.person_pk)

    @strawberry.field(description="Persons this account legally represents (children, wards).")
    async def represented_persons(self, info: strawberry.Info) -> list[Person]:
        return await related_many(info.context.loaders.person, sorted(self.represented_pks), Person)

    @strawberry.field(description="For a PROVIDER: its organisation.")
    async def provider(
        self, info: strawberry.Info
    ) -> Annotated["Provider", strawberry.lazy("schema.catalog.types")] | None:  # noqa: F821
        return await _provider_of(info, self.provider_pk)

    @strawberry.field(description="For a LOCAL_BODY officer: the region.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return await _region_of(info, self.region_pk)


@strawberry.type(description="An account people sign in with, as the administrator keeps it.")
class Account(Node):
    username: str
    display_name: str
    role: Role  # type: ignore[valid-type]
    language: Language  # type: ignore[valid-type]
    is_active: bool = strawberry.field(description="False: disabled; it cannot sign in.")
    created_at: dt.datetime
    region_pk: strawberry.Private[int | None]
    provider_pk: strawberry.Private[int | None]
    person_pk: strawberry.Private[int | None]

    @strawberry.field(description="For a LOCAL_BODY officer: the region.")
    async def region(self, info: strawberry.Info) -> Region | None:
        return await _region_of(info, self.region_pk)

    @strawberry.field(description="For a PROVIDER: its organisation.")
    async def provider(
        self, info: strawberry.Info
    ) -> Annotated["Provider", strawberry.lazy("schema.catalog.types")] | None:  # noqa: F821
        return await _provider_of(info, self.provider_pk)

    @strawberry.field(description="For a RECIPIENT: the person.")
    async def person(self, info: strawberry.Info) -> Person | None:
        return await _person_of(info, self.person_pk)

    @classmethod
    def from_model(cls, a: m.Account) -> "Account":
        return cls(id=strawberry.ID(to_global_id("Account", a.id)), username=a.username, display_name=a.display_name,
                   role=a.role, language=a.language, is_active=a.is_active, created_at=a.created_at,
                   region_pk=a.region_id, provider_pk=a.provider_id, person_pk=a.person_id)
