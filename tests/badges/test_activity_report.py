import pytest

from badges.models import Assertion
from badges.services import assertion_issue
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(issuer, owner, badge_class):
    other = BadgeClassFactory(issuer=issuer, name="Je sais envoyer un e-mail")
    for email in ("a@example.org", "b@example.org"):
        assertion_issue(badge_class=badge_class, recipient_email=email, issued_by=owner)
    assertion_issue(badge_class=other, recipient_email="a@example.org", issued_by=owner)
    Assertion.objects.filter(recipient_email="a@example.org").update(visibility="public")


def url(issuer):
    return f"/badges/bilans/{issuer.public_id}/"


def test_the_issuer_owner_reads_the_figures_funders_ask_for(client, issuer, owner, activity):
    client.force_login(owner)
    page = client.get(url(issuer)).content.decode()
    assert "<strong>3</strong> badges délivrés" in page
    assert "<strong>2</strong> bénéficiaires" in page
    assert "<strong>2</strong> rendus publics" in page
    assert "Je sais utiliser un ordinateur</td><td>2</td><td>2</td>" in page


def test_the_report_downloads_as_a_csv_that_opens_in_a_spreadsheet(client, issuer, owner, activity):
    client.force_login(owner)
    response = client.get(url(issuer), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Badge;Badges délivrés;Bénéficiaires"
    assert "Je sais utiliser un ordinateur;2;2" in lines
    assert lines[-1] == "Total;3;2"


def test_a_period_without_badges_says_so(client, issuer, owner, activity):
    client.force_login(owner)
    page = client.get(url(issuer), {"du": "2020-01-01", "au": "2020-12-31"}).content.decode()
    assert "Aucun badge délivré sur cette période." in page


def test_network_admins_read_every_issuers_report(admin_client, issuer, activity):
    page = admin_client.get(url(issuer)).content.decode()
    assert "<strong>3</strong> badges délivrés" in page and "<strong>2</strong> bénéficiaires" in page


def test_mediators_and_outsiders_cannot_read_the_report(client, issuer, mediator, outsider, activity):
    for user in (mediator, outsider):
        client.force_login(user)
        assert client.get(url(issuer)).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client, issuer):
    assert client.get(url(issuer))["Location"].startswith("/compte/connexion/")
