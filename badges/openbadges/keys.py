"""Key pairs and their encodings (PEM, Multikey multibase, did:key)."""

from __future__ import annotations

from dataclasses import dataclass

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

# multicodec varint prefixes
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class KeyFormatError(ValueError):
    pass


@dataclass(frozen=True)
class Ed25519KeyPair:
    private_pem: bytes
    public_pem: bytes
    public_multibase: str  # z6Mk...
    private_multibase: str  # z3u2...


@dataclass(frozen=True)
class RsaKeyPair:
    private_pem: bytes
    public_pem: bytes


def _private_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _public_pem(key) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def ed25519_public_multibase(public_key: ed25519.Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def ed25519_private_multibase(private_key: ed25519.Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return "z" + base58.b58encode(ED25519_PRIV_PREFIX + raw).decode("ascii")


def _decode_multibase(value: str, prefix: bytes) -> bytes:
    if not value.startswith("z"):
        raise KeyFormatError("Only base58btc ('z') multibase keys are supported")
    try:
        data = base58.b58decode(value[1:])
    except ValueError as exc:
        raise KeyFormatError("Invalid base58btc multibase value") from exc
    if not data.startswith(prefix) or len(data) != len(prefix) + 32:
        raise KeyFormatError("Not an Ed25519 multikey value")
    return data[len(prefix):]


def ed25519_public_from_multibase(value: str) -> ed25519.Ed25519PublicKey:
    return ed25519.Ed25519PublicKey.from_public_bytes(_decode_multibase(value, ED25519_PUB_PREFIX))


def ed25519_private_from_multibase(value: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(_decode_multibase(value, ED25519_PRIV_PREFIX))


def generate_ed25519() -> Ed25519KeyPair:
    key = ed25519.Ed25519PrivateKey.generate()
    return Ed25519KeyPair(
        private_pem=_private_pem(key),
        public_pem=_public_pem(key.public_key()),
        public_multibase=ed25519_public_multibase(key.public_key()),
        private_multibase=ed25519_private_multibase(key),
    )


def generate_rsa(bits: int = 2048) -> RsaKeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return RsaKeyPair(private_pem=_private_pem(key), public_pem=_public_pem(key.public_key()))


def load_private_pem(pem: bytes | str):
    data = pem.encode() if isinstance(pem, str) else pem
    return serialization.load_pem_private_key(data, password=None)


def load_public_pem(pem: bytes | str):
    data = pem.encode() if isinstance(pem, str) else pem
    return serialization.load_pem_public_key(data)


def ed25519_private(key) -> ed25519.Ed25519PrivateKey:
    """Accept an Ed25519 private key object, PEM bytes/str or a z3u2 multibase string."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    if isinstance(key, str) and key.startswith("z"):
        return ed25519_private_from_multibase(key)
    loaded = load_private_pem(key)
    if not isinstance(loaded, ed25519.Ed25519PrivateKey):
        raise KeyFormatError("Expected an Ed25519 private key")
    return loaded


def public_multibase_from_pem(pem: bytes | str) -> str:
    key = load_public_pem(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise KeyFormatError("Expected an Ed25519 public key")
    return ed25519_public_multibase(key)


def did_key(public_multibase: str) -> str:
    return f"did:key:{public_multibase}"


def did_key_verification_method(public_multibase: str) -> str:
    return f"did:key:{public_multibase}#{public_multibase}"


def resolve_did_key(verification_method: str) -> tuple[str, str]:
    """(public_multibase, controller) for a did:key verification method; the key is the DID."""
    did = verification_method.split("#", 1)[0]
    if not did.startswith("did:key:"):
        raise KeyFormatError(f"Not a did:key: {verification_method}")
    multibase = did[len("did:key:"):]
    ed25519_public_from_multibase(multibase)  # validates
    fragment = verification_method.split("#", 1)[1] if "#" in verification_method else multibase
    if fragment != multibase:
        raise KeyFormatError("did:key fragment does not match the key")
    return multibase, did
