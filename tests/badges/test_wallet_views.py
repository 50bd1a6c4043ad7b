import io
import json
import zipfile
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from badges.models import Assertion, EmailAddress, Evidence, WalletProfile
from pathways.models import Pathway, PathwayStep
from tests.factories import AssertionFactory, BadgeClassFactory


@pytest.fixture
def held(badge_class, beneficiary):
    return AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                            recipient_user=beneficiary, narrative="A rangé ses fichiers seul.")


def url(name, assertion, **kwargs):
    return reverse(f"wallet:{name}", kwargs={"public_id": assertion.public_id, **kwargs})


@pytest.mark.django_db
def test_the_wallet_shows_badges_sent_to_every_verified_address(client, beneficiary, issuer):
    EmailAddress.objects.create(user=beneficiary, email="sam.pro@example.org", verified_at=timezone.now())
    EmailAddress.objects.create(user=beneficiary, email="sam.old@example.org")  # not verified
    first = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer, name="Badge A"),
                             recipient_email="sam@example.org")
    second = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer, name="Badge B"),
                              recipient_email="sam.pro@example.org")
    hidden = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer, name="Badge C"),
                              recipient_email="sam.old@example.org")
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:home")).content.decode()
    assert "Badge A" in page and "Badge B" in page and "Badge C" not in page
    assert issuer.name in page
    assert str(first.public_id) in page and str(second.public_id) in page and str(hidden.public_id) not in page
    assert "Vérifiez l'adresse sam.old@example.org" in page


@pytest.mark.django_db
def test_the_wallet_marks_expired_and_revoked_badges(client, beneficiary, issuer):
    AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam@example.org", revoked=True)
    AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam@example.org",
                     expires_on=timezone.now() - timedelta(days=1))
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:home")).content.decode()
    assert "Révoqué" in page and "Expiré" in page


@pytest.mark.django_db
def test_the_wallet_hides_declined_badges_and_other_peoples_badges(client, beneficiary, outsider, badge_class):
    AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", declined_at=timezone.now())
    mine = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    client.force_login(outsider)
    assert str(mine.public_id) not in client.get(reverse("wallet:home")).content.decode()
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:home")).content.decode()
    assert page.count("/passeport/badges/") == 1


@pytest.mark.django_db
def test_the_wallet_needs_an_account(client):
    response = client.get(reverse("wallet:home"))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


@pytest.mark.django_db
def test_the_wallet_shows_progress_in_each_pathway(client, beneficiary, issuer):
    steps = [BadgeClassFactory(issuer=issuer, name=name) for name in ("Ordinateur", "Smartphone", "Fichiers")]
    key = BadgeClassFactory(issuer=issuer, name="Fondamentaux", automatic=True)
    pathway = Pathway.objects.create(issuer=issuer, name="Pré-requis fondamentaux", key_badge=key)
    for order, badge in enumerate(steps):
        PathwayStep.objects.create(pathway=pathway, badge_class=badge, order=order,
                                   min_delay_days=60 if order == 2 else 0)
    AssertionFactory(badge_class=steps[0], recipient_email="sam@example.org")
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:home")).content.decode()
    assert "Pré-requis fondamentaux" in page
    assert "1 étape(s) sur 3" in page
    assert page.count("step-held") == 1
    assert page.count("step step-available") == 1, "no delay: can be obtained now"
    assert page.count("step step-locked") == 2, "a time-based step and the key badge"


@pytest.mark.django_db
def test_the_owner_sees_everything_a_recruiter_sees_and_the_controls(client, beneficiary, held):
    Evidence.objects.create(assertion=held, narrative="Capture du dossier rangé")
    client.force_login(beneficiary)
    page = client.get(url("badge", held)).content.decode()
    for text in ("Je sais utiliser un ordinateur", "Réseau OpenJob", "Critères d'obtention",
                 "Capture du dossier rangé", "A rangé ses fichiers seul.", "Personnes qui ont ce badge",
                 "Ce badge est valide", "Rendre public", "Copier le lien", "Page à imprimer",
                 "Image PNG : en préparation", "Fichier JWT : en préparation", "<svg"):
        assert text in page, text


@pytest.mark.django_db
def test_a_badge_is_private_by_default_and_can_be_made_public(client, beneficiary, held):
    public_page = reverse("badges:assertion_detail", kwargs={"public_id": held.public_id})
    assert client.get(public_page).status_code == 404
    client.force_login(beneficiary)
    assert client.post(url("badge_visibility", held), {"visibility": "public"}).status_code == 302
    held.refresh_from_db()
    assert held.visibility == Assertion.Visibility.PUBLIC
    client.logout()
    page = client.get(public_page).content.decode()
    assert "Ce badge est valide" in page and "Sam" in page
    client.force_login(beneficiary)
    client.post(url("badge_visibility", held), {"visibility": "private"})
    client.logout()
    assert client.get(public_page).status_code == 404


