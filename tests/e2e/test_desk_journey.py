"""A badge at the mediator's desk, without e-mail: the mediator issues on a laptop, the
person types the short code on a 360 px phone, creates a passport on the spot without an
address, and finds the badge signed and baked by a real worker."""

import pytest
from playwright.sync_api import expect

from badges.models import Assertion
from badges.verification import verify_badge
from tests.e2e.test_partner_journeys import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth"


def test_a_person_without_email_keeps_a_badge_shown_on_the_mediators_screen(
        page, phone, celery_worker, mediator, badge_class, settings, live_server):
    settings.SITE_URL = live_server.url
    sign_in(page, "mediator")
    page.goto(f"/partenaire/delivrer/{badge_class.public_id}/")
    page.get_by_role("link", name="La personne n'a pas d'e-mail : remettre le badge sur place (QR code)").click()
    page.get_by_label("Nom de la personne").fill("Awa Diallo")
    page.get_by_role("button", name="Délivrer et afficher le code").click()
    expect(page.get_by_role("img", name="QR code pour recevoir le badge")).to_be_visible()
    code = page.get_by_test_id("desk-code").inner_text()

    phone.goto("/badges/recevoir/")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) <= 360
    phone.get_by_label("Le code affiché par le médiateur").fill(code.lower())
    phone.get_by_role("button", name="Continuer").click()
    expect(phone.get_by_role("heading", name="Je sais utiliser un ordinateur")).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) <= 360
    expect(phone.get_by_label("Votre nom")).to_have_value("Awa Diallo")
    phone.get_by_label("Choisissez un mot de passe").fill("un-long-mot-de-passe")
    phone.get_by_role("button", name="Créer mon passeport et garder le badge").click()
    expect(phone.get_by_text("notez votre identifiant : passeport-")).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) <= 360

    # The mediator's screen notices by itself.
    expect(page.get_by_text("Awa Diallo a reçu son badge.")).to_be_visible(timeout=30_000)
    assertion = Assertion.objects.get()
    assert assertion.recipient_email == "" and "/passeport/p/" in assertion.recipient_url
    phone.reload()
    with phone.expect_download(timeout=60_000) as download_info:
        phone.get_by_role("link", name="Image du badge (PNG)").click()
    report = verify_badge(open(download_info.value.path(), "rb").read())
    assert report.status == "valid" and report.holder == "Awa Diallo"


def test_a_person_downloads_the_badge_at_once_on_a_phone(page, phone, celery_worker, mediator, badge_class,
                                                         settings, live_server):
    settings.SITE_URL = live_server.url
    sign_in(page, "mediator")
    page.goto(f"/partenaire/delivrer/{badge_class.public_id}/sur-place/")
    page.get_by_label("Nom de la personne").fill("Awa Diallo")
    page.get_by_role("button", name="Délivrer et afficher le code").click()
    code = page.get_by_test_id("desk-code").inner_text()

    phone.goto("/badges/recevoir/")
    phone.get_by_label("Le code affiché par le médiateur").fill(code)
    phone.get_by_role("button", name="Continuer").click()
    phone.get_by_text("Ou le télécharger tout de suite").click()
    phone.get_by_label("Votre adresse e-mail (le badge la porte, de façon masquée)").fill(
        "awa.diallo.une-adresse-vraiment-tres-longue-pour-voir@exemple-de-structure.example.org")
    phone.get_by_role("button", name="Télécharger mon badge").click()
    # The page waits for the worker, then offers the file.
    link = phone.get_by_role("link", name="Télécharger l'image du badge (PNG)")
    expect(link).to_be_visible(timeout=60_000)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL) <= 360
    with phone.expect_download() as download_info:
        link.click()
    report = verify_badge(open(download_info.value.path(), "rb").read(),
                          expected_email="awa.diallo.une-adresse-vraiment-tres-longue-pour-voir@"
                                         "exemple-de-structure.example.org")
    assert report.status == "valid" and report.recipient_match is True
