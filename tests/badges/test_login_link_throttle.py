import pytest
from django.core import mail

from badges.models import OutgoingEmail

pytestmark = pytest.mark.django_db

URL = "/compte/lien/"


def test_sign_in_links_to_one_address_are_limited_without_telling_the_requester(client, beneficiary):
    for _ in range(8):
        page = client.post(URL, {"email": beneficiary.email}).content.decode()
    assert OutgoingEmail.objects.filter(to=beneficiary.email).count() == 5
    assert beneficiary.email in page  # the same "link sent" answer as before


def test_one_client_cannot_send_links_to_many_addresses(client, db):
    for i in range(35):
        client.post(URL, {"email": f"person{i}@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert OutgoingEmail.objects.count() == 30


def test_another_address_is_not_affected_by_a_throttled_one(client, beneficiary, endorser_user):
    for _ in range(6):
        client.post(URL, {"email": beneficiary.email})
    client.post(URL, {"email": endorser_user.email})
    assert OutgoingEmail.objects.filter(to=endorser_user.email).count() == 1
    assert not mail.outbox  # sending happens in the worker, after commit
