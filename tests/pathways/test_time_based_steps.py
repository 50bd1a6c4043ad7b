from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Assertion
from badges.services import assertion_issue
from pathways.models import Enrolment, Pathway, PathwayStep
from pathways.tasks import update_progress
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db

EMAIL = "alex@example.org"


@pytest.fixture
def pepites(issuer):
    pathway = Pathway.objects.create(issuer=issuer, name="PEPITES")
    for order, (name, days) in enumerate(
        [("Je m'engage", 0), ("B.A.BA de l'entreprise", 30), ("Com'un gant", 150)], start=1
    ):
        PathwayStep.objects.create(
            pathway=pathway,
            order=order,
            min_delay_days=days,
            condition=f"Condition {order}",
            badge_class=BadgeClassFactory(issuer=issuer, name=name),
        )
    return pathway


@pytest.fixture
def enrolled(pepites, mediator):
    first = assertion_issue(
        badge_class=pepites.steps.get(order=1).badge_class,
        recipient_email=EMAIL,
        recipient_name="Alex",
        issued_by=mediator,
    )
    update_progress(first.pk)
    return Enrolment.objects.get(pathway=pepites, recipient_email=EMAIL)


def url(issuer):
    return f"/pathways/a-confirmer/{issuer.public_id}/"


def test_a_step_appears_to_confirm_once_its_delay_has_passed(client, issuer, mediator, enrolled):
    client.force_login(mediator)
    assert "B.A.BA de l&#x27;entreprise" not in client.get(url(issuer)).content.decode()
    Enrolment.objects.filter(pk=enrolled.pk).update(started_on=timezone.now() - timedelta(days=31))
    page = client.get(url(issuer)).content.decode()
    assert "B.A.BA de l&#x27;entreprise" in page and "Condition 2" in page
    assert "Com&#x27;un gant" not in page  # one step at a time


def test_confirming_the_condition_issues_the_step_badge(client, issuer, mediator, enrolled, pepites):
    Enrolment.objects.filter(pk=enrolled.pk).update(started_on=timezone.now() - timedelta(days=31))
    step = pepites.steps.get(order=2)
    client.force_login(mediator)
    response = client.post(f"{url(issuer)}{enrolled.pk}/{step.pk}/", {"comment": "Intégration réussie"}, follow=True)
    assert "délivré à Alex" in response.content.decode()
    assertion = Assertion.objects.get(badge_class=step.badge_class, recipient_email=EMAIL)
    assert assertion.issued_by == mediator and "Intégration réussie" in assertion.narrative
    client.post(f"{url(issuer)}{enrolled.pk}/{step.pk}/")
    assert Assertion.objects.filter(badge_class=step.badge_class, recipient_email=EMAIL).count() == 1


def test_a_step_cannot_be_confirmed_before_its_delay(client, issuer, mediator, enrolled, pepites):
    step = pepites.steps.get(order=2)
    client.force_login(mediator)
    response = client.post(f"{url(issuer)}{enrolled.pk}/{step.pk}/", follow=True)
    assert "pas encore écoulé" in response.content.decode()
    assert not Assertion.objects.filter(badge_class=step.badge_class).exists()


def test_a_mediator_of_another_issuer_sees_and_confirms_nothing(client, issuer, outsider, enrolled, pepites):
    Enrolment.objects.filter(pk=enrolled.pk).update(started_on=timezone.now() - timedelta(days=31))
    step = pepites.steps.get(order=2)
    client.force_login(outsider)
    assert client.get(url(issuer)).status_code == 404
    assert client.post(f"{url(issuer)}{enrolled.pk}/{step.pk}/").status_code == 404
    assert not Assertion.objects.filter(badge_class=step.badge_class).exists()


def test_a_reviewer_cannot_confirm_steps(client, issuer, reviewer, enrolled):
    client.force_login(reviewer)
    assert client.get(url(issuer)).status_code == 404


def test_the_partner_space_leads_mediators_to_the_steps_to_confirm(client, issuer, mediator):
    client.force_login(mediator)
    assert f'href="{url(issuer)}"' in client.get("/partenaire/").content.decode()


def test_the_delay_counts_from_the_day_the_first_badge_was_observed(client, issuer, mediator, pepites):
    """A first badge recorded today for an observation of 40 days ago: the 30-day step is due now."""
    observed = timezone.now() - timedelta(days=40)
    first = assertion_issue(badge_class=pepites.steps.get(order=1).badge_class, recipient_email=EMAIL,
                            recipient_name="Alex", issued_by=mediator, issued_on=observed)
    update_progress(first.pk)
    assert Enrolment.objects.get(pathway=pepites, recipient_email=EMAIL).started_on == observed
    client.force_login(mediator)
    assert "B.A.BA de l&#x27;entreprise" in client.get(url(issuer)).content.decode()
