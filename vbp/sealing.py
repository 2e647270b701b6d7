"""Sealed bid prices (R-VBP-9): authenticated encryption under a key that is not in the database.

A bid's pack price is encrypted with AES-256-GCM (``cryptography``): a fresh 96-bit nonce per seal,
and the bid's identity (unit, company, product) as associated data, so that a sealed price copied
onto another bid row does not open. The key comes from the setting ``VBP_BID_KEY`` (the environment:
32 bytes, base64), else it is derived from ``SECRET_KEY`` by HKDF — in both cases the key lives in the
processes' configuration, never in the database: someone reading the database (a backup, a
replica, a bureau analyst with SQL) sees ciphertext. Only the opening (``services.round_open``) calls
``unseal``, and only at or after the round's opening time.
"""

import base64
import hashlib
import os
from decimal import Decimal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
_VERSION = b"\x01"


class SealBroken(Exception):
    """A sealed price that does not open with this key and this bid's identity (tampered, moved, or the
    key changed)."""


def _key() -> bytes:
    configured = getattr(settings, "VBP_BID_KEY", "")
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError:
            raise ImproperlyConfigured("VBP_BID_KEY must be 32 bytes in base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured("VBP_BID_KEY must be 32 bytes in base64.")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"procurement vbp bid seal v1").derive(
        settings.SECRET_KEY.encode()
    )


def _identity(unit_id: int, manufacturer_id: int, product_id: int) -> bytes:
    return f"vbp-bid:{unit_id}:{manufacturer_id}:{product_id}".encode()


def seal(price: Decimal, *, unit_id: int, manufacturer_id: int, product_id: int) -> bytes:
    """The sealed form of a pack price: version, nonce, ciphertext with its tag."""
    nonce = os.urandom(NONCE_BYTES)
    text = format(price, "f").encode()
    return _VERSION + nonce + AESGCM(_key()).encrypt(nonce, text, _identity(unit_id, manufacturer_id, product_id))


def unseal(sealed: bytes, *, unit_id: int, manufacturer_id: int, product_id: int) -> Decimal:
    """The pack price of a sealed bid; ``SealBroken`` when it does not authenticate."""
    sealed = bytes(sealed)
    if not sealed.startswith(_VERSION) or len(sealed) < 1 + NONCE_BYTES + 16:
        raise SealBroken("unknown seal")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        text = AESGCM(_key()).decrypt(nonce, body, _identity(unit_id, manufacturer_id, product_id))
    except InvalidTag:
        raise SealBroken("the seal does not authenticate") from None
    return Decimal(text.decode())


def receipt(sealed: bytes) -> str:
    """What the company keeps as proof of what it submitted (SHA-256 of the sealed bytes): it names
    the bid without revealing its price."""
    return hashlib.sha256(bytes(sealed)).hexdigest()
