"""Making a badge public or private is its owner's decision only; acting on a badge sent to
one of the owner's verified addresses, never claimed, claims it (it is theirs from now on)."""

import pytest
from django.core.exceptions import PermissionDenied

from badges.models import Assertion
from badges.services import assertion_issue
from badges.services.accounts import email_address_add
from badges.services.wallet import assertion_set_visibility
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unclaimed(issuer, owner):
    return assertion_issue(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="lea@example.org",
                           issued_by=owner, notify=False)


def test_making_an_unclaimed_badge_public_claims_it_for_its_owner(unclaimed):
    lea = UserFactory(username="lea", email="lea@example.org")
    email_address_add(user=lea, email="lea@example.org", verified=True)
    assertion_set_visibility(assertion=unclaimed, user=lea, public=True)
    unclaimed.refresh_from_db()
    assert unclaimed.visibility == Assertion.Visibility.PUBLIC
    assert unclaimed.recipient_user == lea and unclaimed.claimed_at is not None


def test_nobody_else_changes_who_sees_a_badge(unclaimed):
    other = UserFactory(username="sam", email="sam@example.org")
    email_address_add(user=other, email="sam@example.org", verified=True)
    with pytest.raises(PermissionDenied):
        assertion_set_visibility(assertion=unclaimed, user=other, public=True)
    unclaimed.refresh_from_db()
    assert unclaimed.visibility != Assertion.Visibility.PUBLIC and unclaimed.recipient_user is None
