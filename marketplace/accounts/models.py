"""Regions, persons and the accounts people sign in with."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import AccountId, Base, PersonId, PrimaryKey, ProviderId, RegionId, Version, WrittenAt
from marketplace.db import enum_column


class Language(str, enum.Enum):
    KK = "KK"
    RU = "RU"
    EN = "EN"


class Sex(str, enum.Enum):
    M = "M"
    F = "F"


class Role(str, enum.Enum):
    RECIPIENT = "RECIPIENT"
    PROVIDER = "PROVIDER"
    LOCAL_BODY = "LOCAL_BODY"
    ADMIN = "ADMIN"


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[PrimaryKey]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


class Person(Base):
    __tablename__ = "persons"
    __table_args__ = (CheckConstraint("length(iin) = 12", name="iin_length"),)

    id: Mapped[PrimaryKey]
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    region_id: Mapped[RegionId]
    language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.RU)
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(300))
    # Facts the eligibility rules read from the records, never from uploads.
    has_mobility_difficulty: Mapped[bool] = mapped_column(Boolean, default=False)
    receives_carer_allowance: Mapped[bool] = mapped_column(Boolean, default=False)
    # A child or an incapacitated adult is represented by another person.
    legal_representative_id: Mapped[PersonId | None]
    created_at: Mapped[WrittenAt]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "(role = 'RECIPIENT' AND person_id IS NOT NULL)"
            " OR (role = 'PROVIDER' AND provider_id IS NOT NULL)"
            " OR (role = 'LOCAL_BODY' AND region_id IS NOT NULL)"
            " OR role = 'ADMIN'",
            name="scope_matches_role",
        ),
    )

    id: Mapped[PrimaryKey]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[PersonId | None]
    provider_id: Mapped[ProviderId | None]
    region_id: Mapped[RegionId | None]
    language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.RU)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change or disabling: every older token stops working.
    token_version: Mapped[Version]
    created_at: Mapped[WrittenAt]


class LoginAttempt(Base):
    """Failed sign-ins, shared by every API process, for rate limiting."""

    __tablename__ = "login_attempts"

    id: Mapped[PrimaryKey]
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[WrittenAt] = mapped_column(index=True)


class AccountCode(Base):
    """A one-time code sent to an account's contacts (a password reset): only its hash is kept."""

    __tablename__ = "account_codes"

    id: Mapped[PrimaryKey]
    account_id: Mapped[AccountId] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # "password_reset"
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[WrittenAt]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
