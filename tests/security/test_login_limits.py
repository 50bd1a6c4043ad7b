"""Password guessing: an account locks after a few wrong passwords (django-axes), and one
client cannot try passwords on account after account."""

import base64

import pytest
from django.urls import reverse

from badges.models import Assertion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"
RIGHT = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # Dozens of password checks per test: a fast hasher keeps them quick (the rule is the count, not the cost).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _try(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_french_429(client, beneficiary):
    for attempt in range(4):
        assert _try(client, beneficiary.email, f"wrong-{attempt}").status_code == 200
    assert _try(client, beneficiary.email, "wrong-5").status_code == 429
    response = _try(client, beneficiary.email, RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de mots de passe erronés pour ce compte" in page
    assert "lien de connexion par e-mail" in page
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_signs_in(client, beneficiary):
    for attempt in range(4):
        _try(client, beneficiary.email, f"wrong-{attempt}")
    response = _try(client, beneficiary.email, RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(beneficiary.pk)


def test_the_account_is_counted_whatever_address_case_or_username_is_typed(client, beneficiary):
    for typed in ("sam@example.org", "SAM@example.org", " Sam@Example.org", "beneficiary", "sam@EXAMPLE.ORG"):
        _try(client, typed, "wrong")
    assert _try(client, "beneficiary", RIGHT).status_code == 429


def test_the_lock_holds_from_another_client_address(client, beneficiary):
    for attempt in range(5):
        _try(client, beneficiary.email, f"wrong-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt + 1}")
    assert _try(client, beneficiary.email, RIGHT, REMOTE_ADDR="203.0.113.77").status_code == 429


def test_another_account_is_not_locked_by_a_locked_one(client, beneficiary, endorser_user):
    for attempt in range(6):
        _try(client, beneficiary.email, f"wrong-{attempt}")
    assert _try(client, endorser_user.email, RIGHT).status_code == 302


def test_one_client_trying_many_accounts_is_stopped(client, db):
    people = [UserFactory(username=f"person{i}") for i in range(32)]
    for person in people[:29]:
        assert _try(client, person.email, "Azerty123!").status_code == 200
    _try(client, people[30].email, "Azerty123!")  # the 30th failure
    response = _try(client, people[31].email, RIGHT)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 900
    # Another client may still sign in to that account.
    assert _try(client, people[31].email, RIGHT, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_the_admin_log_in_is_locked_too(client, db):
    admin = UserFactory(username="network-admin", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for attempt in range(5):
        client.post(url, {"username": "network-admin", "password": f"wrong-{attempt}", "next": "/admin/"})
    response = client.post(url, {"username": admin.username, "password": RIGHT, "next": "/admin/"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_the_api_basic_auth_is_locked_too(client, issuer, owner, badge_class):
    url = reverse("api:assertion_issue")
    body = {"badge_class": str(badge_class.public_id), "recipient_email": "ali@example.org", "idempotency_key": "k1"}
    for attempt in range(4):
        assert client.post(url, body, HTTP_AUTHORIZATION=_basic("owner", f"wrong-{attempt}")).status_code == 403
    assert client.post(url, body, HTTP_AUTHORIZATION=_basic("owner", "wrong-5")).status_code == 429
    response = client.post(url, body, HTTP_AUTHORIZATION=_basic("owner", RIGHT))
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert not Assertion.objects.filter(recipient_email="ali@example.org").exists()


def test_the_api_with_the_right_password_issues(client, issuer, owner, badge_class):
    url = reverse("api:assertion_issue")
    body = {"badge_class": str(badge_class.public_id), "recipient_email": "ali@example.org", "idempotency_key": "k1"}
    assert client.post(url, body, HTTP_AUTHORIZATION=_basic("owner", RIGHT)).status_code == 201
