"""Where people land after signing in with a password and no ``next``."""

import pytest
from django.urls import reverse

LOGIN = reverse("accounts:login")


def sign_in(client, username: str, **extra):
    return client.post(LOGIN + extra.pop("query", ""), {"username": username, "password": "correct-horse-battery"},
                       follow=True)


@pytest.mark.django_db
def test_a_beneficiary_lands_in_their_wallet(client, beneficiary):
    response = sign_in(client, "sam@example.org")
    assert response.redirect_chain == [(reverse("accounts:after_login"), 302), (reverse("wallet:home"), 302)]
    assert "Mon passeport" in response.content.decode()


@pytest.mark.django_db
def test_a_mediator_lands_in_the_partner_space(client, mediator):
    response = sign_in(client, "mediator")
    assert response.redirect_chain[-1] == (reverse("partner:home"), 302)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_member_of_another_issuer_also_lands_in_the_partner_space(client, outsider):
    assert sign_in(client, "outsider").redirect_chain[-1] == (reverse("partner:home"), 302)


@pytest.mark.django_db
def test_a_next_address_still_wins(client, mediator):
    response = sign_in(client, "mediator", query="?next=" + reverse("wallet:import"))
    assert response.redirect_chain == [(reverse("wallet:import"), 302)]


@pytest.mark.django_db
def test_someone_signed_out_is_sent_to_the_sign_in_page(client):
    response = client.get(reverse("accounts:after_login"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