@pytest.mark.django_db
def test_the_owner_chooses_what_the_public_page_shows(client, beneficiary, held):
    Evidence.objects.create(assertion=held, narrative="Capture du dossier rangé")
    held.visibility = Assertion.Visibility.PUBLIC
    held.save()
    client.force_login(beneficiary)
    client.post(url("badge_details", held), {"show_narrative": "on"})
    held.refresh_from_db()
    assert held.show_evidence is False and held.show_narrative is True
    client.logout()
    page = client.get(held.get_absolute_url()).content.decode()
    assert "A rangé ses fichiers seul." in page and "Capture du dossier rangé" not in page


@pytest.mark.django_db
def test_the_public_page_shows_a_revoked_or_expired_badge_as_such(client, held):
    held.visibility = Assertion.Visibility.PUBLIC
    held.revoked = True
    held.save()
    assert "Ce badge a été révoqué" in client.get(held.get_absolute_url()).content.decode()
    held.revoked = False
    held.expires_on = timezone.now() - timedelta(days=3)
    held.save()
    assert "Ce badge a expiré" in client.get(held.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_issuer_staff_see_a_private_badge_page_and_an_outsider_does_not(client, owner, outsider, held):
    client.force_login(owner)
    assert client.get(held.get_absolute_url()).status_code == 200
    client.force_login(outsider)
    assert client.get(held.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name,kwargs,method", [
    ("badge", {}, "get"), ("badge_visibility", {}, "post"), ("badge_details", {}, "post"),
    ("badge_qr", {"fmt": "png"}, "get"), ("badge_print", {}, "get"), ("badge_download", {"fmt": "png"}, "get"),
])
def test_an_outsider_gets_404_on_every_owner_page(client, outsider, held, name, kwargs, method):
    client.force_login(outsider)
    response = getattr(client, method)(url(name, held, **kwargs), {"visibility": "public"} if method == "post" else {})
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.visibility == Assertion.Visibility.PRIVATE and held.show_evidence


