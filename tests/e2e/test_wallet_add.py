"""A beneficiary adds a badge to a wallet from a phone (360 px): the screen with the three
ways, the LCW QR code and deep link, the OpenID4VCI QR code with its transaction code;
nothing wider than the phone, no CSP violation (autouse fixture)."""

import re

import pytest
from playwright.sync_api import expect

from badges.wallets.models import WalletOffer
from tests.e2e.test_wallet_journey import audit
from tests.factories import AssertionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held(badge_class, beneficiary):
    return AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_user=beneficiary)


def test_a_beneficiary_opens_the_add_to_wallet_screen_on_a_phone(phone, held):
    phone.goto("/compte/connexion/")
    phone.get_by_label("Adresse e-mail ou identifiant").fill("sam@example.org")
    phone.get_by_label("Mot de passe").fill("correct-horse-battery")
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url("**/passeport/")
    phone.goto(f"/passeport/badges/{held.public_id}/")
    phone.get_by_role("link", name="Ajouter à mon portefeuille").click()

    expect(phone.locator("h1")).to_have_text("Ajouter à un portefeuille")
    for way in ("Learner Credential Wallet", "Autre portefeuille (OpenID4VCI)", "Envoyer à une plateforme"):
        expect(phone.get_by_role("heading", name=way)).to_be_visible()
    audit(phone)

    phone.get_by_role("button", name="Afficher le QR code Learner Credential Wallet").click()
    opener = phone.get_by_role("link", name="Ouvrir dans mon portefeuille")
    expect(opener).to_have_attribute("href", re.compile(r"^https://lcw\.app/request\?request="))
    expect(phone.locator(".wallet-qr svg")).to_be_visible()
    audit(phone)

    phone.get_by_role("button", name="Afficher le QR code OpenID4VCI").click()
    expect(phone.get_by_role("link", name="Ouvrir dans mon portefeuille")).to_have_attribute(
        "href", re.compile(r"^openid-credential-offer://\?credential_offer="))
    expect(phone.get_by_test_id("tx-code")).to_have_text(re.compile(r"^\d{6}$"))
    audit(phone)
    assert set(WalletOffer.objects.values_list("protocol", flat=True)) == {"lcw", "oid4vci"}
