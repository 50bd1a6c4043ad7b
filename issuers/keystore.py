"""Encryption at rest of issuers' private signing keys.

Keys are wrapped with Fernet (AES-128-CBC + HMAC) under the key-encryption
keys of the settings. MultiFernet lets an operator rotate the key-encryption
key: put the new one first, run ``manage.py rotate_key_encryption``.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import serialization
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


@lru_cache(maxsize=256)
def _private_key(key_id: int, token: bytes):
    return serialization.load_pem_private_key(decrypt_private_key(token), password=None)


def private_key_for(signing_key) -> object:
    """The decrypted private key object of a SigningKey, cached per worker process
    so that a batch does not pay for decryption and PEM parsing per badge."""
    return _private_key(signing_key.pk, bytes(signing_key.private_key_encrypted))
