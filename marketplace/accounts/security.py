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


#: Clocks of two API processes may differ by this much (seconds): an ``iat`` that far ahead is tolerated.
CLOCK_SKEW = 60


def read_token(secret: str, token: str, max_ttl: int) -> tuple[int, int]:
    """Return (account id, token version) or raise a typed error.

    The lifetime is the server's, not the token's: a token lives at most ``max_ttl`` seconds
    (``TIREK_TOKEN_TTL``) after it was issued (``iat``), whatever ``exp`` it carries, so a token
    whose TTL has since been shortened ends when the current setting says; an ``exp`` further
    away than the TTL (a token signed for a year) is refused outright."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], issuer=_ISSUER,
            options={"require": ["exp", "sub", "ver"]},
        )
        account_id, version = int(claims["sub"]), int(claims["ver"])
        expires_at, issued_at = claims["exp"], claims.get("iat")
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in (expires_at, issued_at or 0)):
            raise ValueError("exp, iat")
    except jwt.ExpiredSignatureError as exc:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "The session has expired; sign in again.") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as exc:
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is not valid.") from exc
    now = dt.datetime.now(dt.UTC).timestamp()
    if expires_at > now + max_ttl + CLOCK_SKEW or (issued_at is not None and issued_at > now + CLOCK_SKEW):
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is not valid.")  # a life the server never grants
    if issued_at is not None and now >= issued_at + max_ttl:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "The session has expired; sign in again.")
    # Ids are 32-bit integer columns: a number past them names no account (and must not reach the database).
    if not (0 < account_id < 2**31 and 0 <= version < 2**31):
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is not valid.")
    return account_id, version
