import base64

import pytest
from django.urls import reverse

from badges.models import Assertion
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db

URL = "/api/assertions/issue/"


def payload(badge_class, **overrides):
    return {"badge_class": str(badge_class.public_id), "recipient_email": "Sam@Example.org",
            "recipient_name": "Sam Martin", "idempotency_key": "lms-course-42-user-7", **overrides}


def test_the_url_is_named():
    assert reverse("api:assertion_issue") == URL


def test_issuer_staff_issue_a_badge_automatically_and_idempotently(client, owner, badge_class):
    client.force_login(owner)
    first = client.post(URL, payload(badge_class, evidence_url="https://lms.example.org/42"),
                        content_type="application/json")
    again = client.post(URL, payload(badge_class), content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assertion = Assertion.objects.get()
    assert assertion.issued_via == Assertion.Via.AUTOMATIC and assertion.issued_by is None
    assert assertion.recipient_email == "sam@example.org"
    assert assertion.evidence.get().url == "https://lms.example.org/42"
    assert first.json()["url"].endswith(assertion.get_absolute_url())


def test_a_script_can_use_basic_authentication(client, owner, badge_class):
    token = base64.b64encode(b"owner:correct-horse-battery").decode()
    response = client.post(URL, payload(badge_class), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 201


def test_input_errors_are_explained(client, owner, badge_class):
    client.force_login(owner)
    response = client.post(URL, payload(badge_class, recipient_email="nope", idempotency_key=""),
                           content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"recipient_email", "idempotency_key"}


def test_a_mediator_cannot_use_the_api(client, mediator, badge_class):
    client.force_login(mediator)
    assert client.post(URL, payload(badge_class), content_type="application/json").status_code == 404
    assert not Assertion.objects.exists()


def test_staff_of_another_issuer_get_a_404(client, outsider, badge_class, other_issuer):
    from issuers.models import Membership
    from issuers.services import membership_set

    membership_set(issuer=other_issuer, user=outsider, role=Membership.Role.OWNER)
    client.force_login(outsider)
    assert client.post(URL, payload(badge_class), content_type="application/json").status_code == 404
    assert not Assertion.objects.exists()


def test_the_same_key_from_two_issuers_issues_two_badges(client, owner, badge_class, other_issuer):
    from issuers.models import Membership
    from issuers.services import membership_set

    other_badge = BadgeClassFactory(issuer=other_issuer)
    membership_set(issuer=other_issuer, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    client.post(URL, payload(badge_class), content_type="application/json")
    client.post(URL, payload(other_badge), content_type="application/json")
    assert Assertion.objects.count() == 2


def test_anonymous_requests_are_refused(client, badge_class):
    assert client.post(URL, payload(badge_class), content_type="application/json").status_code in (401, 403)
