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
    assert "<strong>66,7 %</strong> rendus publics" in page
    assert ('<td>Je sais utiliser un ordinateur</td><td>Réseau OpenJob — Haute-Saône numérique</td>'
            '<td class="num">2</td><td class="num">2</td>') in page


def test_the_report_downloads_as_a_csv_that_opens_in_a_spreadsheet(client, issuer, owner, activity):
    client.force_login(owner)
    response = client.get(url(issuer), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Bilan d'activité;Réseau OpenJob — Haute-Saône numérique"
    by_badge = lines.index("Par badge")
    assert lines[by_badge + 1] == "Badge;Structure;Badges délivrés;Bénéficiaires"
    assert "Je sais utiliser un ordinateur;Réseau OpenJob — Haute-Saône numérique;2;2" in lines
    assert "Badges délivrés;3" in lines and "Bénéficiaires (personnes distinctes);2" in lines


def test_a_period_without_badges_says_so(client, issuer, owner, activity):
    client.force_login(owner)
    page = client.get(url(issuer), {"du": "2020-01-01", "au": "2020-12-31"}).content.decode()
    assert "Aucun badge délivré sur cette période." in page


def test_the_platform_superuser_reads_every_issuers_report(admin_client, issuer, activity):
    assert admin_client.get(url(issuer)).status_code == 200


def test_a_mediator_of_another_issuer_is_refused_in_french(client, issuer, outsider, activity):
    client.force_login(outsider)
    response = client.get(url(issuer))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client, issuer):
    assert client.get(url(issuer))["Location"].startswith("/compte/connexion/")
