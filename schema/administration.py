"""The administrator's mutations: the classifier (items, price caps that take effect on a date),
regions, accounts; and the password reset by a one-time code that anyone may ask for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts import administration as regions  # regions and accounts
from marketplace.accounts import password_reset
from marketplace.catalog import administration as classifier
from marketplace.accounts.access import Viewer
from schema.accounts.types import Account, Region
from schema.catalog.types import ClassifierItem, ItemCategory, ItemKind, Unit
from schema.core.errors import Payload
from schema.core.ids import decode_id, to_global_id
from schema.core.inputs import optional_id
from schema.core.mutations import mutation, transaction
from schema.core.scalars import Language, Role


@strawberry.input
class CreateClassifierItemInput:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: ItemKind  # type: ignore[valid-type]
    unit: Unit  # type: ignore[valid-type]
    category: ItemCategory  # type: ignore[valid-type]
    price_cap: Decimal | None = strawberry.field(default=None, description="None: a custom item, by quote.")
    service_life_months: int | None = None
    quarterly_release: Decimal | None = strawberry.field(
        default=None, description="At most this much released per calendar quarter (a line's whole quantity is "
                                  "not orderable at once); None: no quarterly release.")
    yearly_max: Decimal | None = strawberry.field(
        default=None, description="At most this much per person in a calendar year, over every line and order.")
    daily_max: Decimal | None = strawberry.field(default=None, description="At most this much per day (hours).")
    companion_allowed: bool = strawberry.field(
        default=False, description="A line may cover a companion (group I and children only).")


@strawberry.input(description="Only the fields given change. A new priceCap takes effect on priceCapFrom "
                              "(default today): orders placed before keep their snapshot.")
class UpdateClassifierItemInput:
    name_kk: strawberry.Maybe[str]
    name_ru: strawberry.Maybe[str]
    name_en: strawberry.Maybe[str]
    kind: strawberry.Maybe[ItemKind]  # type: ignore[valid-type]
    unit: strawberry.Maybe[Unit]  # type: ignore[valid-type]
    service_life_months: strawberry.Maybe[int | None]
    is_active: strawberry.Maybe[bool]
    price_cap: strawberry.Maybe[Decimal | None]
    price_cap_from: dt.date | None = None
    quarterly_release: strawberry.Maybe[Decimal | None] = strawberry.field(
        description="null removes the norm; lines already issued keep theirs.")
    yearly_max: strawberry.Maybe[Decimal | None]
    daily_max: strawberry.Maybe[Decimal | None]
    companion_allowed: strawberry.Maybe[bool]


@strawberry.type
class ClassifierItemPayload(Payload):
    classifier_item: ClassifierItem | None = None


@strawberry.type
class RegionPayload(Payload):
    region: Region | None = None


@strawberry.type
class CreateAccountPayload(Payload):
    account_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.type
class DonePayload(Payload):
    ok: bool = False


@strawberry.type
class PasswordResetCodePayload(Payload):
    account: Account | None = None
    code: str | None = strawberry.field(default=None, description="Shown this once: only its hash is kept.")
    expires_at: dt.datetime | None = None


def _given(value: strawberry.Maybe) -> object:  # type: ignore[type-arg]
    return classifier.UNSET if value is None else value.value


def _item(item) -> ClassifierItemPayload:  # type: ignore[no-untyped-def]
    return ClassifierItemPayload(classifier_item=ClassifierItem.from_model(item))


def _region(region) -> RegionPayload:  # type: ignore[no-untyped-def]
    return RegionPayload(region=Region.from_model(region))


@strawberry.type
class AdministrationMutations:
    @mutation(description="Admin: a new classifier item.")
    async def create_classifier_item(self, info: strawberry.Info, input: CreateClassifierItemInput
                                     ) -> ClassifierItemPayload:
        return _item(await transaction(
            info, classifier.create_classifier_item, code=input.code, name_kk=input.name_kk, name_ru=input.name_ru,
            name_en=input.name_en, kind=input.kind.value, unit=input.unit.value, category=input.category.value,
            price_cap=input.price_cap, service_life_months=input.service_life_months,
            quarterly_release=input.quarterly_release, yearly_max=input.yearly_max, daily_max=input.daily_max,
            companion_allowed=input.companion_allowed))

    @mutation(description="Admin: change a classifier item; a new cap takes effect on its date.")
    async def update_classifier_item(self, info: strawberry.Info, classifier_item_id: strawberry.ID,
                                     input: UpdateClassifierItemInput) -> ClassifierItemPayload:
        return _item(await transaction(
            info, classifier.update_classifier_item, decode_id(classifier_item_id, "ClassifierItem", "classifierItemId"),
            name_kk=_given(input.name_kk), name_ru=_given(input.name_ru),
            name_en=_given(input.name_en), kind=_given(input.kind), unit=_given(input.unit),
            service_life_months=_given(input.service_life_months), is_active=_given(input.is_active),
            price_cap=_given(input.price_cap), price_cap_from=input.price_cap_from,
            quarterly_release=_given(input.quarterly_release), yearly_max=_given(input.yearly_max),
            daily_max=_given(input.daily_max), companion_allowed=_given(input.companion_allowed)))

    @mutation(description="Admin: a new region.")
    async def create_region(self, info: strawberry.Info, code: str, name_kk: str, name_ru: str, name_en: str
                            ) -> RegionPayload:
        return _region(await transaction(info, regions.create_region, code=code, name_kk=name_kk, name_ru=name_ru,
                                         name_en=name_en))

    @mutation(description="Admin: rename a region (its code stays).")
    async def update_region(self, info: strawberry.Info, region_id: strawberry.ID, name_kk: str | None = None,
                            name_ru: str | None = None, name_en: str | None = None) -> RegionPayload:
        pk = decode_id(region_id, "Region", "regionId")
        given = {k: v for k, v in (("name_kk", name_kk), ("name_ru", name_ru), ("name_en", name_en)) if v is not None}
        return _region(await transaction(info, regions.update_region, pk, **given))

    @mutation(description="Admin: an account for a person, a provider, a region's officer or an admin.")
    async def create_account(
        self, info: strawberry.Info, username: str, password: str, role: Role,  # type: ignore[valid-type]
        display_name: str = "", person_id: strawberry.ID | None = None, provider_id: strawberry.ID | None = None,
        region_id: strawberry.ID | None = None, language: Language | None = None,  # type: ignore[valid-type]
    ) -> CreateAccountPayload:
        account = await transaction(
            info, regions.open_account, username=username, password=password, role=role, display_name=display_name,
            language=language, person_id=optional_id(person_id, "Person", "personId"),
            provider_id=optional_id(provider_id, "Provider", "providerId"),
            region_id=optional_id(region_id, "Region", "regionId"))
        return CreateAccountPayload(account_id=strawberry.ID(to_global_id("Account", account.id)),
                                    username=account.username)

    @mutation(description="Admin: a one-time code that sets the account's password (resetPassword), shown once "
                          "to be handed over; it voids the codes issued before it for the account.")
    async def issue_password_reset_code(self, info: strawberry.Info, account_id: strawberry.ID
                                        ) -> PasswordResetCodePayload:
        account, code, expires_at = await transaction(
            info, password_reset.issue_reset_code, decode_id(account_id, "Account", "accountId"))
        return PasswordResetCodePayload(account=Account.from_model(account), code=code, expires_at=expires_at)

    @mutation(description="Ask for a one-time code to set a new password; it goes to the account's "
                          "phone or e-mail. The answer is the same whether the login exists or not.")
    async def request_password_reset(self, info: strawberry.Info, username: str) -> DonePayload:
        await password_reset.request_password_reset(info.context.db, username)
        return DonePayload(ok=True)

    @mutation(description="Set a new password with the one-time code; every older session ends.")
    async def reset_password(self, info: strawberry.Info, code: str, new_password: str) -> DonePayload:
        await transaction(info, _reset_password, code, new_password)
        return DonePayload(ok=True)


async def _reset_password(session: AsyncSession, _viewer: Viewer, code: str, new_password: str) -> None:
    """Anyone with the code may: the viewer is not asked."""
    await password_reset.reset_password(session, code, new_password)
