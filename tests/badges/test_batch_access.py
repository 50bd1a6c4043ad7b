"""Who sees a CSV batch (its rows name people): the mediator who made it and the staff of
its issuer; not another mediator of the same issuer, not the staff of another issuer."""

import pytest
from django.urls import reverse

from badges.services import batch_create
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV = b"name,email\nAli Ben,ali@example.org\n"


def sees(client, user, batch) -> bool:
    client.force_login(user)
    status = client.get(reverse("partner:batch_detail", kwargs={"public_id": batch.public_id})).status_code
    assert status in (200, 404)
    return status == 200


@pytest.fixture
def batch(badge_class, mediator):
    return batch_create(badge_class=badge_class, created_by=mediator, data=CSV)


def test_the_mediator_who_made_a_batch_and_the_issuers_staff_see_it(client, batch, mediator, owner, issuer):
    admin = UserFactory(username="issuer-admin")
    membership_set(issuer=issuer, user=admin, role=Membership.Role.ADMIN)
    assert sees(client, mediator, batch)
    assert sees(client, owner, batch)
    assert sees(client, admin, batch)


def test_another_mediator_or_a_reviewer_of_the_same_issuer_does_not_see_it(client, batch, issuer, reviewer):
    colleague = UserFactory(username="colleague")
    membership_set(issuer=issuer, user=colleague, role=Membership.Role.MEDIATOR)
    assert not sees(client, colleague, batch)
    assert not sees(client, reviewer, batch)


def test_the_owner_of_another_issuer_does_not_see_it(client, batch, other_issuer):
    other_owner = UserFactory(username="other-owner")
    membership_set(issuer=other_issuer, user=other_owner, role=Membership.Role.OWNER)
    assert not sees(client, other_owner, batch)
