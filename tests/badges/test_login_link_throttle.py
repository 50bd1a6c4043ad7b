import pytest
from django.core import mail

from badges.models import OutgoingEmail

pytestmark = pytest.mark.django_db

URL = "/compte/lien/"


def test_sign_in_links_to_one_address_are_limited_with_a_french_429(client, beneficiary):
    for _ in range(5):
        assert beneficiary.email in client.post(URL, {"email": beneficiary.email}).content.decode()
    response = client.post(URL, {"email": beneficiary.email})
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 900
    assert OutgoingEmail.objects.filter(to=beneficiary.email).count() == 5


def test_an_address_without_an_account_is_limited_the_same_way(client, db):
    """The limit says nothing about who has an account."""
    statuses = [client.post(URL, {"email": "nobody@example.org"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_one_client_cannot_send_links_to_many_addresses(client, db):
    for i in range(35):
        client.post(URL, {"email": f"person{i}@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert OutgoingEmail.objects.count() == 30
    # Another client is not held back by that one.
    assert client.post(URL, {"email": "lea@example.org"}, REMOTE_ADDR="203.0.113.10").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_client_limit(client, db):
    for i in range(35):
        client.post(URL, {"email": f"person{i}@example.org"}, REMOTE_ADDR="203.0.113.9",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert OutgoingEmail.objects.count() == 30


def test_another_address_is_not_affected_by_a_throttled_one(client, beneficiary, endorser_user):
    for _ in range(6):
        client.post(URL, {"email": beneficiary.email})
    client.post(URL, {"email": endorser_user.email})
    assert OutgoingEmail.objects.filter(to=endorser_user.email).count() == 1
    assert not mail.outbox  # sending happens in the worker, after commit
