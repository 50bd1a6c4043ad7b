"""An imported badge is shared like one issued here: link, QR code, printable CV page, LinkedIn;
its public page shows whether it is still valid, checked again when that is cheap."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from badges.issuing import assertion_finalise
from badges.models import Assertion, ImportedBadge
from badges.services import assertion_revoke
from tests.factories import AssertionFactory, BadgeClassFactory, IssuerFactory


@pytest.fixture
def elsewhere(db):
    badge = BadgeClassFactory(issuer=IssuerFactory(name="Info Jeunes Vire"), name="Engagement citoyen")
    return assertion_finalise(assertion=AssertionFactory(badge_class=badge, recipient_email="sam@example.org"))


@pytest.fixture
def imported(client, beneficiary, elsewhere) -> ImportedBadge:
    client.force_login(beneficiary)
    with elsewhere.baked_png.open("rb") as handle:
        upload = SimpleUploadedFile("engagement.png", handle.read(), content_type="image/png")
    client.post(reverse("wallet:import"), {"file": upload})
    return ImportedBadge.objects.get(user=beneficiary)


def url(name: str, badge: ImportedBadge, **kwargs) -> str:
    return reverse(f"wallet:{name}", kwargs={"public_id": badge.public_id, **kwargs})


@pytest.mark.django_db
def test_the_owner_page_has_the_same_sharing_controls_as_an_issued_badge(client, imported, settings):
    page = client.get(url("imported", imported)).content.decode()
    for control in ("Copier le lien", "QR code (PNG)", "QR code (SVG)", "Page à imprimer pour mon CV",
                    "Ajouter à mon profil LinkedIn", "Partager sur LinkedIn"):
        assert control in page
    assert "<svg" in page and url("imported_qr", imported, fmt="png") in page
    assert url("imported_print", imported) in page
    assert "Rendez le badge public pour que le lien et le QR code marchent" in page


@pytest.mark.django_db
def test_linkedin_links_of_an_imported_badge_are_prefilled(client, imported, settings):
    response = client.get(url("imported", imported))
    public = settings.SITE_URL + url("imported", imported)
    query = parse_qs(urlparse(response.context["linkedin_add_url"]).query)
    assert query["name"] == ["Engagement citoyen"] and query["organizationName"] == ["Info Jeunes Vire"]
    assert query["issueYear"] == [str(imported.issued_on.year)]
    assert query["certUrl"] == [public] and query["certId"] == [imported.document_id]
    assert parse_qs(urlparse(response.context["linkedin_share_url"]).query)["url"] == [public]


@pytest.mark.django_db
def test_the_qr_code_of_an_imported_badge_points_to_its_public_page(client, imported):
    png = client.get(url("imported_qr", imported, fmt="png"))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(url("imported_qr", imported, fmt="svg") + "?telecharger=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert svg["Content-Disposition"] == 'attachment; filename="qr-engagement-citoyen.svg"'
    assert client.get(url("imported_qr", imported, fmt="gif")).status_code == 404


@pytest.mark.django_db
def test_the_printable_page_of_an_imported_badge_has_the_qr_code_and_the_link(client, imported, settings):
    page = client.get(url("imported_print", imported)).content.decode()
    assert "<svg" in page and settings.SITE_URL + url("imported", imported) in page
    assert "Engagement citoyen" in page and "Délivré par Info Jeunes Vire le" in page and "window.print()" in page
    assert "ce badge est privé" in page


@pytest.mark.django_db
@pytest.mark.parametrize("name,kwargs", [("imported_qr", {"fmt": "png"}), ("imported_print", {})])
def test_an_outsider_gets_404_on_the_sharing_pages_of_an_imported_badge(client, outsider, imported, name, kwargs):
    client.force_login(outsider)
    assert client.get(url(name, imported, **kwargs)).status_code == 404


@pytest.mark.django_db
def test_the_public_page_checks_the_badge_again_and_shows_a_revocation(client, imported, elsewhere):
    client.post(url("imported_visibility", imported), {"visibility": "public"})
    client.logout()
    page = client.get(url("imported", imported)).content.decode()
    assert "Ce badge est valide." in page and "Vérifié à l" in page
    assert "Copier le lien" not in page

    assertion_revoke(assertion=elsewhere, reason="Erreur de saisie")
    page = client.get(url("imported", imported)).content.decode()
    assert "Ce badge a été révoqué." in page
    imported.refresh_from_db()
    assert imported.verified_status == "revoked" and imported.status == "revoked"


@pytest.mark.django_db
def test_a_badge_hosted_on_another_server_shows_the_date_it_was_checked_without_fetching_it(client, beneficiary):
    badge = ImportedBadge.objects.create(
        user=beneficiary, recipient_email="sam@example.org", document_id="https://obf.example/a/1",
        badge_name="Premiers secours", issuer_name="Croix-Rouge", version="ob2", source=ImportedBadge.Source.JSON,
        original_document={"id": "https://obf.example/a/1", "type": "Assertion", "badge": "https://obf.example/b/1",
                           "recipient": {"type": "email", "hashed": False, "identity": "sam@example.org"},
                           "issuedOn": "2025-03-01T00:00:00Z", "verification": {"type": "hosted"}},
        verified_status="valid", visibility=Assertion.Visibility.PUBLIC,
    )
    page = client.get(url("imported", badge)).content.decode()
    # The page speaks the site's time zone (Paris): around midnight UTC the day differs.
    checked_day = timezone.localtime(badge.verified_at).day
    assert "Ce badge est valide." in page and f"Vérifié le {checked_day} " in page
    assert "Vérifié à l" not in page
    badge.refresh_from_db()
    assert badge.verified_status == "valid"
