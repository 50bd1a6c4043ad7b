"""Open Badges 3.0 documents: OpenBadgeCredential, issuer Profile, Multikey, status list."""

from __future__ import annotations

import base64
import gzip
from typing import Any

from . import ob2
from .data import (
    AlignmentData,
    AssertionData,
    BadgeClassData,
    EndorsementData,
    EvidenceData,
    IssuerData,
    StatusEntryData,
)
from .jsonld import CREDENTIALS_V2, MULTIKEY_V1, OB3_CONTEXT, OB3_EXTENSIONS
from .util import hash_email, iso_datetime

# The extensions context defines "1EdTechJsonSchemaValidator2019" (credentialSchema.type),
# as in the OB 3.0 specification's own samples: without it strict JSON-LD verifiers
# (Digital Bazaar's) refuse the type as undefined.
CREDENTIAL_CONTEXT = [CREDENTIALS_V2, OB3_CONTEXT, OB3_EXTENSIONS]
DID_V1 = "https://www.w3.org/ns/did/v1"
# assertionMethod is only defined by the DID (and CID) contexts, hence the third entry.
PROFILE_CONTEXT = [CREDENTIALS_V2, OB3_CONTEXT, DID_V1]
# The JSON Schemas 1EdTech publishes; OB 3.0 says credentialSchema.type MUST be
# 1EdTechJsonSchemaValidator2019 when it names them.
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json")
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
STATUS_LIST_SIZE = 131072  # 16 KiB bitstring, the W3C minimum for herd privacy

# No OB 3.0 term says "self-issued"; a tag (schema:keywords) is defined by the
# context, survives canonicalisation and is shown by most displayers.
SELF_ISSUED_TAG = "self-issued"


def _image(url: str, caption: str = "") -> dict[str, Any]:
    image = {"id": url, "type": "Image"}
    if caption:
        image["caption"] = caption
    return image


def profile(issuer: IssuerData) -> dict[str, Any]:
    """Issuer Profile as embedded in a credential."""
    doc: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.email:
        doc["email"] = issuer.email
    if issuer.description:
        doc["description"] = issuer.description
    if issuer.image:
        doc["image"] = _image(issuer.image)
    return doc


def issuer_profile_document(issuer: IssuerData) -> dict[str, Any]:
    """Stand-alone Profile served at ``issuer.id`` (https, no DID), listing its keys."""
    doc = {"@context": PROFILE_CONTEXT, **profile(issuer)}
    if issuer.public_key_urls:
        doc["assertionMethod"] = list(issuer.public_key_urls)
    if issuer.endorsement_credentials:
        doc["endorsement"] = list(issuer.endorsement_credentials)
    return doc


def endorsement_credential(endorsement: EndorsementData) -> dict[str, Any]:
    """Unsigned EndorsementCredential: the endorser (issuer) says something about
    an Achievement, a Profile or a credential (credentialSubject.id)."""
    return {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": endorsement.id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": endorsement.name or f"Recommandation de {endorsement.endorser.name}",
        "issuer": profile(endorsement.endorser),
        "validFrom": iso_datetime(endorsement.valid_from),
        "credentialSubject": {
            "id": endorsement.subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.comment,
        },
        "credentialSchema": [{"id": ENDORSEMENT_SCHEMA_URL, "type": SCHEMA_TYPE}],
    }


def multikey_document(key_url: str, controller: str, public_multibase: str, *, revoked: str = "") -> dict[str, Any]:
    doc = {
        "@context": [MULTIKEY_V1],
        "id": key_url,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase,
    }
    if revoked:
        doc["revoked"] = revoked
    return doc


def alignment(data: AlignmentData) -> dict[str, Any]:
    # The same fields as OB 2.0; OB 3.0 types every object.
    return {"type": ["Alignment"], **ob2.alignment(data)}


