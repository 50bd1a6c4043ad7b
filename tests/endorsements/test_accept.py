from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from badges.models import EmailAddress
from endorsements import services
from endorsements.models import Endorsement, Endorser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(invitation) -> str:
    return reverse("endorsements:invitation", kwargs={"token": invitation.token})


def publish(client, invitation, **data):
    return client.post(url(invitation), {"action": "publish", "endorser": "new", "name": "Région BFC",
                                         "statement": "Nous apprécions ce badge.", **data})


def test_the_link_shows_what_is_to_be_endorsed_and_offers_to_create_an_account(client, invitation):
    page = client.get(url(invitation)).content.decode()
    assert "Je sais utiliser un ordinateur" in page
    assert "Votre avis compte pour nous." in page
    assert "contact@region.example" in page and "Créer mon compte" in page


def test_an_unknown_token_is_404(client, invitation):
    assert client.get(reverse("endorsements:invitation", kwargs={"token": "not-a-token"})).status_code == 404


def test_a_newcomer_creates_an_account_with_the_invited_address_already_verified(client, invitation):
    response = client.post(url(invitation), {"action": "signup", "name": "Inès Roy",
                                             "password": "un-long-mot-de-passe"})
    assert response.status_code == 302 and response.url == url(invitation)
    address = EmailAddress.objects.get(email="contact@region.example")
    assert address.verified_at is not None, "the invitation link proves the address"
    assert "Publier la recommandation" in client.get(url(invitation)).content.decode()


def test_someone_with_an_account_for_that_address_is_asked_to_sign_in_and_comes_back(client, invitation):
    UserFactory(username="ines", email="contact@region.example")
    page = client.get(url(invitation)).content.decode()
    assert f"{reverse('accounts:login')}?next={url(invitation)}" in page
    response = client.post(reverse("accounts:login"), {"username": "contact@region.example",
                                                       "password": "correct-horse-battery", "next": url(invitation)})
    assert response.status_code == 302 and response.url == url(invitation)
    assert "Publier la recommandation" in client.get(url(invitation)).content.decode()


def test_an_expired_link_says_so_and_publishes_nothing(client, endorser_user, invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = client.get(url(invitation))
    assert response.status_code == 410 and "Cette invitation a expiré" in response.content.decode()
    client.force_login(endorser_user)
    assert publish(client, invitation).status_code == 410
    assert not Endorsement.objects.exists()


def test_a_used_link_says_so_to_anyone_outside_the_organisation(client, endorser_user, endorser, outsider,
                                                                invitation):
    services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Oui.")
    client.force_login(outsider)
    response = client.get(url(invitation))
    assert response.status_code == 410 and "déjà été utilisée" in response.content.decode()
    assert publish(client, invitation).status_code == 410
    assert Endorsement.objects.count() == 1
    client.force_login(endorser_user)
    assert client.get(url(invitation)).url == endorser.get_absolute_url(), "members are sent to their page"


def test_accepting_twice_returns_the_same_endorsement(endorser_user, endorser, invitation):
    first = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                        statement="Oui.")
    second = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                         statement="Encore oui.")
    assert first == second and Endorsement.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.endorser == endorser


def test_the_invited_address_joins_the_organisation_that_uses_it(client, beneficiary, invitation):
    region = Endorser.objects.create(name="Région", email="contact@region.example")
    client.force_login(beneficiary)
    response = publish(client, invitation, endorser=str(region.pk))
    assert response.status_code == 302
    assert region.members.filter(pk=beneficiary.pk).exists()
    assert Endorsement.objects.get().endorser == region


def test_one_cannot_endorse_in_the_name_of_an_organisation_one_does_not_belong_to(client, beneficiary,
                                                                                invitation):
    elsewhere = Endorser.objects.create(name="Ailleurs", email="ailleurs@example.org")
    client.force_login(beneficiary)
    response = publish(client, invitation, endorser=str(elsewhere.pk))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with pytest.raises(ValidationError):
        services.endorsement_accept(invitation=invitation, user=beneficiary, endorser=elsewhere, statement="x")
    assert not Endorsement.objects.exists()


def test_a_statement_is_required(client, beneficiary, invitation):
    client.force_login(beneficiary)
    response = publish(client, invitation, statement="")
    assert response.status_code == 200 and not Endorsement.objects.exists() and not Endorser.objects.exists()
