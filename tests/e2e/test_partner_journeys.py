"""The mediator's journeys in a real browser: issue on a phone, a CSV group, an application."""

import re

import pytest
from playwright.sync_api import expect

from badges.models import Application, Assertion, IssueBatch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/compte/connexion/?next=/partenaire/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Espace partenaire")).to_be_visible()


def test_a_mediator_issues_a_badge_to_one_person_from_a_phone(phone, mediator, badge_class):
    sign_in(phone, "mediator")
    phone.get_by_role("link", name="Je sais utiliser un ordinateur").click()
    phone.get_by_label("Bénéficiaire(s)").fill("Sam Martin <sam@example.org>")
    phone.get_by_label("Observation :", exact=True).fill("A allumé l'ordinateur et ouvert une session seul.")
    phone.get_by_role("button", name="Voir l'aperçu").click()
    expect(phone.get_by_role("heading", name="Vérifiez avant de délivrer")).to_be_visible()
    expect(phone.get_by_text("Sam Martin <sam@example.org>")).to_be_visible()
    # The confirmation button is reachable without horizontal scrolling on a 360 px screen.
    button = phone.get_by_role("button", name="Délivrer le badge")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 360
    button.click()
    expect(phone.get_by_role("status")).to_contain_text("délivré à Sam Martin")
    assertion = Assertion.objects.get()
    assert assertion.recipient_email == "sam@example.org" and assertion.issued_by == mediator


def test_a_mediator_fixes_a_csv_and_issues_the_group_with_a_progress_bar(page, celery_worker, mediator, badge_class,
                                                                         tmp_path):
    sign_in(page, "mediator")
    page.goto(f"/partenaire/delivrer/{badge_class.public_id}/groupe/")
    bad = tmp_path / "atelier.csv"
    bad.write_text("nom;courriel\nSam Martin;sam@example\nAli Ben;ali@example.org\nAli Ben;ali@example.org\n",
                   encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text("1 ligne valide")).to_be_visible()
    expect(page.get_by_role("cell", name="adresse e-mail invalide")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("ligne en double"))).to_be_visible()
    assert not Assertion.objects.exists()

    page.get_by_role("link", name="Envoyer un autre fichier").click()
    good = tmp_path / "atelier-corrige.csv"
    good.write_text("nom;courriel\nSam Martin;sam@example.org\nAli Ben;ali@example.org\nZoé Roy;zoe@example.org\n",
                    encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Délivrer le badge aux 3 lignes valides").click()
    expect(page.get_by_role("progressbar")).to_be_attached()
    # The page polls and reloads itself once the worker is done.
    expect(page.get_by_text("3 badges délivrés")).to_be_visible(timeout=30_000)
    assert IssueBatch.objects.filter(status=IssueBatch.Status.DONE).count() == 1
    assert Assertion.objects.count() == 3


def test_an_applicant_saves_a_draft_resumes_submits_and_a_reviewer_accepts(browser, live_server, badge_class,
                                                                            reviewer):
    badge_class.requestable = True
    badge_class.application_questions = "Quel mail avez-vous envoyé ?\nÀ qui ?"
    badge_class.save()
    applicant = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 360, "height": 740},
                                    is_mobile=True, has_touch=True)
    phone = applicant.new_page()
    phone.goto(f"/partenaire/demander/{badge_class.public_id}/")
    phone.get_by_label("Votre nom").fill("Sam Martin")
    phone.get_by_label("Votre adresse e-mail").fill("sam@example.org")
    phone.get_by_role("button", name="Commencer ma demande").click()
    phone.get_by_label("Quel mail avez-vous envoyé ?").fill("Un mail à ma conseillère avec mon CV")
    phone.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(phone.get_by_role("status")).to_contain_text("Brouillon enregistré")
    applicant.close()

    # Later, on another device, through the magic link of the e-mail.
    application = Application.objects.get()
    later = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    later.goto(f"/partenaire/demande/{application.access_token}/")
    expect(later.get_by_label("Quel mail avez-vous envoyé ?")).to_have_value("Un mail à ma conseillère avec mon CV")
    later.get_by_label("À qui ?").fill("Ma conseillère France Travail")
    later.get_by_label("Lien vers une preuve").fill("https://example.org/capture-envoi")
    later.get_by_role("button", name="Envoyer ma demande").click()
    expect(later.get_by_role("status")).to_contain_text("Votre demande est envoyée")
    later.context.close()

    review = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(review, "reviewer")
    review.get_by_role("link", name="Demandes à évaluer").first.click()
    review.get_by_role("link", name="Sam Martin").click()
    expect(review.get_by_role("link", name="https://example.org/capture-envoi")).to_be_visible()
    review.get_by_label("Accepter et délivrer le badge").check()
    review.get_by_label("Commentaire pour le demandeur").fill("Bravo, c'est clair.")
    review.get_by_role("button", name="Enregistrer la décision").click()
    expect(review.get_by_role("status")).to_contain_text("Décision enregistrée")
    review.context.close()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.assertion.evidence.get().url == "https://example.org/capture-envoi"
