"""Service Consumer (Write), between two badgehub servers of ours: from the owner's badge page
the beneficiary gives the other host's address; we read its discovery, register, send them
through its authorization page (PKCE), exchange the code at our callback and upsert the badge."""

import html
import re

import pytest
import requests

from badges.issuing import assertion_finalise
from badges.models import RemotePlatform
from badges.services import assertion_issue
from tests.interop.conftest import ForeignWeb
from tests.ob3api.peer import PeerSite
from tests.ob3api.wallet import PASSWORD, hidden_fields, log_in

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "sam@example.org"


@pytest.fixture
def here(live_server, settings) -> str:
    settings.SITE_URL = live_server.url  # localhost: the peer is on 127.0.0.1, cookies stay apart
    settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE = True  # the other platform is on this machine
    return live_server.url


@pytest.fixture
def peer(tmp_path):
    site = PeerSite(tmp_path).start(username="sam-ailleurs", password=PASSWORD, email=EMAIL)
    yield site
    site.stop()


@pytest.fixture
def held(here, badge_class, owner, beneficiary):
    issued = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def _send(browser: requests.Session, here: str, held, address: str) -> requests.Response:
    """From the badge page, through "Ajouter à mon portefeuille", to the other platform's authorization page."""
    badge_page = browser.get(f"{here}/passeport/badges/{held.public_id}/").text
    screen_url = here + re.search(r'href="(/passeport/badges/[^"]+/portefeuille/)"', badge_page).group(1)
    screen = browser.get(screen_url).text
    send_url = here + re.search(r'href="(/passeport/badges/[^"]+/envoyer/)"', screen).group(1)
    form = browser.get(send_url)
    assert "Envoyer ce badge vers une autre plateforme" in form.text
    answer = browser.post(send_url, data={**hidden_fields(form.text), "address": address})
    return answer


def _continue(page: str) -> str:
    """The link the person follows to the other platform."""
    return html.unescape(re.search(r'href="([^"]+)" id="continue-to-platform"', page).group(1))


def test_a_beneficiary_sends_a_badge_to_another_badgehub_and_it_is_there(here, peer, held, beneficiary):
    assert beneficiary.email == EMAIL
    browser = requests.Session()
    log_in(browser, here, beneficiary.username)
    answer = _send(browser, here, held, peer.url)
    assert answer.status_code == 200, answer.text[:3000]
    assert "Vous allez quitter badgehub" in answer.text
    authorization_url = _continue(answer.text)
    assert authorization_url.startswith(peer.url + "/ims/ob/v3p0/oauth/authorize?")
    assert "code_challenge_method=S256" in authorization_url

    # On the other platform: sign in (its own account for the same address), read, allow.
    log_in(browser, peer.url, "sam-ailleurs")
    consent = browser.get(authorization_url)
    assert "« badgehub » demande l'accès à votre passeport" in consent.text
    assert "Ajouter des badges à votre passeport" in consent.text
    assert "Voir tous vos badges" not in consent.text  # we asked for upsert only
    allowed = browser.post(consent.url, data={**hidden_fields(consent.text, "authorizationForm"), "allow": "1"},
                           allow_redirects=False)
    assert allowed.status_code == 302 and allowed.headers["Location"].startswith(here + "/passeport/plateformes/")

    result = browser.get(allowed.headers["Location"])
    assert result.status_code == 200, result.text[:3000]
    assert f"Votre badge « {held.badge_class.name} » a été ajouté sur « badgehub »" in result.text
    # There, in the other wallet, verified:
    assert held.badge_class.name in browser.get(peer.url + "/passeport/").text

    # Sending it again reuses the registration and says the badge was already there.
    again = _send(browser, here, held, peer.url + "/ims/ob/v3p0/discovery")
    consent = browser.get(_continue(again.text))
    allowed = browser.post(consent.url, data={**hidden_fields(consent.text, "authorizationForm"), "allow": "1"},
                           allow_redirects=False)
    result = browser.get(allowed.headers["Location"])
    assert "avait déjà votre badge" in result.text
    assert RemotePlatform.objects.count() == 1

    # Refusing there sends nothing, and the page says so.
    refused_start = _send(browser, here, held, peer.url)
    consent = browser.get(_continue(refused_start.text))
    refused = browser.post(consent.url, data=hidden_fields(consent.text, "authorizationForm"), allow_redirects=False)
    result = browser.get(refused.headers["Location"])
    assert result.status_code == 400 and "Vous avez refusé l'accès" in html.unescape(result.text)

    # The callback works once, for the person who started it.
    replay = browser.get(allowed.headers["Location"])
    assert replay.status_code == 400 and "n'est pas valable" in html.unescape(replay.text)


def test_an_address_that_is_not_an_ob3_platform_is_explained(here, held, beneficiary):
    elsewhere = ForeignWeb()  # a web server with no OB 3.0 API
    try:
        browser = requests.Session()
        log_in(browser, here, beneficiary.username)
        answer = _send(browser, here, held, elsewhere.url)
    finally:
        elsewhere.close()
    assert answer.status_code == 400
    assert "n'est pas celle d'une plateforme Open Badges 3.0" in html.unescape(answer.text)
    assert not RemotePlatform.objects.exists()


def test_our_own_address_is_refused(here, held, beneficiary):
    browser = requests.Session()
    log_in(browser, here, beneficiary.username)
    answer = _send(browser, here, held, here)
    assert answer.status_code == 400 and "votre badge y est déjà" in answer.text
