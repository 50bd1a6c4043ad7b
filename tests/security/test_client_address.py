"""Which address the abuse limits count by: REMOTE_ADDR unless proxies of ours are declared,
and then only the X-Forwarded-For entry our outermost proxy wrote."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from badges.models import OutgoingEmail
from badges.throttle import client_ip


def _request(forwarded: str | None = None, remote: str = "10.0.0.5"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_by_default_a_forwarded_for_header_is_ignored(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_ip(_request("1.2.3.4")) == "10.0.0.5"


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; our proxy appended the address it saw.
    assert client_ip(_request("1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_entry_of_the_outer_one_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.2.3.4, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_a_missing_or_malformed_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == "10.0.0.5"
    assert client_ip(_request("1.2.3.4, not-an-address")) == "10.0.0.5"


def test_django_axes_counts_by_the_same_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(_request("1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 0
    assert get_client_ip_address(_request("1.2.3.4, 203.0.113.7")) == "10.0.0.5"


@pytest.mark.django_db
def test_behind_our_proxy_clients_are_told_apart_and_cannot_forge_their_way_out(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(35):
        client.post("/compte/lien/", {"email": f"person{i}@example.org"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7")
    assert OutgoingEmail.objects.count() == 30
    response = client.post("/compte/lien/", {"email": "lea@example.org"}, REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert response.status_code == 200
