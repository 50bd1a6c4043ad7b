"""Import a badge from another platform: verified by the engine's verifier, kept if it is the person's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.issuing import assertion_finalise
from badges.models import Assertion, ImportedBadge
from badges.services import assertion_revoke
from tests.factories import AssertionFactory, BadgeClassFactory, IssuerFactory


@pytest.fixture
def elsewhere(db):
    """A badge baked and signed by an issuer, for sam@example.org."""
    badge = BadgeClassFactory(issuer=IssuerFactory(name="Info Jeunes Vire"), name="Engagement citoyen")
    return assertion_finalise(assertion=AssertionFactory(badge_class=badge, recipient_email="sam@example.org"))


def baked_png(assertion) -> bytes:
    with assertion.baked_png.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_a_baked_png_of_mine_is_verified_and_added(client, beneficiary, elsewhere):
    client.force_login(beneficiary)
    upload = SimpleUploadedFile("engagement.png", baked_png(elsewhere), content_type="image/png")
    response = client.post(reverse("wallet:import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    badge = ImportedBadge.objects.get(user=beneficiary)
    assert badge.badge_name == "Engagement citoyen" and badge.issuer_name == "Info Jeunes Vire"
    assert badge.verified_status == "valid" and badge.source == "png" and badge.original_document
    assert badge.baked_file and badge.issued_on is not None
    page = client.get(reverse("wallet:home")).content.decode()
    assert "Badges d&#x27;autres plateformes" in page or "Badges d'autres plateformes" in page
    assert "Engagement citoyen" in page


@pytest.mark.django_db
def test_a_pasted_jwt_is_verified_and_added(client, beneficiary, elsewhere):
    client.force_login(beneficiary)
    client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    badge = ImportedBadge.objects.get(user=beneficiary)
    assert badge.version == "ob3" and badge.source == "token" and badge.original_token == elsewhere.ob3_jwt


@pytest.mark.django_db
def test_the_same_badge_is_imported_once(client, beneficiary, elsewhere):
    client.force_login(beneficiary)
    client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    response = client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    assert "déjà dans votre passeport" in response.content.decode()
    assert ImportedBadge.objects.count() == 1


@pytest.mark.django_db
def test_a_badge_of_someone_else_is_refused(client, outsider, elsewhere):
    client.force_login(outsider)
    response = client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    assert "pas été délivré à l&#x27;une de vos adresses" in response.content.decode() or \
        "pas été délivré à l'une de vos adresses" in response.content.decode()
    assert not ImportedBadge.objects.exists()


@pytest.mark.django_db
def test_a_revoked_badge_is_refused(client, beneficiary, elsewhere):
    assertion_revoke(assertion=elsewhere, reason="Erreur de saisie")
    client.force_login(beneficiary)
    response = client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    assert "révoqué" in response.content.decode()
    assert not ImportedBadge.objects.exists()


@pytest.mark.django_db
def test_something_that_is_not_a_badge_is_refused(client, beneficiary):
    client.force_login(beneficiary)
    response = client.post(reverse("wallet:import"), {"text": "{\"hello\": 1}"})
    assert "n&#x27;a pas pu être vérifié" in response.content.decode() or \
        "n'a pas pu être vérifié" in response.content.decode()
    response = client.post(reverse("wallet:import"), {})
    assert "Choisissez une image de badge" in response.content.decode()
    assert not ImportedBadge.objects.exists()


@pytest.mark.django_db
def test_an_imported_badge_is_private_until_made_public_and_only_its_owner_controls_it(
        client, beneficiary, outsider, elsewhere):
    client.force_login(beneficiary)
    client.post(reverse("wallet:import"), {"text": elsewhere.ob3_jwt})
    badge = ImportedBadge.objects.get()
    page_url = reverse("wallet:imported", kwargs={"public_id": badge.public_id})
    assert "Rendre public" in client.get(page_url).content.decode()
    client.force_login(outsider)
    assert client.get(page_url).status_code == 404
    for name in ("imported_visibility", "imported_delete"):
        response = client.post(reverse(f"wallet:{name}", kwargs={"public_id": badge.public_id}),
                                {"visibility": "public"})
        assert response.status_code == 404
    badge.refresh_from_db()
    assert badge.visibility == Assertion.Visibility.PRIVATE
    client.force_login(beneficiary)
    client.post(reverse("wallet:imported_visibility", kwargs={"public_id": badge.public_id}),
                {"visibility": "public"})
    client.logout()
    page = client.get(page_url).content.decode()
    assert "Engagement citoyen" in page and "Rendre public" not in page
    client.force_login(beneficiary)
    client.post(reverse("wallet:imported_delete", kwargs={"public_id": badge.public_id}))
    assert not ImportedBadge.objects.exists()
