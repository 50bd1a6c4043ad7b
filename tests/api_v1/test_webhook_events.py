"""Each event of the issue is announced to the endpoints that listen to it, through the
same services the pages use (claim, visibility, applications, endorsements)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from badges import services
from badges.api_v1 import webhooks
from badges.api_v1.models import Event, WebhookDelivery
from badges.api_v1.webhooks import webhook_endpoint_create
from endorsements import services as endorsement_services
from endorsements.models import Endorser
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(issuer, owner):
    endpoint, _secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/h",
                                                events=list(Event.values))
    return endpoint


def events(endpoint) -> list[str]:
    return list(endpoint.deliveries.order_by("id").values_list("event", flat=True))


def test_claiming_and_making_public_are_announced(endpoint, badge_class, beneficiary):
    assertion = AssertionFactory(badge_class=badge_class, recipient_email=beneficiary.email)
    services.assertion_claim(assertion=assertion, user=beneficiary)
    services.assertion_set_visibility(assertion=assertion, user=beneficiary, public=True)
    services.assertion_set_visibility(assertion=assertion, user=beneficiary, public=True)  # already public
    assert events(endpoint) == ["assertion.claimed", "assertion.made_public"]
    payload = endpoint.deliveries.order_by("id").last().payload
    assert payload["type"] == "assertion.made_public"
    assert payload["data"]["assertion"]["id"] == str(assertion.public_id)


def test_applications_submitted_and_decided_are_announced(endpoint, requestable, owner):
    application, _resumed = services.application_start(badge_class=requestable, name="Sam", email="sam@example.org")
    services.application_save(application=application, answers={"Quel mail avez-vous envoyé ?": "Un CV"})
    services.application_submit(application=application)
    services.application_accept(application=application, reviewer=owner)
    assert events(endpoint) == ["application.submitted", "assertion.issued", "application.decided"]
    decided = endpoint.deliveries.get(event="application.decided").payload["data"]["application"]
    assert decided["status"] == "accepted" and decided["assertion"]


def test_a_published_endorsement_is_announced(endpoint, badge_class, owner, endorser_user):
    invitation = endorsement_services.endorsement_invite(invited_by=owner, organisation_name="Région",
                                                         email="contact@region.example", badge_class=badge_class)
    endorser = Endorser.objects.create(name="Région", email="contact@region.example")
    endorser.members.add(endorser_user)
    endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                            statement="Nous apprécions ce badge.")
    assert events(endpoint) == ["endorsement.published"]
    assert endpoint.deliveries.get().payload["data"]["endorsement"]["statement"] == "Nous apprécions ce badge."


def test_an_endpoint_gets_only_the_events_it_chose(issuer, owner, badge_class):
    endpoint, _secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/h",
                                                events=["assertion.revoked"])
    assertion = services.assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner)
    services.assertion_revoke(assertion=assertion, reason="Erreur", revoked_by=owner)
    assert events(endpoint) == ["assertion.revoked"]


def test_the_sweeper_queues_the_deliveries_whose_retry_is_due(endpoint, badge_class):
    webhooks.assertion_event(assertion=AssertionFactory(badge_class=badge_class), event=Event.ASSERTION_ISSUED)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    assert webhooks.webhook_deliveries_due() == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhooks.webhook_deliveries_due() == 1


def test_the_retry_delay_doubles_up_to_an_hour():
    assert [webhooks._retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert webhooks._retry_delay(20) == 3600


def test_every_badge_of_a_bulk_issue_is_announced_to_every_endpoint(endpoint, issuer, owner, badge_class, mediator):
    from badges.services.issuing import IssueRow, assertions_issue_bulk

    other, _secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://lms.example.org/h",
                                             events=[Event.ASSERTION_ISSUED])
    issued, _skipped = assertions_issue_bulk(
        badge_class=badge_class, issued_by=mediator,
        rows=[IssueRow(recipient_email=f"p{i}@example.org", recipient_name=f"Personne {i}") for i in range(3)])
    for listener in (endpoint, other):
        announced = [d.payload["data"]["assertion"]["id"] for d in listener.deliveries.order_by("id")
                     if d.event == Event.ASSERTION_ISSUED]
        assert announced == [str(a.public_id) for a in issued]
