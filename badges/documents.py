"""Maps badgehub's models to the Open Badges engine's inputs, and builds every
public URL a badge document refers to. All ids start with settings.SITE_URL:
changing it after issuing breaks every badge already handed out."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse

from badges.models import Assertion, BadgeClass
from badges.openbadges import did as ob_did
from badges.openbadges import keys as ob_keys
from badges.openbadges import ob2, ob3
from badges.openbadges.data import (
    AlignmentData,
    AssertionData,
    BadgeClassData,
    EvidenceData,
    IssuerData,
    RevokedAssertion,
    StatusEntryData,
)
from badges.openbadges.util import iso_datetime_precise
from issuers.models import Issuer, SigningKey


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def absolute_media(field) -> str:
    return absolute(field.url) if field.url.startswith("/") else field.url


# --- URLs ---------------------------------------------------------------------

_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@lru_cache(maxsize=32)
def _path_template(name: str) -> str:
    # reverse() costs more than the rest of building a URL; every badge of a
    # batch needs several, so resolve each route once per process.
    return reverse(name, kwargs={"public_id": _PLACEHOLDER})


def _url(name: str, public_id) -> str:
    return absolute(_path_template(name).replace(_PLACEHOLDER, str(public_id)))



def ob2_issuer_url(issuer: Issuer) -> str:
    return _url("ob:issuer_v2", issuer.public_id)


def ob3_issuer_url(issuer: Issuer) -> str:
    return _url("ob:issuer", issuer.public_id)


def badge_class_url(badge_class: BadgeClass) -> str:
    return _url("badges:class_detail", badge_class.public_id)


def assertion_url(assertion: Assertion) -> str:
    return _url("badges:assertion_detail", assertion.public_id)


def credential_url(assertion: Assertion) -> str:
    return _url("ob:credential", assertion.public_id)


def key_url(key: SigningKey) -> str:
    return _url("ob:key", key.public_id)


def revocation_list_url(issuer: Issuer) -> str:
    return _url("ob:revocations", issuer.public_id)


def status_list_url(issuer: Issuer, number: int) -> str:
    return absolute(reverse("ob:status_list", kwargs={"public_id": issuer.public_id, "number": number}))


# --- did:web ------------------------------------------------------------------
# An OB 3.0 issuer is did:web:<host>:ob:issuers:<uuid>: the DID names the same path
# as its https Profile, so its DID document is that URL + /did.json.


def issuer_did(issuer: Issuer) -> str:
    return ob_did.did_web_for_url(ob3_issuer_url(issuer))


def did_document_url(issuer: Issuer) -> str:
    return _url("ob:issuer_did", issuer.public_id)


def method_id(did: str, key) -> str:
    """The DID URL of a key (an issuer's SigningKey or an endorser's key): <DID>#<key uuid>."""
    return f"{did}#{key.public_id}"


def signing_key_method_id(key: SigningKey) -> str:
    return method_id(issuer_did(key.issuer), key)


def key_methods(did: str, keys) -> list[ob_did.MethodData]:
    return [ob_did.MethodData(method_id(did, k), k.public_key_pem,
                              iso_datetime_precise(k.revoked_at) if k.revoked_at else "")
            for k in sorted(keys, key=lambda k: k.created_at)]


def issuer_did_document(issuer: Issuer) -> dict[str, Any]:
    """Every key the issuer ever had, Ed25519 (Data Integrity, VC-JWT EdDSA) and RSA (VC-JWT RS256)."""
    did = issuer_did(issuer)
    return ob_did.did_document(did, key_methods(did, issuer.signing_keys.all()),
                               also_known_as=(ob3_issuer_url(issuer),))


# --- engine inputs ------------------------------------------------------------


def _keys(issuer: Issuer, algorithm: str) -> list[SigningKey]:
    # Every key ever used stays listed: old badges keep verifying after a rotation.
    return [k for k in issuer.signing_keys.all() if k.algorithm == algorithm]


def _current_key(issuer: Issuer, algorithm: str) -> list[SigningKey]:
    active = [k for k in _keys(issuer, algorithm) if k.retired_at is None]
    return [max(active, key=lambda k: k.created_at)] if active else []


# Prefetch these with the badge classes of a batch: the endorsements embedded in
# OB 3.0 credentials then cost no query per badge. ``endorsements`` is the
# reverse relation of endorsements.Endorsement (badges does not import it).
ENDORSEMENT_PREFETCHES = ("endorsements", "issuer__endorsements")


