"""OB 2.0 hosted Endorsement documents and endorser Profiles."""

from typing import Any

from django.urls import reverse

from badges import documents
from badges.openbadges.jsonld import OB2_CONTEXT
from badges.openbadges.util import iso_datetime
from endorsements.models import Endorsement, Endorser


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
    doc: dict[str, Any] = {"@context": OB2_CONTEXT, "type": "Profile", "id": endorser_profile_url(endorser),
                           "name": endorser.name, "email": endorser.email}
    if endorser.url:
        doc["url"] = endorser.url
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