def achievement(badge: BadgeClassData, *, self_issued: bool = False) -> dict[str, Any]:
    criteria: dict[str, Any] = {}
    if badge.criteria_url:
        criteria["id"] = badge.criteria_url
    criteria["narrative"] = badge.criteria_narrative or badge.description
    doc: dict[str, Any] = {
        "id": badge.id,
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": criteria,
        "image": _image(badge.image, badge.name),
        "creator": profile(badge.issuer),
    }
    if badge.achievement_type:
        doc["achievementType"] = badge.achievement_type
    if badge.alignments:
        doc["alignment"] = [alignment(a) for a in badge.alignments]
    tags = list(badge.tags)
    if self_issued and SELF_ISSUED_TAG not in tags:
        tags.append(SELF_ISSUED_TAG)
    if tags:
        doc["tag"] = tags
    if badge.endorsement_credentials:
        doc["endorsement"] = list(badge.endorsement_credentials)
    return doc


def evidence(data: EvidenceData) -> dict[str, Any]:
    return {**ob2.evidence(data), "type": ["Evidence"]}


def status_entry(status: StatusEntryData) -> dict[str, Any]:
    return {
        "id": f"{status.status_list_credential}#{status.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status.purpose,
        "statusListIndex": str(status.index),
        "statusListCredential": status.status_list_credential,
    }


def build_credential(
    assertion: AssertionData,
    *,
    status: StatusEntryData | None = None,
    self_issued: bool = False,
    include_schema: bool = True,
) -> dict[str, Any]:
    """Unsigned OpenBadgeCredential for ``assertion`` (sign it with proofs.*)."""
    badge = assertion.badge
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if assertion.recipient_url:
        subject["id"] = assertion.recipient_url  # the holder's own page, in clear
    else:
        subject["identifier"] = [{
            "type": "IdentityObject",
            "identityHash": hash_email(assertion.recipient_email, assertion.salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": assertion.salt,
        }]
    if assertion.recipient_name:
        subject["name"] = assertion.recipient_name
    subject["achievement"] = achievement(badge, self_issued=self_issued)
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": assertion.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile(badge.issuer),
        "validFrom": iso_datetime(assertion.issued_on),
    }
    if badge.issuer.endorsement_credentials:
        # In the issuer only, not in the Achievement's creator too: once is enough.
        credential["issuer"]["endorsement"] = list(badge.issuer.endorsement_credentials)
    if assertion.expires:
        credential["validUntil"] = iso_datetime(assertion.expires)
    credential["name"] = badge.name
    credential["credentialSubject"] = subject
    if assertion.narrative:
        subject["narrative"] = assertion.narrative
    if assertion.evidence:
        credential["evidence"] = [evidence(e) for e in assertion.evidence]
    if include_schema:
        credential["credentialSchema"] = [{"id": SCHEMA_URL, "type": SCHEMA_TYPE}]
    if status:
        credential["credentialStatus"] = status_entry(status)
    return credential


# --- Bitstring Status List (W3C) ---------------------------------------------

def encode_status_list(revoked_indexes: set[int] | frozenset[int], size: int = STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP'd bitstring; index 0 is the
    left-most (most significant) bit of the first byte."""
    if size % 8:
        raise ValueError("Status list size must be a multiple of 8")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"Status index {index} out of range")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the list byte-identical for identical content (cache friendly)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_status_list(encoded_list: str) -> bytes:
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u')")
    data = encoded_list[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_bit(encoded_list: str, index: int) -> bool:
    bits = decode_status_list(encoded_list)
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"Status index {index} out of range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def build_status_list_credential(
    id: str,
    issuer: str | IssuerData,
    revoked_indexes: set[int] | frozenset[int],
    size: int = STATUS_LIST_SIZE,
    *,
    valid_from: str = "",
) -> dict[str, Any]:
    """Unsigned BitstringStatusListCredential (purpose: revocation)."""
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer if isinstance(issuer, str) else issuer.id,
    }
    if valid_from:
        doc["validFrom"] = valid_from
    doc["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": encode_status_list(revoked_indexes, size),
    }
    return doc
