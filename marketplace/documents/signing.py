"""The portal's signing key (Ed25519, ``cryptography``): it seals every result document.

The key is ``TIREK_DOCUMENT_SIGNING_KEY`` (``Settings.document_signing_key``): the 32-byte
private key, base64. The demo writes one to ``var/document-signing.key`` the first time it runs
(``Settings``). Keys that signed earlier documents and stay trusted after a rotation are
``TIREK_DOCUMENT_TRUSTED_KEYS`` (public keys, base64). ``install`` makes a key the process's
(``tirek.app.create_app`` does it from the settings); without one, a key is made for the
process with a warning, and what it signs cannot be verified after a restart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

log = logging.getLogger("tirek.documents")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{what} is not base64") from exc


def key_id(public_key: str) -> str:
    """A short name of a public key (base64): the start of its SHA-256."""
    return hashlib.sha256(_unb64(public_key, "the public key")).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    trusted: frozenset[str]  # public keys (base64) whose signatures are genuine, this one included

    @property
    def public_key(self) -> str:
        return _b64(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, data: bytes) -> str:
        return _b64(self.private.sign(data))


def new_private_key() -> str:
    """A fresh private key, base64 (what ``TIREK_DOCUMENT_SIGNING_KEY`` holds)."""
    return _b64(Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def load_key(private_key: str, trusted: Iterable[str] = ()) -> SigningKey:
    raw = _unb64(private_key, "TIREK_DOCUMENT_SIGNING_KEY")
    if len(raw) != 32:
        raise ValueError("TIREK_DOCUMENT_SIGNING_KEY must hold 32 bytes (an Ed25519 private key), base64")
    private = Ed25519PrivateKey.from_private_bytes(raw)
    own = _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    others = {t.strip() for t in trusted if t.strip()}
    for other in others:
        if len(_unb64(other, "a trusted key")) != 32:
            raise ValueError("a trusted key must hold 32 bytes (an Ed25519 public key), base64")
    return SigningKey(private, frozenset({own, *others}))


def signature_holds(public_key: str, data: bytes, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key, "the public key")).verify(
            _unb64(signature, "the signature"), data
        )
    except (InvalidSignature, ValueError):
        return False
    return True


_installed: SigningKey | None = None


def install(key: SigningKey) -> None:
    global _installed
    _installed = key


def active_key() -> SigningKey:
    global _installed
    if _installed is None:
        log.warning("no TIREK_DOCUMENT_SIGNING_KEY: result documents are signed with a key made for this process")
        _installed = load_key(new_private_key())
    return _installed
