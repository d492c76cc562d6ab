"""Password hashes (argon2) and signed bearer tokens."""

from __future__ import annotations

import datetime as dt

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from marketplace.errors import DomainError, ErrorCode

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
_ISSUER = "tirek"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(secret: str, account_id: int, token_version: int, ttl_seconds: int) -> tuple[str, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(seconds=ttl_seconds)
    claims = {"sub": str(account_id), "ver": token_version, "iat": now, "exp": expires, "iss": _ISSUER}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM), expires


def read_token(secret: str, token: str) -> tuple[int, int]:
    """Return (account id, token version) or raise a typed error."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], issuer=_ISSUER, options={"require": ["exp", "sub", "ver"]}
        )
        account_id, version = int(claims["sub"]), int(claims["ver"])
    except jwt.ExpiredSignatureError as exc:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "The session has expired; sign in again.") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is not valid.") from exc
    # Ids are 32-bit integer columns: a number past them names no account (and must not reach the database).
    if not (0 < account_id < 2**31 and 0 <= version < 2**31):
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is not valid.")
    return account_id, version
