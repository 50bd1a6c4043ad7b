"""Open Badges 2.0 documents (hosted or signed) and their JWS signature."""

from __future__ import annotations

import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .data import AlignmentData, AssertionData, BadgeClassData, EvidenceData, IssuerData, RevokedAssertion
from .jsonld import OB2_CONTEXT
from .keys import load_private_pem
from .util import hash_email, iso_datetime

__all__ = [
    "hash_email",
    "issuer_profile",
    "badge_class",
    "assertion",
    "cryptographic_key",
    "revocation_list",
    "sign_assertion",
]


def issuer_profile(issuer: IssuerData) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer.id,
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.email:
        doc["email"] = issuer.email
    if issuer.description:
        doc["description"] = issuer.description
    if issuer.image:
        doc["image"] = issuer.image
    if issuer.public_key_urls:
        keys = list(issuer.public_key_urls)
        doc["publicKey"] = keys[0] if len(keys) == 1 else keys
    if issuer.revocation_list:
        doc["revocationList"] = issuer.revocation_list
    return doc


def alignment(data: AlignmentData) -> dict[str, Any]:
    doc = {"targetName": data.target_name, "targetUrl": data.target_url}
    if data.target_description:
        doc["targetDescription"] = data.target_description
    if data.target_framework:
        doc["targetFramework"] = data.target_framework
    if data.target_code:
        doc["targetCode"] = data.target_code
    return doc


def badge_class(badge: BadgeClassData) -> dict[str, Any]:
    criteria: dict[str, Any] = {}
    if badge.criteria_url:
        criteria["id"] = badge.criteria_url
    if badge.criteria_narrative:
        criteria["narrative"] = badge.criteria_narrative
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge.id,
        "name": badge.name,
        "description": badge.description,
        "image": badge.image,
        "criteria": criteria or {"narrative": badge.description},
        "issuer": badge.issuer.id,
    }
    if badge.alignments:
        doc["alignment"] = [alignment(a) for a in badge.alignments]
    if badge.tags:
        doc["tags"] = list(badge.tags)
    if badge.endorsements:
        doc["endorsement"] = list(badge.endorsements)
    return doc


def evidence(data: EvidenceData) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": "Evidence"}
    for key, value in (
        ("id", data.id),
        ("narrative", data.narrative),
        ("name", data.name),
        ("description", data.description),
        ("genre", data.genre),
        ("audience", data.audience),
    ):
        if value:
            doc[key] = value
    return doc


def assertion(data: AssertionData, *, signing_key_url: str = "") -> dict[str, Any]:
    """Assertion; hosted verification unless ``signing_key_url`` is given (SignedBadge)."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": data.id,
        "recipient": {"type": "url", "hashed": False, "identity": data.recipient_url} if data.recipient_url else {
            "type": "email",
            "hashed": True,
            "salt": data.salt,
            "identity": hash_email(data.recipient_email, data.salt),
        },
        "badge": data.badge.id,
        "issuedOn": iso_datetime(data.issued_on),
    }
    if data.expires:
        doc["expires"] = iso_datetime(data.expires)
    if data.image:
        doc["image"] = data.image
    if data.evidence:
        doc["evidence"] = [evidence(e) for e in data.evidence]
    if data.narrative:
        doc["narrative"] = data.narrative
    doc["verification"] = {"type": "SignedBadge", "creator": signing_key_url} if signing_key_url else {"type": "hosted"}
    return doc


def cryptographic_key(key_url: str, owner: str, public_key_pem: str | bytes, *, revoked: str = "") -> dict[str, Any]:
    pem = public_key_pem.decode("ascii") if isinstance(public_key_pem, bytes) else public_key_pem
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": key_url,
        "owner": owner,
        "publicKeyPem": pem,
    }
    if revoked:
        doc["revoked"] = revoked
    return doc


def revocation_list(
    list_url: str, issuer_id: str, revoked: list[RevokedAssertion] | tuple[RevokedAssertion, ...]
) -> dict[str, Any]:
    entries = []
    for item in revoked:
        entry = {"id": item.id}
        if item.reason:
            entry["revocationReason"] = item.reason
        entries.append(entry)
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": list_url,
        "issuer": issuer_id,
        "revokedAssertions": entries,
    }


def sign_assertion(assertion_doc: dict[str, Any], private_key: Any) -> str:
    """Compact JWS (RS256) whose payload is the assertion JSON (OB 2.0 SignedBadge).

    ``private_key``: an RSA key object or its PEM."""
    key = private_key if isinstance(private_key, rsa.RSAPrivateKey) else load_private_pem(private_key)
    payload = json.dumps(assertion_doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jwt.api_jws.encode(payload, key, algorithm="RS256", headers={"alg": "RS256"})
