"""Sending a badge to another platform: who may, where to, how often."""

import html

import pytest
from django.test import Client

from badges.issuing import assertion_finalise
from badges.models import RemotePlatform
from badges.ob3api.consumer import SendError, discovery_url_for
from badges.services import assertion_issue, assertion_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(badge_class, owner, beneficiary):
    return assertion_finalise(assertion=assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email,
                                                        recipient_name="Sam", issued_by=owner))


def _page(user, held, address: str | None = None):
    browser = Client()
    browser.force_login(user)
    url = f"/passeport/badges/{held.public_id}/envoyer/"
    return browser.post(url, {"address": address}) if address is not None else browser.get(url)


@pytest.mark.parametrize("address, expected", [
    ("passeport.exemple.fr", "https://passeport.exemple.fr/ims/ob/v3p0/discovery"),
    ("https://passeport.exemple.fr/ims/ob/v3p0", "https://passeport.exemple.fr/ims/ob/v3p0/discovery"),
    ("https://passeport.exemple.fr/ims/ob/v3p0/discovery", "https://passeport.exemple.fr/ims/ob/v3p0/discovery"),
    ("https://passeport.exemple.fr/mon/compte", "https://passeport.exemple.fr/ims/ob/v3p0/discovery"),
])
def test_the_address_people_give_leads_to_the_platforms_discovery(address, expected):
    assert discovery_url_for(address) == expected


def test_an_address_with_credentials_in_it_is_refused():
    with pytest.raises(SendError):
        discovery_url_for("https://moi:secret@passeport.exemple.fr")


def test_the_owners_badge_page_leads_to_sending_it(held, beneficiary):
    browser = Client()
    browser.force_login(beneficiary)
    page = browser.get(f"/passeport/badges/{held.public_id}/").content.decode()
    assert f"/passeport/badges/{held.public_id}/portefeuille/" in page
    screen = browser.get(f"/passeport/badges/{held.public_id}/portefeuille/").content.decode()
    assert f"/passeport/badges/{held.public_id}/envoyer/" in screen and "Envoyer à une plateforme" in screen


def test_nobody_else_sends_someone_elses_badge(held):
    assert _page(UserFactory(username="stranger"), held).status_code == 404
    assert _page(UserFactory(username="stranger2"), held, "https://passeport.exemple.fr").status_code == 404


def test_a_private_network_address_is_never_fetched(held, beneficiary, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    answer = _page(beneficiary, held, "http://127.0.0.1:9/")
    assert answer.status_code == 400
    assert "réseau privé refusée" in html.unescape(answer.content.decode())
    assert not RemotePlatform.objects.exists()


def test_sends_of_one_account_are_limited(held, beneficiary, settings):
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = False
    for _ in range(10):
        assert _page(beneficiary, held, "http://127.0.0.1:9/").status_code == 400
    answer = _page(beneficiary, held, "http://127.0.0.1:9/")
    assert answer.status_code == 429 and answer["Retry-After"]


def test_a_revoked_badge_is_not_sent(held, beneficiary, owner):
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    answer = _page(beneficiary, held, "https://passeport.exemple.fr")
    assert answer.status_code == 400
    assert "Ce badge a été révoqué" in html.unescape(answer.content.decode())


def test_a_callback_nobody_started_is_refused(beneficiary):
    browser = Client()
    browser.force_login(beneficiary)
    answer = browser.get("/passeport/plateformes/retour/", {"code": "x", "state": "y"})
    assert answer.status_code == 400 and "n'est pas valable" in html.unescape(answer.content.decode())