@pytest.mark.django_db
def test_the_qr_code_points_to_the_public_page(client, beneficiary, held):
    client.force_login(beneficiary)
    png = client.get(url("badge_qr", held, fmt="png"))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(url("badge_qr", held, fmt="svg") + "?telecharger=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert "attachment" in svg["Content-Disposition"]


@pytest.mark.django_db
def test_linkedin_links_are_prefilled(client, beneficiary, held, settings):
    held.expires_on = timezone.datetime(2027, 5, 1, tzinfo=timezone.get_current_timezone())
    held.save()
    client.force_login(beneficiary)
    response = client.get(url("badge", held))
    add = response.context["linkedin_add_url"]
    query = parse_qs(urlparse(add).query)
    assert add.startswith("https://www.linkedin.com/profile/add?")
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Je sais utiliser un ordinateur"]
    assert query["organizationName"] == ["Réseau OpenJob — Haute-Saône numérique"]
    assert query["issueYear"] == [str(held.issued_on.year)] and query["expirationYear"] == ["2027"]
    # The badge's page, through the link that counts the opens from LinkedIn (test_share_opens.py).
    counted = settings.SITE_URL + reverse("badges:share_open", kwargs={"public_id": held.public_id,
                                                                       "source": "linkedin"})
    assert query["certUrl"] == [counted]
    assert query["certId"] == [str(held.public_id)]
    share = parse_qs(urlparse(response.context["linkedin_share_url"]).query)
    assert share["url"] == [counted]


@pytest.mark.django_db
def test_the_printable_page_has_the_qr_code_and_the_link(client, beneficiary, held, settings):
    client.force_login(beneficiary)
    page = client.get(url("badge_print", held)).content.decode()
    assert "<svg" in page and settings.SITE_URL + held.get_absolute_url() in page
    assert "<button type=\"button\" data-print>" in page and "js/site.js" in page  # binds window.print()


@pytest.mark.django_db
def test_downloads_are_in_preparation_until_the_worker_fills_them(client, beneficiary, held):
    client.force_login(beneficiary)
    response = client.get(url("badge_download", held, fmt="png"))
    assert response.status_code == 302
    held.baked_png.save("baked.png", ContentFile(b"\x89PNG fake"), save=False)
    held.ob3_credential = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
    held.ob3_jwt = "eyJ.a.b"
    held.save()
    png = client.get(url("badge_download", held, fmt="png"))
    assert png.status_code == 200 and png.content == b"\x89PNG fake"
    assert png["Content-Disposition"] == 'attachment; filename="je-sais-utiliser-un-ordinateur.png"'
    assert json.loads(client.get(url("badge_download", held, fmt="json")).content)["type"][1] == "OpenBadgeCredential"
    assert client.get(url("badge_download", held, fmt="jwt")).content == b"eyJ.a.b"
    assert client.get(url("badge_download", held, fmt="exe")).status_code == 404


@pytest.mark.django_db
def test_a_public_profile_groups_public_badges_by_pathway(client, beneficiary, issuer):
    in_pathway = BadgeClassFactory(issuer=issuer, name="Naviguer sur Internet")
    alone = BadgeClassFactory(issuer=issuer, name="Engagement citoyen")
    secret = BadgeClassFactory(issuer=issuer, name="Badge privé")
    pathway = Pathway.objects.create(issuer=issuer, name="Communication numérique")
    PathwayStep.objects.create(pathway=pathway, badge_class=in_pathway, order=1)
    for badge in (in_pathway, alone):
        AssertionFactory(badge_class=badge, recipient_email="sam@example.org", visibility="public")
    AssertionFactory(badge_class=secret, recipient_email="sam@example.org")
    client.force_login(beneficiary)
    client.post(reverse("wallet:profile_edit"), {"public": "on", "slug": "sam-martin", "display_name": "Sam Martin",
                                                 "headline": "Je cherche un emploi en logistique"})
    client.logout()
    page = client.get(reverse("wallet:profile", kwargs={"slug": "sam-martin"})).content.decode()
    assert "Sam Martin" in page and "Je cherche un emploi en logistique" in page
    assert "Parcours « Communication numérique »" in page
    assert page.index("Naviguer sur Internet") < page.index("Autres badges") < page.index("Engagement citoyen")
    assert "Badge privé" not in page


@pytest.mark.django_db
def test_a_profile_is_hidden_until_made_public(client, beneficiary):
    WalletProfile.objects.create(user=beneficiary, slug="sam", public=False)
    assert client.get(reverse("wallet:profile", kwargs={"slug": "sam"})).status_code == 404


@pytest.mark.django_db
def test_a_public_profile_needs_an_address_and_a_taken_one_is_refused(client, beneficiary, outsider):
    WalletProfile.objects.create(user=outsider, slug="sam", public=True)
    client.force_login(beneficiary)
    page = client.post(reverse("wallet:profile_edit"), {"public": "on", "slug": ""}).content.decode()
    assert "Choisissez l&#x27;adresse de votre page" in page
    page = client.post(reverse("wallet:profile_edit"), {"public": "on", "slug": "sam"}).content.decode()
    assert "errorlist" in page
    assert not WalletProfile.objects.filter(user=beneficiary, public=True).exists()


@pytest.mark.django_db
def test_my_data_downloads_a_zip_of_images_documents_and_a_list(client, beneficiary, held):
    held.baked_png.save("baked.png", ContentFile(b"\x89PNG fake"), save=False)
    held.ob3_credential = {"id": "urn:test"}
    held.save()
    client.force_login(beneficiary)
    assert client.post(reverse("wallet:my_data"), {"export-x": "1"}).status_code == 200, "needs confirmation"
    response = client.post(reverse("wallet:my_data"), {"export-confirm": "on"})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "badges.csv" in names and "compte.json" in names
    assert any(n.endswith(".png") for n in names)
    assert any(n.endswith(".json") and n.startswith("badges/") for n in names)
    assert "Je sais utiliser un ordinateur" in archive.read("badges.csv").decode()


@pytest.mark.django_db
def test_deleting_my_account_keeps_the_badges_for_the_issuer(client, beneficiary, held, django_user_model):
    held.visibility = Assertion.Visibility.PUBLIC
    held.save()
    client.force_login(beneficiary)
    assert client.post(reverse("wallet:my_data"), {"delete-x": "1"}).status_code == 200
    assert django_user_model.objects.filter(pk=beneficiary.pk).exists(), "not without confirmation"
    response = client.post(reverse("wallet:my_data"), {"delete-confirm": "on"})
    assert response.status_code == 302
    assert not django_user_model.objects.filter(pk=beneficiary.pk).exists()
    assert not EmailAddress.objects.filter(email="sam@example.org").exists()
    held.refresh_from_db()
    assert held.recipient_user is None and held.visibility == Assertion.Visibility.PRIVATE and not held.revoked
    assert client.get(reverse("wallet:home")).status_code == 302, "signed out"


@pytest.mark.django_db
def test_the_owner_sees_the_private_page_of_a_badge_sent_to_a_verified_address_before_claiming_it(
        client, beneficiary, badge_class):
    unclaimed = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    client.force_login(beneficiary)
    response = client.get(unclaimed.get_absolute_url())
    assert response.status_code == 200 and "Je sais utiliser un ordinateur" in response.content.decode()
    client.logout()
    assert client.get(unclaimed.get_absolute_url()).status_code == 404, "still private to anyone else"
