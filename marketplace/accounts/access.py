"""Who is asking, and what their scope lets them see and do.

Every service takes a ``Viewer``. Scope checks live here, in one place; a
refusal for an object outside the scope says NOT_FOUND, exactly as for an
object that does not exist, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.models import Language, Role
from marketplace.cleaning import clean_id
from marketplace.errors import DomainError, ErrorCode, forbidden, not_found

T = TypeVar("T")


@dataclass(frozen=True)
class Viewer:
    account_id: int | None = None
    role: Role | None = None
    person_id: int | None = None
    provider_id: int | None = None
    region_id: int | None = None
    language: Language = Language.RU
    # Persons this account may act for: itself and those it legally represents.
    represented_person_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def anonymous(cls) -> "Viewer":
        return cls()

    @property
    def is_authenticated(self) -> bool:
        return self.account_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def person_ids(self) -> frozenset[int]:
        if self.role != Role.RECIPIENT:
            return frozenset()
        own = {self.person_id} if self.person_id is not None else set()
        return frozenset(own) | self.represented_person_ids

    def require_authenticated(self) -> None:
        if not self.is_authenticated:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")

    def require_role(self, *roles: Role) -> None:
        self.require_authenticated()
        if self.role not in roles and not (self.is_admin and Role.ADMIN in roles):
            raise forbidden("Your role cannot do this.")

    def require_local_officer(self, message: str, field: str) -> None:
        """Only a LOCAL_BODY officer decides (the administrator too is refused): FORBIDDEN with
        ``message``, which says who does. Whether the case is of the officer's region is the caller's
        check (``is_officer_of``), answered NOT_FOUND."""
        self.require_authenticated()
        if self.role != Role.LOCAL_BODY:
            raise DomainError(ErrorCode.FORBIDDEN, message, field)

    # -- scope predicates ---------------------------------------------------
    def can_see_person(self, person_id: int, region_id: int) -> bool:
        if self.is_admin:
            return True
        if self.role == Role.RECIPIENT:
            return person_id in self.person_ids
        if self.role == Role.LOCAL_BODY:
            return region_id == self.region_id
        return False

    def acts_for_person(self, person_id: int) -> bool:
        return self.role == Role.RECIPIENT and person_id in self.person_ids

    def is_officer_of(self, region_id: int) -> bool:
        return self.role == Role.LOCAL_BODY and self.region_id == region_id

    def owns_provider(self, provider_id: int) -> bool:
        return self.role == Role.PROVIDER and self.provider_id == provider_id

    # -- cases: objects that concern a person, a provider and a region (orders, claims) --
    def sees_case(self, person_id: int, provider_id: int | None, region_id: int) -> bool:
        """The recipient (or representative) concerned, the provider concerned,
        an officer of the region, or the administrator."""
        if self.is_admin:
            return True
        if self.role == Role.RECIPIENT:
            return person_id in self.person_ids
        if self.role == Role.PROVIDER:
            return provider_id is not None and provider_id == self.provider_id
        if self.role == Role.LOCAL_BODY:
            return region_id == self.region_id
        return False

    def case_filter(self, person_column: Any, provider_column: Any, region_column: Any) -> list[Any]:
        """The same rule as ``sees_case`` as SQL conditions, for lists."""
        self.require_authenticated()
        if self.is_admin:
            return []
        if self.role == Role.RECIPIENT:
            return [person_column.in_(sorted(self.person_ids))]
        if self.role == Role.PROVIDER:
            return [provider_column == self.provider_id]
        if self.role == Role.LOCAL_BODY:
            return [region_column == self.region_id]
        raise forbidden()


async def fetch_in_scope(
    session: AsyncSession, model: type[T], row_id: Any, what: str, field: str, visible: Callable[[T], bool],
) -> T:
    """The row of ``model`` with the id ``row_id`` when ``visible(row)``; NOT_FOUND (``what``, at
    ``field``) when it is not, exactly as when it does not exist, so nothing leaks."""
    row = await session.get(model, clean_id(row_id, what, field))
    if row is None or not visible(row):
        raise not_found(what, field)
    return row


async def fetch_one_in_scope(
    session: AsyncSession, stmt: Any, what: str, field: str, visible: Callable[[Any], bool] | None = None,
) -> Any:
    """The one row ``stmt`` (a SELECT) finds, when ``visible(row)`` (or always, without it);
    NOT_FOUND (``what``, at ``field``) when there is none or it is not, so nothing leaks."""
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None or (visible is not None and not visible(row)):
        raise not_found(what, field)
    return row


async def fetch_of_provider(session: AsyncSession, viewer: Viewer, model: type[T], row_id: Any, what: str,
                            field: str) -> T:
    """A provider's own row of ``model`` (an order, a trip: its ``provider_id`` the viewer's provider).
    Another role is FORBIDDEN; another provider's row is NOT_FOUND, as if it did not exist."""
    viewer.require_role(Role.PROVIDER)
    return await fetch_in_scope(session, model, row_id, what, field, lambda row: viewer.owns_provider(row.provider_id))


async def fetch_of_recipient(session: AsyncSession, viewer: Viewer, model: type[T], row_id: Any, what: str,
                             field: str) -> T:
    """A recipient's own row of ``model`` (its ``person_id`` the viewer or a person they represent).
    Another role is FORBIDDEN; anyone else's row is NOT_FOUND, as if it did not exist."""
    viewer.require_role(Role.RECIPIENT)
    return await fetch_in_scope(session, model, row_id, what, field, lambda row: viewer.acts_for_person(row.person_id))
