"""Providers who sign up (registerProvider), the admin's verification queue (providers), and
suspension / reinstatement with a reason."""

from __future__ import annotations

import strawberry

from marketplace.catalog import registration as services
from schema.catalog.mutations import ProviderPayload, provider_payload, region_ids
from schema.catalog.types import ItemCategory, Provider, VerificationStatus
from schema.core.errors import Payload
from schema.core.ids import decode_id, to_global_id
from schema.core.mutations import mutation, transaction
from schema.core.pagination import Connection, service_connection
from schema.core.scalars import Language


@strawberry.input(description="An organisation's sign-up: it stays PENDING, able to prepare listings but not to "
                              "publish them, until an administrator verifies it.")
class RegisterProviderInput:
    bin: str = strawberry.field(description="12 digits with the check digit.")
    name_ru: str = strawberry.field(description="The registered name.")
    name_kk: str
    phone: str = strawberry.field(description="Kept in E.164; a number without +7 is read as Kazakh.")
    email: str
    region_ids: list[strawberry.ID]
    service_kinds: list[ItemCategory]  # type: ignore[valid-type]
    username: str = strawberry.field(description="The representative's sign-in name.")
    password: str = strawberry.field(description="10 to 200 characters.")
    name_en: str | None = None
    address: str | None = None
    website: str | None = None
    accessibility: list[str] | None = strawberry.field(default=None, description="Of the premises: step-free "
                                                                                 "entrance, accessible toilet, ...")
    representative_name: str | None = None
    language: Language | None = None  # type: ignore[valid-type]


@strawberry.type
class RegisterProviderPayload(Payload):
    provider: Provider | None = None
    account_id: strawberry.ID | None = strawberry.field(default=None, description="The representative's account: "
                                                                                  "sign in with login.")


@strawberry.type
class ProviderRegistrationQueries:
    @strawberry.field(description="Admin: providers, oldest registration first; verificationStatus: PENDING is "
                                  "the queue to verify.")
    async def providers(
        self, info: strawberry.Info, verification_status: VerificationStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[Provider]:
        return await service_connection(info, services.list_providers, verification_status=verification_status,
                                        first=first, after=after, wrap=Provider.from_model)


@strawberry.type
class ProviderRegistrationMutations:
    @mutation(description="An organisation registers itself and its representative's account; all the "
                          "form's field errors come back together.")
    async def register_provider(self, info: strawberry.Info, input: RegisterProviderInput) -> RegisterProviderPayload:
        provider, account = await transaction(
            info, services.register_provider, bin=input.bin, name_ru=input.name_ru, name_kk=input.name_kk,
            name_en=input.name_en, phone=input.phone, email=input.email, address=input.address, website=input.website,
            region_ids=region_ids(input.region_ids), service_kinds=[k.value for k in input.service_kinds],
            accessibility=input.accessibility, username=input.username, password=input.password,
            representative_name=input.representative_name,
            language=input.language.value if input.language is not None else "RU")
        return RegisterProviderPayload(provider=Provider.from_model(provider),
                                       account_id=strawberry.ID(to_global_id("Account", account.id)))

    @mutation(description="Admin: suspend a provider, with a reason it reads: its listings leave the "
                          "catalogue and it takes no new orders.")
    async def suspend_provider(self, info: strawberry.Info, provider_id: strawberry.ID, reason: str) -> ProviderPayload:
        return provider_payload(await transaction(info, services.suspend_provider,
                                                  decode_id(provider_id, "Provider", "providerId"), reason))

    @mutation(description="Admin: reinstate a suspended provider, with a reason it reads.")
    async def reinstate_provider(self, info: strawberry.Info, provider_id: strawberry.ID, reason: str) -> ProviderPayload:
        return provider_payload(await transaction(info, services.reinstate_provider,
                                                  decode_id(provider_id, "Provider", "providerId"), reason))
