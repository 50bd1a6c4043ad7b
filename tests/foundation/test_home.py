import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_badgehub_is_in_french(client):
    call_command("loaddemo")
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reconnaître les compétences de chacun avec des Open Badges" in page
    assert "Réseau OpenJob — Haute-Saône numérique" in page
    assert 'lang="fr"' in page


def test_the_home_page_is_available_in_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Recognise everyone's skills with Open Badges" in response.content.decode()


def test_the_public_pages_of_the_catalogue_answer(client):
    call_command("loaddemo")
    from badges.models import BadgeClass
    from pathways.models import Pathway

    badge = BadgeClass.objects.get(name="Je sais utiliser un ordinateur")
    page = client.get(badge.get_absolute_url()).content.decode()
    assert "Mission Locale de Vesoul" in page  # its endorsement
    assert "Pré-requis fondamentaux" in page  # its pathway
    pathway = Pathway.objects.get(name="Bureautique")
    assert "Je connais les bases de la bureautique" in client.get(pathway.get_absolute_url()).content.decode()
    assert client.get(badge.issuer.get_absolute_url()).status_code == 200


def test_the_admin_is_reachable(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert "password" in response.content.decode()


def test_the_health_check_reads_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_home_page_leads_each_kind_of_user_to_their_space(client):
    page = client.get("/").content.decode()
    for url in ("/passeport/", "/partenaire/", "/badges/verifier/", "/compte/connexion/"):
        assert f'href="{url}"' in page


def test_the_home_page_counts_people_once_a_minute_not_on_every_view(client):
    from django.core.cache import cache

    from badgehub.views import RECIPIENT_COUNT_KEY
    from badges.models import Assertion
    from tests.factories import AssertionFactory

    AssertionFactory(recipient_email="a@example.org")
    client.get("/")
    assert cache.get(RECIPIENT_COUNT_KEY) == 1
    AssertionFactory(recipient_email="b@example.org")
    page = client.get("/").content.decode()
    assert "<strong>1</strong> bénéficiaire" in page  # the cached figure
    cache.delete(RECIPIENT_COUNT_KEY)  # what the minute's expiry does
    assert "<strong>2</strong> bénéficiaires" in client.get("/").content.decode()
    assert Assertion.objects.count() == 2
