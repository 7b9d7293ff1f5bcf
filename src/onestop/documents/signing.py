"""The Ed25519 key that signs certificates, and the canonical text it signs.

The private key comes from the environment (CERTIFICATE_SIGNING_KEY: a PEM block or the raw
32 bytes in base64); otherwise one is generated once into VAR_DIR/certificate_signing_key
(mode 0600), the way settings._secret_key keeps SECRET_KEY. Every web node of a deployment
must share the key: set the variable there.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onestop.lib.env import envstr

KEY_ENV = "CERTIFICATE_SIGNING_KEY"
KEY_FILE = "certificate_signing_key"


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes a signature covers: sorted keys, no spaces, UTF-8 (the same on any database)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or the raw 32-byte key in base64."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{KEY_ENV} must be an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{KEY_ENV} is neither PEM nor base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{KEY_ENV} must hold 32 bytes, not {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE


def _generated_key() -> Ed25519PrivateKey:
    """The key kept in VAR_DIR, created once; concurrent first calls agree on one file."""
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Write a private temporary file, then link it into place: link() fails if another
        # process got there first, so nobody ever reads a half-written key.
        tmp = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return parse_private_key(path.read_text())


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    text = envstr(KEY_ENV, "")
    return parse_private_key(text) if text.strip() else _generated_key()


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_raw() -> bytes:
    return public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id() -> str:
    """A short fingerprint of the public key, stored with each signature."""
    return hashlib.sha256(public_key_raw()).hexdigest()[:16]


def sign(content: dict[str, Any]) -> str:
    return b64(signing_key().sign(canonical(content)))


def verify(content: dict[str, Any], signature: str) -> bool:
    """Whether `signature` is this key's signature over `content`."""
    try:
        public_key().verify(unb64(signature), canonical(content))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
