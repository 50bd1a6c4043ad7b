"""Forms that send e-mails or look up secrets are limited per client and per target address;
the answer past a limit is the French 429 page with Retry-After."""

import base64

import pytest
from django.urls import reverse

from badges import throttle
from badges.models import Application, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_429(response, window: int) -> bool:
    return (response.status_code == 429 and "Trop de demandes" in response.content.decode()
            and 0 < int(response["Retry-After"]) <= window)


def test_one_client_cannot_sign_up_account_after_account(client):
    for i in range(10):
        client.post("/compte/inscription/", {"name": "X", "email": f"p{i}@example.org", "password": "Azerty-2026!x"})
        client.post(reverse("accounts:logout"))
    response = client.post("/compte/inscription/", {"name": "X", "email": "p10@example.org",
                                                    "password": "Azerty-2026!x"})
    assert _is_429(response, 3600)
    assert OutgoingEmail.objects.filter(template="verify_email").count() == 10


def test_sign_ups_naming_one_address_are_limited_from_any_client(client):
    for i in range(3):
        client.post("/compte/inscription/", {"name": "X", "email": "lea@example.org", "password": "Azerty-2026!x"},
                    REMOTE_ADDR=f"198.51.100.{i}")
    response = client.post("/compte/inscription/", {"name": "X", "email": "lea@example.org",
                                                    "password": "Azerty-2026!x"}, REMOTE_ADDR="198.51.100.9")
    assert _is_429(response, 3600)


def _start(client, badge_class, email, **extra):
    return client.post(reverse("partner:request", kwargs={"public_id": badge_class.public_id}),
                       {"name": "Léa", "email": email}, **extra)


def test_anonymous_application_starts_to_one_address_are_limited(client, requestable):
    for i in range(5):
        _start(client, requestable, "lea@example.org", REMOTE_ADDR=f"198.51.100.{i}")
    assert _is_429(_start(client, requestable, "lea@example.org", REMOTE_ADDR="198.51.100.9"), 3600)
    assert OutgoingEmail.objects.filter(to="lea@example.org").count() == 5


def test_one_client_cannot_start_applications_for_many_addresses(client, requestable):
    for i in range(20):
        _start(client, requestable, f"p{i}@example.org")
    assert _is_429(_start(client, requestable, "p20@example.org"), 3600)
    assert Application.objects.count() == 20
    assert _start(client, requestable, "p21@example.org", REMOTE_ADDR="203.0.113.4").status_code == 302


def test_claim_links_cannot_be_tried_in_bulk(client, db):
    for i in range(60):
        assert client.get(reverse("badges:claim", kwargs={"token": f"guess-{i}"})).status_code == 404
    assert _is_429(client.get(reverse("badges:claim", kwargs={"token": "guess-60"})), 600)


def test_adding_addresses_to_an_account_is_limited(client, beneficiary):
    client.force_login(beneficiary)
    for i in range(10):
        client.post(reverse("accounts:emails"), {"email": f"other{i}@example.org"})
    assert _is_429(client.post(reverse("accounts:emails"), {"email": "other10@example.org"}), 3600)


def test_the_api_is_limited_per_account_with_a_json_429(client, monkeypatch, owner, badge_class):
    monkeypatch.setattr(throttle, "API_PER_ACCOUNT", throttle.Rule("api-user", 3, 3600))
    auth = "Basic " + base64.b64encode(b"owner:correct-horse-battery").decode()
    url = reverse("api:assertion_issue")
    statuses = [client.post(url, {"badge_class": str(badge_class.public_id), "recipient_email": f"p{i}@example.org",
                                  "idempotency_key": f"k{i}"}, HTTP_AUTHORIZATION=auth).status_code
                for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = client.post(url, {}, HTTP_AUTHORIZATION=auth)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    # Another account of the same client is not held back.
    other = UserFactory(username="lms")
    other_auth = "Basic " + base64.b64encode(b"lms:correct-horse-battery").decode()
    assert client.post(url, {}, HTTP_AUTHORIZATION=other_auth).status_code == 400
    assert other.pk
