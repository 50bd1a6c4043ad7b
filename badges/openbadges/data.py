"""Plain inputs for the builders; the Django side maps its models to these.

All URLs are computed by the caller: the engine never guesses routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class IssuerData:
    id: str  # URL of the issuer profile document (OB 2.0 Profile / OB 3.0 Profile)
    name: str
    url: str
    email: str = ""
    description: str = ""
    image: str = ""  # image URL
    public_key_urls: tuple[str, ...] = ()  # OB 2.0 publicKey / OB 3.0 assertionMethod
    revocation_list: str = ""  # OB 2.0 revocationList URL
    # OB 3.0: signed EndorsementCredentials embedded in the Profile (already JSON).
    endorsement_credentials: tuple[dict, ...] = ()


@dataclass(frozen=True)
class AlignmentData:
    target_name: str
    target_url: str
    target_description: str = ""
    target_framework: str = ""
    target_code: str = ""


@dataclass(frozen=True)
class BadgeClassData:
    id: str  # OB 2.0 BadgeClass URL; OB 3.0 Achievement id
    name: str
    description: str
    image: str  # image URL
    issuer: IssuerData
    criteria_narrative: str = ""
    criteria_url: str = ""
    alignments: tuple[AlignmentData, ...] = ()
    tags: tuple[str, ...] = ()
    achievement_type: str = ""  # OB 3.0 achievementType, e.g. "Badge", "Competency"
    endorsements: tuple[str, ...] = ()  # OB 2.0 endorsement URLs
    endorsement_credentials: tuple[dict, ...] = ()  # OB 3.0 signed EndorsementCredentials


@dataclass(frozen=True)
class EndorsementData:
    id: str  # URL of the hosted EndorsementCredential
    endorser: IssuerData  # the endorser's OB 3.0 Profile
    subject_id: str  # what is endorsed: Achievement, issuer Profile or credential id
    comment: str
    valid_from: datetime
    name: str = ""


@dataclass(frozen=True)
class EvidenceData:
    id: str = ""  # URL
    narrative: str = ""
    name: str = ""
    description: str = ""
    genre: str = ""
    audience: str = ""


@dataclass(frozen=True)
class AssertionData:
    id: str  # OB 2.0 assertion URL; OB 3.0 credential id
    badge: BadgeClassData
    recipient_email: str
    salt: str
    issued_on: datetime
    expires: datetime | None = None
    evidence: tuple[EvidenceData, ...] = ()
    narrative: str = ""
    image: str = ""  # baked image URL, optional
    # Named in clear, when the holder has no e-mail address: the page of their passport.
    recipient_url: str = ""
    # The holder's name as the issuer recorded it (OB 3.0 credentialSubject.name).
    recipient_name: str = ""


@dataclass(frozen=True)
class StatusEntryData:
    status_list_credential: str  # URL of the BitstringStatusListCredential
    index: int
    purpose: str = "revocation"


@dataclass(frozen=True)
class RevokedAssertion:
    id: str
    reason: str = ""


@dataclass(frozen=True)
class KeyData:
    id: str  # key URL
    owner: str  # issuer profile URL
    public_key_pem: str = ""
    revoked: datetime | None = None
    extra: dict = field(default_factory=dict)
