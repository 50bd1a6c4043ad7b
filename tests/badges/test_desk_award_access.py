"""The screen of a badge given at the desk shows the code that gives it away: only the
mediator who made it and the members of its issuer who may issue see it or make a new
code — not a reviewer of the same issuer (issue 16: the role filter had no test)."""

import pytest
from django.urls import reverse

from badges.models import DeskAward
from badges.services.desk import desk_award_create
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_of_the_issuer_neither_sees_the_code_nor_renews_it(client, mediator, reviewer, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    token = award.token
    client.force_login(reviewer)
    assert client.get(reverse("partner:desk_award", kwargs={"public_id": award.public_id})).status_code == 404
    assert client.post(reverse("partner:desk_renew", kwargs={"public_id": award.public_id})).status_code == 404
    assert DeskAward.objects.get(pk=award.pk).token == token


def test_the_mediator_and_the_issuing_staff_see_the_code(client, mediator, owner, issuer, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    colleague = UserFactory(username="colleague")
    membership_set(issuer=issuer, user=colleague, role=Membership.Role.MEDIATOR)
    for allowed in (mediator, owner, colleague):
        client.force_login(allowed)
        assert client.get(reverse("partner:desk_award", kwargs={"public_id": award.public_id})).status_code == 200
