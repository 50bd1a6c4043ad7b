"""Encryption at rest of issuers' private signing keys.

Keys are wrapped with Fernet (AES-128-CBC + HMAC) under the key-encryption
keys of the settings. MultiFernet lets an operator rotate the key-encryption
key: put the new one first, run ``manage.py rotate_key_encryption``.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
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
