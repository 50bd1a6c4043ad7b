"""Encryption at rest of the private signing keys (issuers' and endorsers').

Keys are wrapped with Fernet (AES-128-CBC + HMAC) under the key-encryption
keys of the settings. MultiFernet lets an operator rotate the key-encryption
key: put the new one first, run ``manage.py rotate_key_encryption``.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.KEY_ENCRYPTION_KEYS))


def encrypt_private_key(pem: bytes) -> bytes:
    return _current().encrypt(pem)


def decrypt_private_key(token: bytes) -> bytes:
    return _current().decrypt(bytes(token))


def reencrypt_private_key(token: bytes) -> bytes:
    return _current().rotate(bytes(token))


def generate_key_pair(algorithm: str) -> tuple[str, bytes]:
    """A new key pair: (public key PEM, Fernet token of the PKCS#8 private key PEM).

    ``algorithm``: "Ed25519" or "RS256" (RSA-2048). The private key never leaves
    this module unencrypted.
    """
    if algorithm == "Ed25519":
        private_key = ed25519.Ed25519PrivateKey.generate()
    elif algorithm == "RS256":
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        raise ValueError(f"Unknown algorithm {algorithm!r}")
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public_pem.decode(), encrypt_private_key(private_pem)


@lru_cache(maxsize=256)
def _private_key(kind: str, key_id: int, token: bytes):
    return serialization.load_pem_private_key(decrypt_private_key(token), password=None)


def private_key_for(signing_key) -> object:
    """The decrypted private key object of a SigningKey (or an EndorserKey: any row
    with ``private_key_encrypted``), cached per worker process so that a batch does
    not pay for decryption and PEM parsing per badge."""
    return _private_key(type(signing_key).__name__, signing_key.pk, bytes(signing_key.private_key_encrypted))
