import pytest
from django.urls import reverse

from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db


def claim_url(assertion) -> str:
    return reverse("badges:claim", kwargs={"token": assertion.claim_token})


def test_a_claim_link_of_a_badge_already_in_the_wallet_opens_the_badge(client, beneficiary, badge_class):
    # Sent to an address the person verified: the wallet shows it already.
    award = AssertionFactory(badge_class=badge_class, recipient_email=beneficiary.email)
    client.force_login(beneficiary)
    response = client.get(claim_url(award))
    assert response.status_code == 302
    assert response.url == reverse("wallet:badge", kwargs={"public_id": award.public_id})
    page = client.get(response.url).content.decode()
    assert "Ajouter à mon passeport" not in page and "Rendre public" in page


def test_someone_else_signed_in_still_gets_the_claim_page(client, outsider, badge_class):
    award = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    client.force_login(outsider)
    response = client.get(claim_url(award))
    assert response.status_code == 200
    assert "Ajouter à mon passeport" in response.content.decode()
