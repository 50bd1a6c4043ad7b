import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from badges.models import EmailAddress, OutgoingEmail
from badges.tasks import send_email
from tests.factories import AssertionFactory, UserFactory


def sent_path(template: str, to: str) -> str:
    """Send the recorded e-mail like the worker would and return the link it contains."""
    email = OutgoingEmail.objects.filter(template=template, to=to).latest("created_at")
    send_email(email.pk)
    body = mail.outbox[-1].body
    return re.search(r"http://[^/\s]+(/\S+)", body).group(1)


@pytest.mark.django_db
def test_sign_up_creates_an_account_signs_in_and_sends_a_verification_link(client):
    response = client.post(reverse("accounts:signup"), {"name": "Sam Martin", "email": "Sam@Example.org",
                                                         "password": "un-long-mot-de-passe"})
    assert response.status_code == 302 and response.url == reverse("wallet:home")
    address = EmailAddress.objects.get(email="sam@example.org")
    assert address.verified_at is None and address.user.first_name == "Sam Martin"
    assert mail.outbox == [], "sent by a worker, not in the request"
    path = sent_path("verify_email", "sam@example.org")
    assert mail.outbox[-1].subject == "Vérifiez votre adresse e-mail"
    assert client.get(path).status_code == 200
    address.refresh_from_db()
    assert address.verified_at is not None


@pytest.mark.django_db
def test_verifying_an_address_brings_the_badges_sent_to_it(client, badge_class):
    client.post(reverse("accounts:signup"), {"name": "Sam", "email": "sam@example.org",
                                             "password": "un-long-mot-de-passe"})
    award = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    assert award.public_id.hex not in client.get(reverse("wallet:home")).content.decode().replace("-", "")
    client.get(sent_path("verify_email", "sam@example.org"))
    page = client.get(reverse("wallet:home")).content.decode()
    assert str(award.public_id) in page


