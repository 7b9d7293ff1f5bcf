"""Sealed bids without a usable key before the opening.

1. Each opening officer holds an X25519 key whose private half is stored only encrypted under
   the officer's passphrase (scrypt → AES-256-GCM).
2. When tendering starts, a project X25519 key pair is made; bids are sealed to its public key
   (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM). Its private key is kept only wrapped under a
   random 128-bit key K; K is split by Shamir (pycryptodome, GF(2^128)) into one share per
   officer, each share sealed to that officer's key, and K and the private key are forgotten.
3. From the bid deadline on, each officer unlocks their share with their passphrase; with the
   threshold of shares, K is rebuilt in memory, the private key unwrapped and every bid opened.

Before that nobody — database administrators included — holds K or the private key: the
database has only the wrapped key and sealed shares, which need the officers' passphrases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

RAW = serialization.Encoding.Raw
RAW_PUB = serialization.PublicFormat.Raw
RAW_PRIV = serialization.PrivateFormat.Raw
NO_ENC = serialization.NoEncryption()
SCRYPT_N = 2**14


class SealError(Exception):
    """A wrong passphrase, a wrong share or a damaged ciphertext."""


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(RAW, RAW_PRIV, NO_ENC)


def _raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(RAW, RAW_PUB)


def _kdf(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def seal(public_key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    """Encrypt to an X25519 public key: ephemeral public (32) | nonce (12) | AES-GCM output."""
    ephemeral = X25519PrivateKey.generate()
    epk = _raw_public(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = _kdf(shared, b"onestop-seal|" + epk + public_key)
    nonce = os.urandom(12)
    return epk + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(private_key: bytes, sealed: bytes, *, context: bytes) -> bytes:
    sk = X25519PrivateKey.from_private_bytes(private_key)
    epk, nonce, body = sealed[:32], sealed[32:44], sealed[44:]
    try:
        shared = sk.exchange(X25519PublicKey.from_public_bytes(epk))
        key = _kdf(shared, b"onestop-seal|" + epk + _raw_public(sk))
        return AESGCM(key).decrypt(nonce, body, context)
    except (InvalidTag, ValueError) as e:
        raise SealError("解密失败") from e


# Officers' keys -------------------------------------------------------------------------


@dataclass
class OfficerKey:
    public_key: bytes
    salt: bytes
    sealed_private_key: bytes


def _passphrase_key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1).derive(passphrase.encode())


def make_officer_key(passphrase: str) -> OfficerKey:
    sk = X25519PrivateKey.generate()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(_passphrase_key(passphrase, salt)).encrypt(
        nonce, _raw_private(sk), b"officer"
    )
    return OfficerKey(_raw_public(sk), salt, sealed)


def unlock_officer_key(passphrase: str, salt: bytes, sealed_private_key: bytes) -> bytes:
    nonce, body = sealed_private_key[:12], sealed_private_key[12:]
    try:
        return AESGCM(_passphrase_key(passphrase, salt)).decrypt(nonce, body, b"officer")
    except InvalidTag as e:
        raise SealError("开标密钥口令不正确") from e


# Project keys -------------------------------------------------------------------------


@dataclass
class ProjectKey:
    public_key: bytes
    wrapped_private_key: bytes
    sealed_shares: list[tuple[int, bytes]]  # (Shamir index, share sealed to officer n)


def make_project_key(
    officer_public_keys: list[bytes], threshold: int, context: bytes
) -> ProjectKey:
    """A project key pair whose private half survives only as the officers' shares."""
    if not 2 <= threshold <= len(officer_public_keys):
        raise ValueError("threshold must be between 2 and the number of officers")
    sk = X25519PrivateKey.generate()
    k = os.urandom(16)
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(k).encrypt(nonce, _raw_private(sk), context)
    shares = Shamir.split(threshold, len(officer_public_keys), k, ssss=False)
    sealed = [
        (index, seal(pk, share, context=context + b"|share|" + str(index).encode()))
        for (index, share), pk in zip(shares, officer_public_keys, strict=True)
    ]
    return ProjectKey(_raw_public(sk), wrapped, sealed)


def unseal_share(
    officer_private_key: bytes, index: int, sealed_share: bytes, context: bytes
) -> bytes:
    return unseal(
        officer_private_key, sealed_share, context=context + b"|share|" + str(index).encode()
    )


def recover_private_key(
    shares: list[tuple[int, bytes]], wrapped_private_key: bytes, context: bytes
) -> bytes:
    """Rebuild K from threshold shares and unwrap the project's private key (in memory)."""
    k = Shamir.combine(shares, ssss=False)
    nonce, body = wrapped_private_key[:12], wrapped_private_key[12:]
    try:
        return AESGCM(k).decrypt(nonce, body, context)
    except InvalidTag as e:
        raise SealError("密钥份额不正确，无法恢复开标密钥") from e