def _endorsement_credentials(owner: BadgeClass | Issuer) -> tuple[dict, ...]:
    # Filtered here rather than in SQL so that a prefetched set serves every badge of a batch.
    return tuple(e.ob3_credential for e in owner.endorsements.all()
                 if e.withdrawn_at is None and e.ob3_credential is not None)


def issuer_data(issuer: Issuer, *, version: str, with_endorsements: bool = False) -> IssuerData:
    if version == "ob2":
        issuer_id = ob2_issuer_url(issuer)
        # OB 2.0's publicKey is a single key (1EdTech's validator refuses a Profile that lists
        # several): the current one. Retired keys stay served at their own URLs, owned by
        # the issuer, for the badges they signed.
        key_urls = tuple(key_url(k) for k in _current_key(issuer, SigningKey.Algorithm.RSA))
        revocations = revocation_list_url(issuer)
    else:
        issuer_id = issuer_did(issuer)
        key_urls = tuple(method_id(issuer_id, k) for k in _keys(issuer, SigningKey.Algorithm.ED25519))
        revocations = ""
    return IssuerData(
        id=issuer_id,
        name=issuer.name,
        url=issuer.url or ob2_issuer_url(issuer),
        email=issuer.email,
        description=issuer.description,
        image=absolute_media(issuer.image) if issuer.image else "",
        public_key_urls=key_urls,
        revocation_list=revocations,
        endorsement_credentials=_endorsement_credentials(issuer) if with_endorsements else (),
    )


# Within ``same_badge_data()`` (a worker signing one chunk): the data of a badge class
# object, built once for every assertion of the chunk that holds that very object.
_CHUNK_BADGE_DATA: ContextVar[dict | None] = ContextVar("chunk_badge_data", default=None)


@contextmanager
def same_badge_data() -> Iterator[None]:
    """Build ``badge_class_data`` once per badge class object and version inside the block
    (the objects must not change meanwhile: one chunk, signed in one go)."""
    token = _CHUNK_BADGE_DATA.set({})
    try:
        yield
    finally:
        _CHUNK_BADGE_DATA.reset(token)


def badge_class_data(
    badge_class: BadgeClass, *, version: str, endorsement_urls: tuple[str, ...] = (),
    with_endorsements: bool = False,
) -> BadgeClassData:
    """``with_endorsements``: embed the published OB 3.0 EndorsementCredentials of the
    badge class and of its issuer."""
    built = _CHUNK_BADGE_DATA.get()
    if built is None:
        return _badge_class_data(badge_class, version=version, endorsement_urls=endorsement_urls,
                                 with_endorsements=with_endorsements)
    key = (id(badge_class), version, endorsement_urls, with_endorsements)
    entry = built.get(key)
    if entry is None or entry[0] is not badge_class:
        # The entry holds the object: no other can take its id while the block lasts.
        entry = built[key] = (badge_class, _badge_class_data(
            badge_class, version=version, endorsement_urls=endorsement_urls, with_endorsements=with_endorsements))
    return entry[1]


def _badge_class_data(
    badge_class: BadgeClass, *, version: str, endorsement_urls: tuple[str, ...], with_endorsements: bool,
) -> BadgeClassData:
    return BadgeClassData(
        id=badge_class_url(badge_class),
        name=badge_class.name,
        description=badge_class.description,
        image=absolute_media(badge_class.image),
        issuer=issuer_data(badge_class.issuer, version=version, with_endorsements=with_endorsements),
        criteria_narrative=badge_class.criteria_narrative,
        criteria_url=badge_class.criteria_url,
        alignments=tuple(
            AlignmentData(a.target_name, a.target_url, a.target_description, a.target_framework, a.target_code)
            for a in badge_class.alignments.all()
        ),
        tags=tuple(badge_class.tags or ()),
        achievement_type="Badge",
        endorsements=endorsement_urls,
        endorsement_credentials=_endorsement_credentials(badge_class) if with_endorsements else (),
    )


def _evidence(assertion: Assertion) -> tuple[EvidenceData, ...]:
    items = []
    for evidence in assertion.evidence.all():
        url = evidence.url or (absolute_media(evidence.file) if evidence.file else "")
        items.append(EvidenceData(id=url, narrative=evidence.narrative, name=evidence.name, genre=evidence.genre))
    return tuple(items)


