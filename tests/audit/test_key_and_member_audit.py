"""What the issuer's audit log says when a signing key is declared compromised and when a member is
removed (docs/mutation.md, issuers.services.protect): who did it, which key or member, and why; and
a role given in one issuer changes nothing in another."""

import pytest

from issuers import services
from issuers.audit.models import AuditEvent
from issuers.models import Membership

pytestmark = pytest.mark.django_db


def test_a_compromised_key_is_logged_for_its_issuer_with_who_which_key_why_and_its_replacement(issuer, owner):
    services.issuer_ensure_keys(issuer=issuer)
    key = issuer.signing_keys.filter(algorithm="Ed25519").get()
    services.signing_key_revoke(key=key, reason="Fuite", by=owner)
    key.refresh_from_db()
    new_key = issuer.signing_keys.get(algorithm="Ed25519", retired_at__isnull=True)
    event = AuditEvent.objects.get(issuer=issuer, action=AuditEvent.Action.SIGNING_KEY_COMPROMISED)
    assert (event.actor, event.object_type, event.object_id, event.object_label) == (
        owner, "signing_key", str(key.public_id), f"Ed25519 {key.public_id}")
    assert event.details == {"algorithm": "Ed25519", "reason": "Fuite", "revoked_at": key.revoked_at.isoformat(),
                             "new_key": str(new_key.public_id)}


def test_a_removed_member_is_logged_by_name_and_previous_role(issuer, owner, mediator):
    membership = Membership.objects.get(issuer=issuer, user=mediator)
    pk, role = membership.pk, membership.role
    services.membership_remove(membership=membership, by=owner)
    event = AuditEvent.objects.get(issuer=issuer, action=AuditEvent.Action.MEMBERSHIP_REMOVED)
    assert (event.actor, event.object_type, event.object_id) == (owner, "membership", str(pk))
    assert event.object_label == services._user_label(mediator) and mediator.get_username() in event.object_label
    assert event.details == {"user_id": mediator.pk, "previous_role": role}


def test_giving_a_role_in_one_issuer_leaves_the_persons_role_in_another_alone(issuer, other_issuer, owner, outsider):
    theirs = Membership.objects.get(issuer=other_issuer, user=outsider)
    services.membership_set(issuer=issuer, user=outsider, role=Membership.Role.REVIEWER, by=owner)
    assert Membership.objects.get(issuer=issuer, user=outsider).role == Membership.Role.REVIEWER
    assert Membership.objects.get(pk=theirs.pk).role == theirs.role
    assert Membership.objects.get(pk=theirs.pk).issuer == other_issuer
    added = AuditEvent.objects.get(issuer=issuer, action=AuditEvent.Action.MEMBERSHIP_ADDED, actor=owner)
    assert added.object_id == str(Membership.objects.get(issuer=issuer, user=outsider).pk)
    assert added.details == {"user_id": outsider.pk, "role": Membership.Role.REVIEWER}
    assert added.object_label == services._user_label(outsider)
