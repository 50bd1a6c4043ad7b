"""The owner's badge page on a phone, and what a visitor of a public badge can take away."""

import pytest
from django.urls import reverse

from badges import documents
from badges.issuing import assertion_finalise
from badges.models import Assertion

pytestmark = pytest.mark.django_db


def position(page: str, text: str) -> int:
    assert text in page, text
    return page.index(text)


def test_the_owner_page_puts_visibility_then_sharing_then_files_then_details(client, beneficiary, held):
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:badge", kwargs={"public_id": held.public_id})).content.decode()
    main = page.split('<main id="main">', 1)[1]
    assert (position(main, "<h1>") < position(main, "Rendre public") < position(main, "Copier le lien")
            < position(main, "Télécharger") < position(main, "Critères d'obtention"))
    assert main.count("<h1>") == 1


def test_a_visitor_of_a_public_badge_can_download_it_and_verify_it(client, held):
    assertion_finalise(assertion=held)
    Assertion.objects.filter(pk=held.pk).update(visibility=Assertion.Visibility.PUBLIC)
    page = client.get(reverse("badges:assertion_detail", kwargs={"public_id": held.public_id})).content.decode()
    png = reverse("badges:assertion_download", kwargs={"public_id": held.public_id, "fmt": "png"})
    assert png in page
    assert reverse("badges:assertion_download", kwargs={"public_id": held.public_id, "fmt": "ob3"}) in page
    assert "Vérifier ce badge" in page
    from urllib.parse import quote

    assert f"/badges/verifier/?url={quote(documents.assertion_url(held), safe='/')}" in page
    response = client.get(png)
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


def test_a_revoked_public_badge_offers_no_files_to_take_away(client, held):
    assertion_finalise(assertion=held)
    Assertion.objects.filter(pk=held.pk).update(visibility=Assertion.Visibility.PUBLIC, revoked=True,
                                                revocation_reason="Erreur de saisie")
    page = client.get(reverse("badges:assertion_detail", kwargs={"public_id": held.public_id})).content.decode()
    assert "Ce badge a été révoqué" in page
    assert "Vérifier ce badge" not in page


def test_the_verifier_opens_with_the_address_of_the_badge_to_verify(client, held):
    url = documents.assertion_url(held)
    page = client.get(reverse("badges:verify"), {"url": url}).content.decode()
    assert f"{url}</textarea>" in page
