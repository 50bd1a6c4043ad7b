"""A key marked compromised signs nothing more: the next badge of the issuer, or the next
endorsement of the organisation, is signed with the fresh key put in its place, and verifies
(issue 16: removing any step of the revocation fails one of these)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from badges.issuing import assertion_finalise
from badges.services import assertion_issue
from badges.verification import verify_badge
from endorsements import services as endorsement_services
from endorsements.models import Endorser
from issuers.models import SigningKey
from issuers.services import signing_key_revoke

pytestmark = pytest.mark.django_db


def issue_signed(badge_class, owner, email):
    return assertion_finalise(assertion=assertion_issue(badge_class=badge_class, recipient_email=email,
                                                        recipient_name="Sam", issued_by=owner))


@pytest.mark.parametrize("algorithm", [SigningKey.Algorithm.ED25519, SigningKey.Algorithm.RSA])
def test_the_next_badge_after_a_compromise_is_signed_with_a_fresh_key_and_verifies(badge_class, owner, issuer,
                                                                                   algorithm):
    before = issue_signed(badge_class, owner, "before@example.org")
    compromised = before.signing_key_ed25519 if algorithm == SigningKey.Algorithm.ED25519 else before.signing_key_rsa
    signing_key_revoke(key=compromised, reason="Fuite", revoked_at=timezone.now() - timedelta(minutes=1))
    compromised.refresh_from_db()
    assert compromised.revoked_at and compromised.retired_at and compromised.revocation_reason == "Fuite"
    active = issuer.signing_keys.filter(algorithm=algorithm, retired_at__isnull=True)
    assert active.count() == 1 and active.get() != compromised

    after = issue_signed(badge_class, owner, "after@example.org")
    used = after.signing_key_ed25519 if algorithm == SigningKey.Algorithm.ED25519 else after.signing_key_rsa
    assert used == active.get()
    assert verify_badge(after.ob3_credential).status == "valid"
    assert verify_badge(after.ob2_jws).status == "valid"


def test_an_endorsement_published_after_a_compromise_is_signed_with_the_fresh_key(badge_class, owner,
                                                                                  endorser_user):
    endorser = Endorser.objects.create(name="Région", email="contact@region.example")
    endorser.members.add(endorser_user)
    compromised = endorsement_services.endorser_active_key(endorser=endorser)
    endorsement_services.endorser_key_revoke(key=compromised, reason="Fuite")
    compromised.refresh_from_db()
    assert compromised.revoked_at and compromised.retired_at
    fresh = endorsement_services.endorser_active_key(endorser=endorser)
    assert fresh != compromised and fresh.revoked_at is None

    invitation = endorsement_services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                                         email="contact@region.example", badge_class=badge_class)
    endorsement = endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user,
                                                          endorser=endorser, statement="Nous apprécions ce badge.")
    proof = endorsement.ob3_credential["proof"]
    method = (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]
    assert str(fresh.public_id) in method and str(compromised.public_id) not in method
