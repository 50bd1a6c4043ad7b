
import pytest
from django.urls import reverse

from badges.models import EmailAddress
from tests.factories import AssertionFactory, UserFactory


@pytest.fixture
def award(badge_class):
    return AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org", recipient_name="Léa")


def claim_url(assertion) -> str:
    return reverse("badges:claim", kwargs={"token": assertion.claim_token})


@pytest.mark.django_db
def test_the_claim_page_shows_the_badge_and_one_clear_button(client, award):
    response = client.get(claim_url(award))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Je sais utiliser un ordinateur" in page
    assert "Ajouter à mon passeport" in page
    assert "lea@example.org" in page


@pytest.mark.django_db
def test_a_newcomer_creates_an_account_and_claims_in_one_step(client, award):
    response = client.post(claim_url(award), {"action": "signup", "name": "Léa Martin",
                                              "password": "un-long-mot-de-passe"})
    assert response.status_code == 302
    assert response.url == reverse("wallet:badge", kwargs={"public_id": award.public_id})
    award.refresh_from_db()
    assert award.claimed_at is not None and award.recipient_user.first_name == "Léa Martin"
    address = EmailAddress.objects.get(email="lea@example.org")
    assert address.verified_at is not None, "the claim link proves the address"
    assert client.get(reverse("wallet:home")).status_code == 200, "signed in"


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_claimed(client, award):
    response = client.post(claim_url(award), {"action": "signup", "name": "Léa", "password": "123"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    award.refresh_from_db()
    assert award.claimed_at is None and not EmailAddress.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_person_adds_the_badge_and_the_address_is_verified_for_them(client, beneficiary, award):
    client.force_login(beneficiary)
    response = client.post(claim_url(award), {"action": "claim"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.recipient_user == beneficiary and award.claimed_at
    assert beneficiary.email_addresses.filter(email="lea@example.org", verified_at__isnull=False).exists()


@pytest.mark.django_db
def test_someone_with_an_account_for_that_address_is_asked_to_sign_in(client, badge_class):
    UserFactory(username="lea", email="lea@example.org")
    award = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    page = client.get(claim_url(award)).content.decode()
    assert "Me connecter avec mon mot de passe" in page
    assert "Recevoir un lien de connexion par e-mail" in page


@pytest.mark.django_db
def test_a_claim_link_works_once(client, beneficiary, outsider, award):
    client.force_login(beneficiary)
    client.post(claim_url(award), {"action": "claim"})
    assert client.get(claim_url(award)).status_code == 302, "the owner is sent to the badge"
    client.force_login(outsider)
    assert client.get(claim_url(award)).status_code == 410
    response = client.post(claim_url(award), {"action": "claim"})
    assert response.status_code == 410
    award.refresh_from_db()
    assert award.recipient_user == beneficiary


@pytest.mark.django_db
def test_an_address_of_another_account_cannot_be_claimed_by_someone_else(client, outsider, badge_class):
    owner_of_address = UserFactory(username="lea", email="lea@example.org")
    award = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    client.force_login(outsider)
    response = client.post(claim_url(award), {"action": "claim"})
    assert response.status_code == 400
    award.refresh_from_db()
    assert award.claimed_at is None
    assert EmailAddress.objects.get(email="lea@example.org").user == owner_of_address


@pytest.mark.django_db
def test_a_badge_can_be_declined(client, award):
    response = client.post(claim_url(award), {"action": "decline"})
    assert response.status_code == 200 and "Badge refusé" in response.content.decode()
    award.refresh_from_db()
    assert award.declined_at is not None and award.claimed_at is None
    assert client.get(claim_url(award)).status_code == 410


@pytest.mark.django_db
def test_an_unknown_claim_token_is_404(client):
    assert client.get(reverse("badges:claim", kwargs={"token": "nope"})).status_code == 404


# Racing claims and declines: tests/badges/test_claim_races.py
