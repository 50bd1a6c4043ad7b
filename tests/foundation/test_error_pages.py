import pytest
from django.core.management import call_command

from badges.models import Assertion

pytestmark = pytest.mark.django_db


def test_an_unknown_address_answers_a_french_page_not_found(client):
    response = client.get("/badges/assertions/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Cette page n'existe pas ou n'est pas visible pour vous" in page
    assert "Revenir à l'accueil" in page


def test_the_page_not_found_is_in_english_for_english_readers(client):
    response = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This page does not exist or is not visible to you" in response.content.decode()


def test_staff_pages_of_another_structure_answer_the_french_page_not_found(client, django_user_model):
    from issuers.models import Issuer

    call_command("loaddemo")
    issuer = Issuer.objects.get(name__startswith="Réseau OpenJob")
    client.force_login(django_user_model.objects.get(username="beneficiaire"))
    response = client.get(f"/partenaire/structures/{issuer.public_id}/badges-delivres/")
    assert response.status_code == 404
    assert "Cette page n'existe pas ou n'est pas visible pour vous" in response.content.decode()


def test_an_access_refused_is_explained_in_french(rf, django_user_model):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/partenaire/")
    request.user = django_user_model.objects.create_user("quelquun")
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Vous n'avez pas accès à cette page" in page
    assert "Forbidden" not in page


def test_the_favicon_is_served_on_every_site_address(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_counts_follow_the_french_plural_rule(client):
    assert not Assertion.objects.exists()
    page = client.get("/").content.decode()
    assert "0</strong> bénéficiaire<" in page
    assert "bénéficiaires" not in page.split("<ul", 1)[1].split("</ul>", 1)[0]