@pytest.mark.django_db
def test_sign_up_with_an_address_that_has_an_account_is_refused(client, beneficiary):
    response = client.post(reverse("accounts:signup"), {"name": "X", "email": "sam@example.org",
                                                         "password": "un-long-mot-de-passe"})
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_a_password_and_an_email_address(client, beneficiary):
    response = client.post(reverse("accounts:login"), {"username": "sam@example.org",
                                                       "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(beneficiary.pk)
    client.logout()
    client.post(reverse("accounts:login"), {"username": "sam@example.org", "password": "wrong-horse"})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_email_link_signs_in_once(client, beneficiary):
    response = client.post(reverse("accounts:login_link_request"), {"email": "SAM@example.org"})
    assert "Regardez vos e-mails" in response.content.decode()
    path = sent_path("login_link", "sam@example.org")
    assert mail.outbox[-1].subject == "Votre lien de connexion à badgehub"
    page = client.get(path)
    assert page.status_code == 200 and "Me connecter" in page.content.decode(), "GET does not spend the link"
    response = client.post(path)
    assert response.status_code == 302 and response.url == reverse("wallet:home")
    assert client.get(reverse("wallet:home")).status_code == 200
    client.logout()
    assert client.post(path).status_code == 400, "a link works once"


@pytest.mark.django_db
def test_an_email_link_verifies_its_address(client):
    user = UserFactory(username="nour", email="nour@example.org")
    address = EmailAddress.objects.create(user=user, email="nour2@example.org")
    client.post(reverse("accounts:login_link_request"), {"email": "nour2@example.org"})
    client.post(sent_path("login_link", "nour2@example.org"))
    address.refresh_from_db()
    assert address.verified_at is not None


@pytest.mark.django_db
def test_an_email_link_keeps_a_local_next_page_only(client, beneficiary, badge_class):
    award = AssertionFactory(badge_class=badge_class, recipient_email="sam2@example.org")
    next_url = reverse("badges:claim", kwargs={"token": award.claim_token})
    client.post(reverse("accounts:login_link_request") + "?next=" + next_url, {"email": "sam@example.org"})
    path = sent_path("login_link", "sam@example.org")
    assert client.post(path).url == next_url
    client.post(reverse("accounts:login_link_request"), {"email": "sam@example.org",
                                                         "next": "https://evil.example.com/"})
    assert client.post(sent_path("login_link", "sam@example.org")).url == reverse("wallet:home")


@pytest.mark.django_db
def test_an_expired_email_link_is_refused(client, beneficiary):
    with mock.patch("django.core.signing.time.time", return_value=1_000_000_000):
        client.post(reverse("accounts:login_link_request"), {"email": "sam@example.org"})
    response = client.post(sent_path("login_link", "sam@example.org"))
    assert response.status_code == 400 and "plus valable" in response.content.decode()


def same_page(response, email: str) -> str:
    """The page without what always differs: the CSRF token and the address typed."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode()).replace(email, "@")


@pytest.mark.django_db
def test_asking_a_link_for_an_unknown_address_looks_the_same_and_suggests_creating_an_account(client, beneficiary):
    known = client.post(reverse("accounts:login_link_request"), {"email": "sam@example.org"})
    unknown = client.post(reverse("accounts:login_link_request"), {"email": "Nobody@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert same_page(unknown, "Nobody@example.org") == same_page(known, "sam@example.org")
    assert not OutgoingEmail.objects.filter(to="nobody@example.org", template="login_link").exists()
    path = sent_path("login_no_account", "nobody@example.org")
    assert mail.outbox[-1].subject == "Votre demande de connexion à badgehub"
    assert "aucun compte" in mail.outbox[-1].body and "Créer mon compte" in mail.outbox[-1].alternatives[0][0]
    assert path == reverse("accounts:signup")
    assert "Créer" in client.get(path).content.decode()


@pytest.mark.django_db
def test_the_create_an_account_email_keeps_the_next_page(client, badge_class):
    award = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    next_url = reverse("badges:claim", kwargs={"token": award.claim_token})
    client.post(reverse("accounts:login_link_request") + "?next=" + next_url, {"email": "lea@example.org"})
    assert sent_path("login_no_account", "lea@example.org") == reverse("accounts:signup") + "?next=" + \
        next_url.replace("/", "%2F")


@pytest.mark.django_db
def test_a_deactivated_account_gets_no_email(client):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    response = client.post(reverse("accounts:login_link_request"), {"email": "gone@example.org"})
    assert "Regardez vos e-mails" in response.content.decode()
    assert not OutgoingEmail.objects.filter(to="gone@example.org").exists()


@pytest.mark.django_db
def test_a_tampered_verification_link_is_refused(client):
    assert client.get(reverse("accounts:verify_email", kwargs={"token": "abc:def"})).status_code == 400


@pytest.mark.django_db
def test_adding_an_address_sends_it_a_verification_link(client, beneficiary):
    client.force_login(beneficiary)
    response = client.post(reverse("accounts:emails"), {"email": "sam.pro@example.org"})
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="sam.pro@example.org")
    assert address.user == beneficiary and address.verified_at is None
    client.get(sent_path("verify_email", "sam.pro@example.org"))
    address.refresh_from_db()
    assert address.verified_at is not None


@pytest.mark.django_db
def test_an_address_of_another_account_cannot_be_added(client, beneficiary, outsider):
    client.force_login(outsider)
    response = client.post(reverse("accounts:emails"), {"email": "sam@example.org"})
    assert "appartient déjà à un autre compte" in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_cannot_remove_or_resend_someone_elses_address(client, beneficiary, outsider):
    address = EmailAddress.objects.create(user=beneficiary, email="sam.pro@example.org")
    client.force_login(outsider)
    assert client.post(reverse("accounts:email_remove", kwargs={"pk": address.pk})).status_code == 404
    assert client.post(reverse("accounts:email_resend", kwargs={"pk": address.pk})).status_code == 404
    assert EmailAddress.objects.filter(pk=address.pk).exists()


@pytest.mark.django_db
def test_the_last_verified_address_cannot_be_removed(client, beneficiary):
    client.force_login(beneficiary)
    address = beneficiary.email_addresses.get()
    client.post(reverse("accounts:email_remove", kwargs={"pk": address.pk}))
    assert EmailAddress.objects.filter(pk=address.pk).exists()


@pytest.mark.django_db
def test_the_addresses_page_needs_an_account(client):
    response = client.get(reverse("accounts:emails"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
