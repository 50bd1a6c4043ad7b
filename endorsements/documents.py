"""Endorsement documents and endorser Profiles: OB 2.0 hosted Endorsements, OB 3.0
signed EndorsementCredentials."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.urls import reverse

from badges import documents
from badges.openbadges import did as ob_did
from badges.openbadges import ob3, proofs
from badges.openbadges.data import EndorsementData, IssuerData
from badges.openbadges.jsonld import OB2_CONTEXT
from badges.openbadges.util import iso_datetime, iso_datetime_precise
from endorsements.models import Endorsement, Endorser, EndorserKey
from issuers.keystore import private_key_for


def endorser_profile_url(endorser: Endorser) -> str:
    return documents.absolute(reverse("endorsements:endorser_document", kwargs={"public_id": endorser.public_id}))


def endorsement_url(endorsement: Endorsement) -> str:
    return documents.absolute(reverse("endorsements:document", kwargs={"public_id": endorsement.public_id}))


def target_url(endorsement: Endorsement) -> str:
    if endorsement.badge_class_id:
        return documents.badge_class_url(endorsement.badge_class)
    if endorsement.issuer_id:
        return documents.ob2_issuer_url(endorsement.issuer)
    return documents.assertion_url(endorsement.assertion)


def endorser_document(endorser: Endorser) -> dict[str, Any]:
    # OB 2.0 requires url (and email) on a Profile: without a site of its own, the endorser's page here.
    doc: dict[str, Any] = {"@context": OB2_CONTEXT, "type": "Profile", "id": endorser_profile_url(endorser),
                           "name": endorser.name, "email": endorser.email, "url": endorser_page_url(endorser)}
    if endorser.description:
        doc["description"] = endorser.description
    return doc


def endorsement_document(endorsement: Endorsement) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Endorsement",
        "id": endorsement_url(endorsement),
        "issuer": endorser_profile_url(endorsement.endorser),
        "issuedOn": iso_datetime(endorsement.created_at),
        "claim": {"id": target_url(endorsement), "endorsementComment": endorsement.statement},
        "verification": {"type": "hosted"},
    }


# --- OB 3.0 -------------------------------------------------------------------
# The endorser is an OB 3.0 Profile of its own, with its own key: its
# EndorsementCredentials verify without trusting the issuer they are embedded by.


def ob3_endorser_profile_url(endorser: Endorser) -> str:
    return documents.absolute(reverse("endorsements:endorser_profile", kwargs={"public_id": endorser.public_id}))


def endorser_did(endorser: Endorser) -> str:
    """did:web naming the endorser's https Profile path; its document is that URL + /did.json."""
    return ob_did.did_web_for_url(ob3_endorser_profile_url(endorser))


def endorser_key_method_id(key: EndorserKey) -> str:
    return documents.method_id(endorser_did(key.endorser), key)


def endorser_did_document(endorser: Endorser) -> dict[str, Any]:
    did = endorser_did(endorser)
    return ob_did.did_document(did, documents.key_methods(did, endorser.keys.all()),
                               also_known_as=(ob3_endorser_profile_url(endorser),))


def endorser_key_url(key: EndorserKey) -> str:
    return documents.absolute(reverse("endorsements:key", kwargs={"public_id": key.public_id}))


def endorsement_credential_url(endorsement: Endorsement) -> str:
    return documents.absolute(reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}))


def ob3_target_url(endorsement: Endorsement) -> str:
    """The id the OB 3.0 documents give the endorsed thing."""
    if endorsement.badge_class_id:
        return documents.badge_class_url(endorsement.badge_class)  # the Achievement id
    if endorsement.issuer_id:
        return documents.issuer_did(endorsement.issuer)  # the issuer's id in its credentials
    return documents.credential_url(endorsement.assertion)


def endorser_page_url(endorser: Endorser) -> str:
    """The endorser's own site, or its page here."""
    return endorser.url or documents.absolute(
        reverse("endorsements:endorser_detail", kwargs={"public_id": endorser.public_id}))


def endorser_data(endorser: Endorser, keys=()) -> IssuerData:
    return IssuerData(
        id=endorser_did(endorser),
        name=endorser.name,
        url=endorser_page_url(endorser),
        email=endorser.email,
        description=endorser.description,
        image=documents.absolute_media(endorser.image) if endorser.image else "",
        public_key_urls=tuple(endorser_key_url(k) for k in keys),
    )


def ob3_endorser_document(endorser: Endorser) -> dict[str, Any]:
    """The https Profile, which endorsements signed before did:web name as their issuer;
    it names the DID the newer ones are issued by (as the issuers' Profiles do)."""
    # Every key ever used stays listed: endorsements signed before a rotation keep verifying.
    data = replace(endorser_data(endorser, endorser.keys.order_by("created_at")),
                   id=ob3_endorser_profile_url(endorser))
    return documents.with_also_known_as(ob3.issuer_profile_document(data), endorser_did(endorser))


def endorser_key_document(key: EndorserKey) -> dict[str, Any]:
    # A compromised key stays listed with its date: verifiers refuse what it signed afterwards.
    return ob3.multikey_document(endorser_key_url(key), ob3_endorser_profile_url(key.endorser),
                                 documents.public_multibase(key.public_key_pem),
                                 revoked=iso_datetime_precise(key.revoked_at) if key.revoked_at else "")


def endorsement_credential(endorsement: Endorsement) -> dict[str, Any]:
    """The unsigned OB 3.0 EndorsementCredential of ``endorsement``."""
    return ob3.endorsement_credential(EndorsementData(
        id=endorsement_credential_url(endorsement),
        endorser=endorser_data(endorsement.endorser),
        subject_id=ob3_target_url(endorsement),
        comment=endorsement.statement,
        valid_from=endorsement.created_at,
    ))


def signed_endorsement_credential(endorsement: Endorsement, key: EndorserKey, now: datetime) -> dict[str, Any]:
    return proofs.add_data_integrity_proof(endorsement_credential(endorsement), private_key_for(key),
                                           endorser_key_method_id(key), now)
