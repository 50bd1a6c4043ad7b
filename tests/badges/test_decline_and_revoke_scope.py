"""A recipient's decision, or an issuer's revocation, touches that one badge and says so:
declining or claiming one badge leaves every other badge as it was; a revocation needs a
reason, is dated, tells the recipient by e-mail and is logged in the issuer's audit log."""

import pytest
from django.core.exceptions import ValidationError

from badges.models import Assertion, OutgoingEmail
from badges.services import assertion_issue, assertion_revoke
from badges.services.wallet import assertion_claim, assertion_decline
from issuers.audit.models import AuditEvent
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(issuer, owner):
    badge_class = BadgeClassFactory(issuer=issuer)
    return [assertion_issue(badge_class=badge_class, recipient_email=email, issued_by=owner, notify=False)
            for email in ("lea@example.org", "sam@example.org")]


def test_declining_one_badge_leaves_the_others_claimable(two):
    mine, theirs = two
    assertion_decline(assertion=mine)
    theirs.refresh_from_db()
    assert theirs.declined_at is None and theirs.claimed_at is None
    sam = UserFactory(username="sam", email="sam@example.org")
    assert assertion_claim(assertion=theirs, user=sam).claimed_at is not None


def test_claiming_one_badge_claims_no_other(two):
    mine, theirs = two
    lea = UserFactory(username="lea", email="lea@example.org")
    assertion_claim(assertion=mine, user=lea)
    theirs.refresh_from_db()
    assert theirs.claimed_at is None and theirs.recipient_user is None


def test_a_revocation_needs_a_reason(two):
    with pytest.raises(ValidationError) as refused:
        assertion_revoke(assertion=two[0], reason="   ")
    assert refused.value.message_dict == {"revocation_reason": ["Indiquez le motif de la révocation."]}
    assert not Assertion.objects.get(pk=two[0].pk).revoked


def test_a_revocation_is_dated_mailed_and_logged(two, issuer, owner):
    revoked = assertion_revoke(assertion=two[0], reason=" A quitté la formation ", revoked_by=owner)
    stored = Assertion.objects.get(pk=revoked.pk)
    assert stored.revoked and stored.revocation_reason == "A quitté la formation" and stored.revoked_at is not None
    [mail] = OutgoingEmail.objects.filter(template="revoked")
    assert (mail.to, mail.context, mail.issuer, mail.assertion) == \
        ("lea@example.org", {"assertion_id": revoked.pk}, issuer, stored)
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.ASSERTION_REVOKED)
    assert (event.actor, event.issuer, event.object_type, event.object_id) == \
        (owner, issuer, "assertion", str(revoked.public_id))
    assert event.object_label
    assert event.details == {"reason": "A quitté la formation", "recipient_email": "lea@example.org"}
    assert Assertion.objects.get(pk=two[1].pk).revoked is False
