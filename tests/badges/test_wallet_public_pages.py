"""The public badge class and issuer pages, as a recruiter or a future applicant sees them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Assertion
from endorsements.models import Endorsement, Endorser
from pathways.models import Pathway, PathwayStep
from tests.factories import AssertionFactory, BadgeClassFactory


@pytest.fixture
def endorser(db):
    return Endorser.objects.create(name="Mission Locale de Vesoul", email="ml@example.org")


@pytest.mark.django_db
def test_the_badge_class_page_shows_criteria_holders_pathway_and_endorsements(client, issuer, badge_class, endorser):
    pathway = Pathway.objects.create(issuer=issuer, name="Pré-requis fondamentaux")
    PathwayStep.objects.create(pathway=pathway, badge_class=badge_class, order=1)
    Endorsement.objects.create(endorser=endorser, badge_class=badge_class, statement="Nous apprécions ce badge.")
    Endorsement.objects.create(endorser=endorser, badge_class=badge_class, statement="Retirée",
                               withdrawn_at=timezone.now())
    for n in range(3):
        AssertionFactory(badge_class=badge_class, recipient_email=f"p{n}@example.org")
    AssertionFactory(badge_class=badge_class, recipient_email="gone@example.org", revoked=True)
    page = client.get(badge_class.get_absolute_url()).content.decode()
    assert "Le médiateur a observé la personne le faire seule." in page
    assert "<strong>3</strong> bénéficiaires" in page
    assert "Pré-requis fondamentaux" in page
    assert "Mission Locale de Vesoul" in page and "Nous apprécions ce badge." in page and "Retirée" not in page
    assert "Demander ce badge" not in page, "issued by mediators only"


@pytest.mark.django_db
def test_a_requestable_badge_has_a_request_button(client, issuer):
    badge = BadgeClassFactory(issuer=issuer, requestable=True)
    page = client.get(badge.get_absolute_url()).content.decode()
    assert "Demander ce badge" in page
    assert reverse("partner:request", kwargs={"public_id": badge.public_id}) in page


@pytest.mark.django_db
def test_the_issuer_page_lists_badges_with_request_buttons_and_endorsements(client, issuer, endorser):
    BadgeClassFactory(issuer=issuer, name="Engagement citoyen", self_issuable=True)
    BadgeClassFactory(issuer=issuer, name="Archivé", archived=True)
    Endorsement.objects.create(endorser=endorser, issuer=issuer, statement="Un réseau sérieux.")
    page = client.get(issuer.get_absolute_url()).content.decode()
    assert "Engagement citoyen" in page and "Archivé" not in page
    assert "Demander ce badge" in page
    assert "Un réseau sérieux." in page


@pytest.mark.django_db
def test_the_public_assertion_page_shows_endorsements_alignment_and_holder_count(client, badge_class, endorser):
    from badges.models import Alignment

    Alignment.objects.create(badge_class=badge_class, target_name="Gérer des fichiers", target_framework="PIX",
                             target_code="1.3", target_url="https://pix.fr/competences")
    assertion = AssertionFactory(badge_class=badge_class, visibility=Assertion.Visibility.PUBLIC)
    Endorsement.objects.create(endorser=endorser, assertion=assertion, statement="Vu en entreprise.")
    page = client.get(assertion.get_absolute_url()).content.decode()
    assert "PIX 1.3 Gérer des fichiers" in page
    assert "Vu en entreprise." in page
    assert "Personnes qui ont ce badge" in page
