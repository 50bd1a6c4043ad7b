"""Who declared an endorser's key compromised is written in the issuers' audit log, for the
compromise and for the fresh key made at once (docs/mutation.md, endorsements.protect)."""

import pytest

from endorsements import services
from issuers.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_person_who_declares_a_key_compromised_is_named_for_the_compromise_and_the_new_key(
        endorsement, endorser, endorser_user, issuer):
    services.endorser_key_revoke(key=endorser.keys.get(), reason="Fuite", by=endorser_user)
    recorded = {event.action: event.actor for event in AuditEvent.objects.filter(issuer=issuer, action__in=[
        AuditEvent.Action.ENDORSER_KEY_COMPROMISED, AuditEvent.Action.ENDORSER_KEY_ROTATED])}
    assert recorded == {AuditEvent.Action.ENDORSER_KEY_COMPROMISED: endorser_user,
                        AuditEvent.Action.ENDORSER_KEY_ROTATED: endorser_user}


def test_the_compromise_names_the_key_the_endorser_and_the_reason(endorsement, endorser, endorser_user, issuer):
    key = endorser.keys.get()
    services.endorser_key_revoke(key=key, reason="Fuite", by=endorser_user)
    event = AuditEvent.objects.get(issuer=issuer, action=AuditEvent.Action.ENDORSER_KEY_COMPROMISED)
    key.refresh_from_db()
    assert (event.object_type, event.object_id, event.object_label) == ("endorser_key", str(key.public_id),
                                                                         endorser.name)
    assert event.details == {"endorser": str(endorser.public_id), "reason": "Fuite",
                             "revoked_at": key.revoked_at.isoformat()}