def assertion_data(assertion: Assertion, *, version: str) -> AssertionData:
    return AssertionData(
        id=assertion_url(assertion) if version == "ob2" else credential_url(assertion),
        badge=badge_class_data(assertion.badge_class, version=version, with_endorsements=version == "ob3"),
        recipient_email=assertion.recipient_email,
        recipient_url=assertion.recipient_url,
        recipient_name=assertion.recipient_name,
        salt=assertion.salt,
        issued_on=assertion.issued_on,
        expires=assertion.expires_on,
        # The owner's choice to hide them holds for machines too (the human page already hides them).
        evidence=_evidence(assertion) if assertion.show_evidence else (),
        narrative=assertion.narrative if assertion.show_narrative else "",
    )


# --- documents ----------------------------------------------------------------


def ob2_assertion_document(assertion: Assertion, *, signing_key: SigningKey | None = None) -> dict[str, Any]:
    return ob2.assertion(assertion_data(assertion, version="ob2"),
                         signing_key_url=key_url(signing_key) if signing_key else "")


def ob2_badge_class_document(badge_class: BadgeClass) -> dict[str, Any]:
    endorsements = tuple(
        absolute(reverse("endorsements:document", kwargs={"public_id": e.public_id}))
        for e in badge_class.endorsements.published()
    )
    return ob2.badge_class(badge_class_data(badge_class, version="ob2", endorsement_urls=endorsements))


def ob2_issuer_document(issuer: Issuer) -> dict[str, Any]:
    return ob2.issuer_profile(issuer_data(issuer, version="ob2"))


def ob3_issuer_document(issuer: Issuer) -> dict[str, Any]:
    """The https Profile: badges signed before did:web name it as their issuer and its
    keys by URL; it names the DID (alsoKnownAs) that newer badges are issued by."""
    # Who vouches for the issuer now: the hosted profile follows publications and withdrawals.
    data = issuer_data(issuer, version="ob3", with_endorsements=True)
    data = replace(data, id=ob3_issuer_url(issuer),
                   public_key_urls=tuple(key_url(k) for k in _keys(issuer, SigningKey.Algorithm.ED25519)))
    return with_also_known_as(ob3.issuer_profile_document(data), issuer_did(issuer))


def with_also_known_as(profile: dict[str, Any], did: str) -> dict[str, Any]:
    # DID Core's alsoKnownAs (defined by the did/v1 context the Profile already uses for
    # assertionMethod), answered by the DID document's own alsoKnownAs: the link holds both
    # ways. OB 3.0's otherIdentifier has no identifier type for a DID.
    profile["alsoKnownAs"] = [did]
    return profile


def key_document(key: SigningKey) -> dict[str, Any]:
    revoked = iso_datetime_precise(key.revoked_at) if key.revoked_at else ""
    if key.algorithm == SigningKey.Algorithm.RSA:
        return ob2.cryptographic_key(key_url(key), ob2_issuer_url(key.issuer), key.public_key_pem, revoked=revoked)
    return ob3.multikey_document(key_url(key), ob3_issuer_url(key.issuer), public_multibase(key.public_key_pem),
                                 revoked=revoked)


@lru_cache(maxsize=1024)
def public_multibase(public_key_pem: str) -> str:
    return ob_keys.public_multibase_from_pem(public_key_pem)


def revocation_list_document(issuer: Issuer) -> dict[str, Any]:
    revoked = Assertion.objects.filter(badge_class__issuer=issuer, revoked=True).only(
        "public_id", "revocation_reason")
    entries = [RevokedAssertion(assertion_url(a), a.revocation_reason) for a in revoked]
    return ob2.revocation_list(revocation_list_url(issuer), ob2_issuer_url(issuer), entries)


def status_entry(assertion: Assertion) -> StatusEntryData:
    number, index = assertion.status_list
    return StatusEntryData(status_list_url(assertion.badge_class.issuer, number), index)


def status_list_document(issuer: Issuer, number: int) -> dict[str, Any]:
    size = Assertion.STATUS_LIST_SIZE
    ids = Assertion.objects.filter(
        badge_class__issuer=issuer, revoked=True, pk__gte=number * size, pk__lt=(number + 1) * size
    ).values_list("pk", flat=True)
    return ob3.build_status_list_credential(
        status_list_url(issuer, number), issuer_did(issuer), {pk - number * size for pk in ids}, size
    )


def ob3_unsigned_credential(assertion: Assertion) -> dict[str, Any]:
    return ob3.build_credential(
        assertion_data(assertion, version="ob3"),
        status=status_entry(assertion),
        self_issued=assertion.issued_via == Assertion.Via.SELF,
    )
