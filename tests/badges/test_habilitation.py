"""Only a mediator holding a valid "Acteur de la médiation numérique" badge issues the
badges it habilitates: through the service, the partner form, a CSV batch, the API
and a pathway's time-based step. A revoked or expired habilitation counts for nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from badges import selectors
from badges.models import Assertion, IssueBatch
from badges.services import (
    Recipient,
    assertion_correct,
    assertion_issue,
    assertion_issue_many,
    assertion_revoke,
    batch_create,
    batch_start,
)
from badges.services.issuing import IssueRow, assertions_issue_bulk
from badges.tasks import run_issue_batch_chunk
from issuers.models import Membership
from issuers.services import membership_set
from pathways.models import Enrolment, Pathway, PathwayStep
from pathways.services import time_based_step_confirm
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db

LOST = ["never_held", "revoked", "expired", "other_address"]


@pytest.fixture
def acteur(issuer):
    return BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique", issued_by_staff_only=True)


@pytest.fixture
def gated(issuer, acteur):
    """One of the 14 beneficiary badges: only habilitated mediators issue it."""
    return BadgeClassFactory(issuer=issuer, name="Je sais envoyer et recevoir des mails", required_badge=acteur)


def habilitate(person, acteur, state: str = "valid") -> None:
    """Give ``person`` the habilitation badge in ``state``."""
    if state == "never_held":
        return
    email = "ailleurs@example.org" if state == "other_address" else person.email
    held = Assertion.objects.create(badge_class=acteur, recipient_email=email)
    if state == "revoked":
        assertion_revoke(assertion=held, reason="A quitté le réseau")
    elif state == "expired":
        Assertion.objects.filter(pk=held.pk).update(expires_on=timezone.now() - timedelta(minutes=1))


def issued(badge_class) -> int:
    return Assertion.objects.filter(badge_class=badge_class).count()


# --- The rule, where it lives --------------------------------------------------------------

def test_a_mediator_holding_a_valid_habilitation_may_issue(mediator, acteur, gated):
    habilitate(mediator, acteur)
    assert selectors.user_can_issue(user=mediator, badge_class=gated) is True
    assert gated in selectors.badge_classes_user_can_issue(user=mediator)


@pytest.mark.parametrize("state", LOST)
def test_a_mediator_without_a_valid_habilitation_may_not_issue(mediator, acteur, gated, state):
    """Never held, revoked, expired, or held at an address the mediator has not proven."""
    habilitate(mediator, acteur, state)
    assert selectors.user_can_issue(user=mediator, badge_class=gated) is False
    assert gated not in selectors.badge_classes_user_can_issue(user=mediator)


def test_an_expiry_in_the_future_still_counts(mediator, acteur, gated):
    habilitate(mediator, acteur)
    Assertion.objects.filter(badge_class=acteur).update(expires_on=timezone.now() + timedelta(days=1))
    assert selectors.user_can_issue(user=mediator, badge_class=gated) is True


def test_holding_the_habilitation_does_not_make_a_mediator_of_another_issuer_a_member(outsider, acteur, gated):
    habilitate(outsider, acteur)
    assert selectors.user_can_issue(user=outsider, badge_class=gated) is False


def test_a_reviewer_holding_the_habilitation_still_does_not_issue(reviewer, acteur, gated):
    habilitate(reviewer, acteur)
    assert selectors.user_can_issue(user=reviewer, badge_class=gated) is False


def test_only_the_issuers_administrators_award_the_habilitation_itself(mediator, owner, acteur):
    assert selectors.user_can_issue(user=mediator, badge_class=acteur) is False
    assert selectors.user_can_issue(user=owner, badge_class=acteur) is True


def test_nobody_signed_out_may_issue(badge_class):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.user_can_issue(user=AnonymousUser(), badge_class=badge_class) is False
    assert selectors.user_can_issue(user=None, badge_class=badge_class) is False


# --- The issuing service ---------------------------------------------------------------------

@pytest.mark.parametrize("state", LOST)
def test_the_service_refuses_a_mediator_without_a_valid_habilitation(mediator, acteur, gated, state):
    habilitate(mediator, acteur, state)
    with pytest.raises(PermissionDenied):
        assertion_issue(badge_class=gated, recipient_email="sam@example.org", issued_by=mediator)
    with pytest.raises(PermissionDenied):
        assertion_issue_many(badge_class=gated, recipients=[Recipient(email="sam@example.org")], issued_by=mediator)
    with pytest.raises(PermissionDenied):
        assertions_issue_bulk(badge_class=gated, rows=[IssueRow(recipient_email="sam@example.org")],
                              issued_by=mediator)
    assert issued(gated) == 0


def test_the_service_issues_for_a_habilitated_mediator(mediator, acteur, gated):
    habilitate(mediator, acteur)
    assertion = assertion_issue(badge_class=gated, recipient_email="sam@example.org", issued_by=mediator)
    assert assertion.issued_by == mediator and issued(gated) == 1


def test_a_badge_issued_by_a_mediator_needs_a_mediator(badge_class):
    with pytest.raises(PermissionDenied):
        assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=None)
    assert issued(badge_class) == 0


def test_a_correction_is_refused_to_staff_without_the_habilitation(owner, mediator, acteur, gated):
    habilitate(mediator, acteur)
    wrong = assertion_issue(badge_class=gated, recipient_email="sam@exemple.org", issued_by=mediator)
    with pytest.raises(PermissionDenied):
        assertion_correct(assertion=wrong, corrected_by=owner, recipient_email="sam@example.org",
                          recipient_name="Sam", narrative="", issued_on=wrong.issued_on)
    wrong.refresh_from_db()
    assert not wrong.revoked and issued(gated) == 1


# --- The partner form ----------------------------------------------------------------------------

def issue_url(badge_class) -> str:
    return reverse("partner:issue", kwargs={"public_id": badge_class.public_id})


def preview_url(badge_class) -> str:
    return reverse("partner:issue_preview", kwargs={"public_id": badge_class.public_id})


def form_data() -> dict:
    return {"recipients": "Sam Martin <sam@example.org>", "narrative": "A envoyé un mail seul.",
            "evidence_url": "", "issued_on": timezone.localdate().isoformat()}


@pytest.mark.parametrize("state", LOST)
def test_the_partner_form_refuses_a_mediator_without_a_valid_habilitation(client, mediator, acteur, gated, state):
    habilitate(mediator, acteur, state)
    client.force_login(mediator)
    assert "Je sais envoyer et recevoir des mails" not in client.get(reverse("partner:home")).content.decode()
    assert client.get(issue_url(gated)).status_code == 404
    assert client.post(issue_url(gated), form_data()).status_code == 404
    assert client.post(preview_url(gated)).status_code == 404
    assert issued(gated) == 0


def test_a_habilitation_revoked_between_the_form_and_the_confirmation_issues_nothing(client, mediator, acteur,
                                                                                     gated):
    habilitate(mediator, acteur)
    client.force_login(mediator)
    assert client.post(issue_url(gated), form_data()).status_code == 302  # the draft is kept for the preview
    assertion_revoke(assertion=Assertion.objects.get(badge_class=acteur), reason="A quitté le réseau")
    assert client.post(preview_url(gated)).status_code == 404
    assert issued(gated) == 0


def test_the_partner_form_issues_for_a_habilitated_mediator(client, mediator, acteur, gated):
    habilitate(mediator, acteur)
    client.force_login(mediator)
    client.post(issue_url(gated), form_data())
    response = client.post(preview_url(gated), follow=True)
    assert "délivré à Sam Martin" in response.content.decode()
    assert Assertion.objects.get(badge_class=gated).recipient_email == "sam@example.org"


# --- CSV batches -------------------------------------------------------------------------------------

CSV = b"nom;e-mail\nSam Martin;sam@example.org\nLea Petit;lea@example.org\n"


@pytest.mark.parametrize("state", LOST)
def test_a_csv_is_refused_to_a_mediator_without_a_valid_habilitation(client, mediator, acteur, gated, state):
    from django.core.files.uploadedfile import SimpleUploadedFile

    habilitate(mediator, acteur, state)
    with pytest.raises(PermissionDenied):
        batch_create(badge_class=gated, created_by=mediator, data=CSV)
    client.force_login(mediator)
    url = reverse("partner:batch_new", kwargs={"public_id": gated.public_id})
    response = client.post(url, {"file": SimpleUploadedFile("groupe.csv", CSV), "narrative": ""})
    assert response.status_code == 404
    assert not IssueBatch.objects.exists() and issued(gated) == 0


def test_a_batch_is_not_started_once_the_habilitation_is_revoked(client, mediator, acteur, gated,
                                                                 django_capture_on_commit_callbacks):
    habilitate(mediator, acteur)
    batch = batch_create(badge_class=gated, created_by=mediator, data=CSV)
    assertion_revoke(assertion=Assertion.objects.get(badge_class=acteur), reason="A quitté le réseau")
    with pytest.raises(PermissionDenied):
        batch_start(batch=batch, started_by=mediator)
    client.force_login(mediator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("partner:batch_start", kwargs={"public_id": batch.public_id}))
    assert callbacks == []  # nothing queued
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.CHECKED and issued(gated) == 0


def test_a_running_batch_stops_when_its_mediator_loses_the_habilitation(mediator, acteur, gated):
    """The worker issues each chunk in the mediator's name: the rule is checked again there."""
    from badges.services import batch_run

    habilitate(mediator, acteur)
    batch = batch_create(badge_class=gated, created_by=mediator, data=CSV)
    batch_start(batch=batch, started_by=mediator)
    chunks = batch_run(batch_id=batch.pk)
    Assertion.objects.filter(badge_class=acteur).update(expires_on=timezone.now() - timedelta(minutes=1))
    for offset, rows in chunks:
        assert run_issue_batch_chunk.run(batch.pk, offset, rows) is False
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.FAILED and "habilité" in batch.error
    assert issued(gated) == 0


