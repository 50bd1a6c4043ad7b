import pytest
from django.core.management import call_command

from badges.models import Assertion, BadgeClass
from endorsements.models import Endorsement
from issuers.models import Issuer
from pathways.models import Pathway

pytestmark = pytest.mark.django_db


def test_loaddemo_builds_the_whole_catalogue_of_the_domain(capsys):
    call_command("loaddemo")
    mednum = Issuer.objects.get(name="Réseau OpenJob — Haute-Saône numérique")
    assert mednum.badge_classes.count() == 15
    assert sorted(mednum.pathways.values_list("name", flat=True)) == [
        "Bureautique", "Communication numérique", "Démarches en ligne", "Pré-requis fondamentaux"]
    fundamentals = mednum.pathways.get(name="Pré-requis fondamentaux")
    assert fundamentals.key_badge.name == "Je maîtrise les fondamentaux du numérique"
    assert [s.badge_class.name for s in fundamentals.steps.order_by("order")] == [
        "Je sais utiliser un ordinateur", "Je sais utiliser un smartphone ou une tablette",
        "Je sais gérer mes fichiers"]
    pepites = Pathway.objects.get(issuer__name="IAE Nouvelle-Aquitaine — PEPITES")
    assert [(s.badge_class.name, s.min_delay_days) for s in pepites.steps.order_by("order")] == [
        ("Je m'engage pour mon parcours", 0), ("B.A.BA de l'entreprise", 30), ("Com'un gant", 150)]
    youth = Issuer.objects.get(name="Info Jeunes — Peer to Peer")
    assert set(youth.badge_classes.values_list("name", flat=True)) == {"Engagement citoyen", "Compétences numériques"}
    assert Endorsement.objects.published().count() == 1
    out = capsys.readouterr().out
    assert "demo-mediatrice-2026" in out and "http://" in out


def test_the_demo_badge_endorsed_by_the_mission_locale_carries_its_signed_endorsement(
        django_capture_on_commit_callbacks):
    from badges.issuing import assertion_finalise
    from badges.verification import verify_badge

    with django_capture_on_commit_callbacks():
        call_command("loaddemo")
    badge = Assertion.objects.get(badge_class__name="Je sais utiliser un ordinateur",
                                  recipient_email__startswith="sam")
    credential = assertion_finalise(assertion=badge).ob3_credential
    [endorsement] = credential["credentialSubject"]["achievement"]["endorsement"]
    assert endorsement["issuer"]["name"] == "Mission Locale de Vesoul"
    report = verify_badge(credential)
    assert report.status == "valid"
    assert "Recommandé par Mission Locale de Vesoul — signature vérifiée" in [c.message for c in report.checks]


def test_only_holders_of_the_acteur_badge_may_issue_the_mednum_badges():
    call_command("loaddemo")
    acteur = BadgeClass.objects.get(name="Acteur de la médiation numérique")
    step = BadgeClass.objects.get(name="Je sais utiliser un ordinateur")
    assert step.required_badge == acteur
    assert Assertion.objects.filter(badge_class=acteur, recipient_email="camille.mediatrice@demo.badgehub.fr").exists()


def test_the_demo_beneficiary_already_holds_badges_of_the_first_pathway():
    call_command("loaddemo")
    held = Assertion.objects.filter(recipient_email="sam.beneficiaire@demo.badgehub.fr")
    assert set(held.values_list("badge_class__name", flat=True)) == {
        "Je sais utiliser un ordinateur", "Je sais utiliser un smartphone ou une tablette"}
    assert all(a.recipient_user and a.recipient_user.username == "beneficiaire" for a in held)


def test_loading_the_demo_twice_creates_nothing_twice():
    call_command("loaddemo")
    counts = (Issuer.objects.count(), BadgeClass.objects.count(), Assertion.objects.count(),
              Pathway.objects.count(), Endorsement.objects.count())
    call_command("loaddemo")
    assert counts == (Issuer.objects.count(), BadgeClass.objects.count(), Assertion.objects.count(),
                      Pathway.objects.count(), Endorsement.objects.count())


def test_every_demo_badge_has_its_own_image():
    call_command("loaddemo")
    images = [b.image.read() for b in BadgeClass.objects.all()]
    assert all(images)
    assert len(set(images)) == len(images)


def test_the_demo_cip_has_a_pepites_step_to_confirm():
    call_command("loaddemo")
    from pathways.selectors import time_based_steps_due

    due = time_based_steps_due(issuer=Issuer.objects.get(name="IAE Nouvelle-Aquitaine — PEPITES"))
    assert [(d.enrolment.recipient_name, d.step.badge_class.name) for d in due] == [
        ("Alex Salarié", "B.A.BA de l'entreprise")]
