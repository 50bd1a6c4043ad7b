"""An applicant takes a piece of evidence back out of their draft, on a phone, before sending it."""

import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import expect

from badges.models import Application
from tests.e2e.test_wallet_journey import audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_applicant_removes_a_photo_from_the_draft_and_sends_the_rest(phone, requestable, tmp_path):
    photo = tmp_path / "capture.png"
    Image.new("RGB", (8, 8), "#0b5cad").save(photo)

    phone.goto(f"/partenaire/demander/{requestable.public_id}/")
    phone.get_by_label("Votre nom").fill("Sam Martin")
    phone.get_by_label("Votre adresse e-mail").fill("sam@example.org")
    phone.get_by_role("button", name="Commencer ma demande").click()
    phone.get_by_label("Quel mail avez-vous envoyé ?").fill("Un mail à ma conseillère avec mon CV")
    phone.get_by_label("Décrivez ce que vous avez fait").fill("J'ai joint mon CV au mail")
    phone.get_by_label("Lien vers une preuve").fill("https://example.org/capture-envoi")
    phone.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(phone.get_by_role("status")).to_contain_text("Brouillon enregistré")

    # The form takes one piece of evidence per save: the photo is the second.
    phone.get_by_label("Fichier ou photo").set_input_files(str(photo))
    phone.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(phone.get_by_role("status")).to_contain_text("Brouillon enregistré")
    remove_button = re.compile("^Retirer la preuve")
    pieces = phone.get_by_role("listitem").filter(has=phone.get_by_role("button", name=remove_button))
    expect(pieces).to_have_count(2)
    audit(phone)
    photo_piece = pieces.filter(has=phone.get_by_role("link", name="capture.png"))
    stored = Application.objects.get().evidence.get(url="").file.name
    assert default_storage.exists(stored)

    # Typed but not saved yet: "Retirer" must not lose it.
    phone.get_by_label("Quel mail avez-vous envoyé ?").fill("Un mail à ma conseillère, CV et lettre")
    photo_piece.get_by_role("button", name=remove_button).click()

    expect(phone.get_by_role("status")).to_contain_text("La preuve est retirée de votre demande.")
    expect(phone.get_by_label("Quel mail avez-vous envoyé ?")).to_have_value("Un mail à ma conseillère, CV et lettre")
    expect(phone.get_by_role("link", name="capture.png")).to_have_count(0)
    expect(pieces).to_have_count(1)
    expect(pieces).to_contain_text("J'ai joint mon CV au mail")
    expect(pieces.get_by_role("link", name="https://example.org/capture-envoi")).to_be_visible()

    phone.get_by_role("button", name="Envoyer ma demande").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre demande est envoyée")
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    kept = application.evidence.get()
    assert (kept.narrative, kept.url, kept.file.name) == ("J'ai joint mon CV au mail",
                                                        "https://example.org/capture-envoi", "")
    assert not default_storage.exists(stored)