# --- The API ------------------------------------------------------------------------------------------

API = "/api/assertions/issue/"


def api_payload(badge_class) -> dict:
    return {"badge_class": str(badge_class.public_id), "recipient_email": "sam@example.org",
            "recipient_name": "Sam Martin", "idempotency_key": "lms-42"}


@pytest.mark.parametrize("state", LOST)
def test_the_api_refuses_staff_without_a_valid_habilitation(client, owner, acteur, gated, state):
    habilitate(owner, acteur, state)
    client.force_login(owner)
    response = client.post(API, api_payload(gated), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Vous n'êtes pas habilité à délivrer ce badge."
    assert issued(gated) == 0


def test_the_api_issues_for_habilitated_staff(client, owner, acteur, gated):
    habilitate(owner, acteur)
    client.force_login(owner)
    response = client.post(API, api_payload(gated), content_type="application/json")
    assert response.status_code == 201
    assert Assertion.objects.get(badge_class=gated).issued_via == Assertion.Via.AUTOMATIC


# --- Pathways ---------------------------------------------------------------------------------------------

@pytest.fixture
def time_based(issuer, gated, mediator, acteur):
    """A pathway whose second, time-based step is a habilitated badge, and someone enrolled long ago."""
    pathway = Pathway.objects.create(issuer=issuer, name="PEPITES")
    first = BadgeClassFactory(issuer=issuer, name="Je m'engage pour mon parcours")
    PathwayStep.objects.create(pathway=pathway, order=1, badge_class=first)
    step = PathwayStep.objects.create(pathway=pathway, order=2, badge_class=gated, min_delay_days=30,
                                      condition="Intégration réussie")
    enrolment = Enrolment.objects.create(pathway=pathway, recipient_email="alex@example.org", recipient_name="Alex",
                                         started_on=timezone.now() - timedelta(days=40))
    return enrolment, step


@pytest.mark.parametrize("state", LOST)
def test_a_time_based_step_is_not_confirmed_by_a_mediator_without_a_valid_habilitation(client, issuer, mediator,
                                                                                       acteur, time_based, state):
    habilitate(mediator, acteur, state)
    enrolment, step = time_based
    with pytest.raises(PermissionDenied):
        time_based_step_confirm(enrolment=enrolment, step=step, confirmed_by=mediator)
    client.force_login(mediator)
    response = client.post(f"/pathways/a-confirmer/{issuer.public_id}/{enrolment.pk}/{step.pk}/", follow=True)
    assert "Vous n&#x27;êtes pas habilité à délivrer ce badge." in response.content.decode()
    assert issued(step.badge_class) == 0


def test_a_habilitated_mediator_confirms_a_time_based_step(mediator, acteur, time_based):
    habilitate(mediator, acteur)
    enrolment, step = time_based
    assertion = time_based_step_confirm(enrolment=enrolment, step=step, confirmed_by=mediator)
    assert assertion.issued_by == mediator and assertion.badge_class == step.badge_class


def test_a_key_badge_earned_on_criteria_needs_nobodys_habilitation(issuer, acteur, gated):
    """Nobody issues a key badge: holding the steps is the criterion."""
    from pathways.services import enrolment_update

    step_badge = BadgeClassFactory(issuer=issuer)
    pathway = Pathway.objects.create(issuer=issuer, name="Communication numérique", key_badge=gated)
    PathwayStep.objects.create(pathway=pathway, order=1, badge_class=step_badge)
    Assertion.objects.create(badge_class=step_badge, recipient_email="alex@example.org")
    enrolment = enrolment_update(pathway=pathway, email="alex@example.org")
    assert enrolment.key_assertion.badge_class == gated and enrolment.key_assertion.issued_by is None


def test_applications_are_decided_by_their_reviewers_not_by_the_habilitation(issuer, acteur, gated):
    """A designated peer reviewer accepts a request for a habilitated badge: reviewing is not issuing
    after observation (DOMAIN: "designated reviewers (professionals and/or peers) accept or refuse")."""
    from badges.services import application_accept, application_start, application_submit

    gated.requestable = True
    gated.save()
    peer = UserFactory(username="pair")
    gated.reviewers.add(peer)
    applicant = UserFactory(username="alex")
    application, _resumed = application_start(badge_class=gated, applicant=applicant)
    application_submit(application=application)
    application_accept(application=application, reviewer=peer)
    assert Assertion.objects.get(badge_class=gated).recipient_email == applicant.email
    # ...while the same peer cannot issue it by observation.
    membership_set(issuer=issuer, user=peer, role=Membership.Role.MEDIATOR)
    with pytest.raises(PermissionDenied):
        assertion_issue(badge_class=gated, recipient_email="sam@example.org", issued_by=peer)
