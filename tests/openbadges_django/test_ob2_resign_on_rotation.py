"""After an RSA key rotation, the OB 2.0 JWS we serve are signed again with the current key:
the issuer Profile lists one publicKey, and 1EdTech's validator accepts only badges whose
creator is that key (tests/interop/test_1edtech_ob2_validator.py runs it)."""

import time

import jwt
import pytest

from badges import documents
from badges.issuing import assertion_finalise, assertions_ob2_resign
from badges.models import Assertion
from badges.services import assertion_issue, assertion_revoke
from badges.verification import verify_badge
from issuers.models import SigningKey
from issuers.selectors import active_signing_key
from issuers.services import signing_key_create, signing_key_revoke

RECIPIENT = "sam@example.org"


def issue(badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def creator(assertion: Assertion) -> str:
    assertion.refresh_from_db()
    return jwt.decode(assertion.ob2_jws, options={"verify_signature": False})["verification"]["creator"]


def current_rsa_url(issuer) -> str:
    return documents.key_url(active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.RSA))


@pytest.mark.django_db
def test_a_rotation_signs_the_served_ob2_badges_again_with_the_current_key(badge_class, owner, issuer):
    before = issue(badge_class, owner)
    old_jws = before.ob2_jws
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    assert creator(before) != current_rsa_url(issuer)  # the task, not the rotation itself, signs again

    assert assertions_ob2_resign(issuer_id=issuer.pk) == 1
    assert creator(before) == current_rsa_url(issuer)
    assert verify_badge(before.ob2_jws, expected_email=RECIPIENT).status == "valid"
    # The same assertion, signed by another key of the same issuer.
    assert jwt.decode(before.ob2_jws, options={"verify_signature": False})["id"] == \
        jwt.decode(old_jws, options={"verify_signature": False})["id"]
    # A file downloaded before the rotation keeps verifying (its key is the issuer's, retired).
    assert verify_badge(old_jws, expected_email=RECIPIENT).status == "valid"
    assert assertions_ob2_resign(issuer_id=issuer.pk) == 0  # idempotent


@pytest.mark.django_db
def test_an_ed25519_rotation_and_revoked_badges_are_left_alone(badge_class, owner, issuer):
    kept, revoked = issue(badge_class, owner), issue(badge_class, owner)
    assertion_revoke(assertion=revoked, reason="Erreur", revoked_by=owner)
    revoked_jws = Assertion.objects.get(pk=revoked.pk).ob2_jws
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    assert assertions_ob2_resign(issuer_id=issuer.pk) == 0
    signing_key_revoke(key=active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.RSA), reason="fuite")
    assert assertions_ob2_resign(issuer_id=issuer.pk) == 1
    assert creator(kept) == current_rsa_url(issuer)
    assert Assertion.objects.get(pk=revoked.pk).ob2_jws == revoked_jws


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_signs_again_by_itself_after_a_rotation(celery_worker, badge_class, owner, issuer):
    before = issue(badge_class, owner)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    deadline = time.monotonic() + 30
    while creator(before) != current_rsa_url(issuer):
        assert time.monotonic() < deadline, "the OB 2.0 badge was not signed again after the rotation"
        time.sleep(0.2)
    assert verify_badge(before.ob2_jws, expected_email=RECIPIENT).status == "valid"
