import pytest

from badges.models import Assertion
from badges.services import assertion_issue
from pathways.models import Pathway, PathwayStep
from pathways.tasks import update_progress
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db

EMAIL = "sam@example.org"


@pytest.fixture
def pathway(issuer):
    key = BadgeClassFactory(
        issuer=issuer, name="Je maîtrise les fondamentaux du numérique", automatic=True, issuable_by_mediator=False
    )
    pathway = Pathway.objects.create(issuer=issuer, name="Pré-requis fondamentaux", key_badge=key)
    for order, name in enumerate(["Ordinateur", "Smartphone", "Fichiers"], start=1):
        PathwayStep.objects.create(
            pathway=pathway, order=order, badge_class=BadgeClassFactory(issuer=issuer, name=name)
        )
    return pathway


def issue_step(pathway, order, owner) -> Assertion:
    step = pathway.steps.get(order=order)
    return assertion_issue(badge_class=step.badge_class, recipient_email=EMAIL, recipient_name="Sam", issued_by=owner)


def key_badges(pathway):
    return Assertion.objects.filter(badge_class=pathway.key_badge, recipient_email=EMAIL)


def test_the_key_badge_is_issued_once_every_step_is_held(pathway, owner, django_capture_on_commit_callbacks):
    issue_step(pathway, 1, owner)
    update_progress(issue_step(pathway, 2, owner).pk)
    assert not key_badges(pathway).exists()
    last = issue_step(pathway, 3, owner)
    with django_capture_on_commit_callbacks() as callbacks:
        update_progress(last.pk)
    key = key_badges(pathway).get()
    assert key.issued_via == Assertion.Via.AUTOMATIC and key.issued_by is None
    assert "Pré-requis fondamentaux" in key.narrative
    assert callbacks, "the key badge is signed, baked and announced like any other"


def test_the_key_badge_is_never_issued_twice(pathway, owner):
    for order in (1, 2, 3):
        assertion = issue_step(pathway, order, owner)
    update_progress(assertion.pk)
    update_progress(assertion.pk)
    assert key_badges(pathway).count() == 1


def test_a_revoked_step_does_not_count(pathway, owner):
    from badges.services import assertion_revoke

    first = issue_step(pathway, 1, owner)
    issue_step(pathway, 2, owner)
    assertion_revoke(assertion=first, reason="Erreur", revoked_by=owner)
    last = issue_step(pathway, 3, owner)
    update_progress(last.pk)
    assert not key_badges(pathway).exists()


def test_a_pathway_can_require_only_some_of_its_steps(pathway, owner):
    pathway.completion_rule = Pathway.CompletionRule.AT_LEAST
    pathway.min_steps = 2
    pathway.save()
    issue_step(pathway, 1, owner)
    update_progress(issue_step(pathway, 3, owner).pk)
    assert key_badges(pathway).count() == 1


def test_a_step_badge_issued_in_a_csv_chunk_completes_the_pathway(pathway, owner):
    from badges.services.issuing import IssueRow, assertions_issue_bulk
    from pathways.tasks import update_progress_many

    issue_step(pathway, 1, owner)
    issue_step(pathway, 2, owner)
    last_step = pathway.steps.get(order=3).badge_class
    rows = [IssueRow(recipient_email=EMAIL), IssueRow(recipient_email="ali@example.org")]
    issued, _ = assertions_issue_bulk(badge_class=last_step, issued_by=owner, rows=rows)
    update_progress_many([a.pk for a in issued])
    update_progress_many([a.pk for a in issued])
    assert key_badges(pathway).count() == 1
    assert not Assertion.objects.filter(badge_class=pathway.key_badge, recipient_email="ali@example.org").exists()


def test_a_pathway_without_steps_never_awards_its_key_badge(issuer, pathway):
    """Its steps removed while people are enrolled (the admin edits the pathway): holding nothing is no criterion."""
    from pathways.services import enrolment_update

    pathway.steps.all().delete()
    enrolment = enrolment_update(pathway=pathway, email=EMAIL)
    assert enrolment.completed_at is None and enrolment.key_assertion is None
    assert not key_badges(pathway).exists()
