import time

import pytest
from celery.exceptions import Retry
from django.core import mail

from badges.models import Assertion, OutgoingEmail
from badges.services import assertion_issue
from badges.tasks import send_email


def issue(badge_class, mediator, **kwargs) -> Assertion:
    return assertion_issue(
        badge_class=badge_class, recipient_email="Sam@Example.org", recipient_name="Sam", issued_by=mediator, **kwargs
    )


@pytest.mark.django_db
def test_the_award_email_is_queued_only_once_the_transaction_commits(
    badge_class, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assertion = issue(badge_class, owner)
    email = OutgoingEmail.objects.get(assertion=assertion)
    assert email.status == OutgoingEmail.Status.PENDING and email.to == "sam@example.org"
    assert len(mail.outbox) == 0
    assert callbacks, "sending is queued on commit"


@pytest.mark.django_db
def test_the_award_email_tells_the_recipient_what_they_received_and_how_to_claim_it(badge_class, owner):
    assertion = issue(badge_class, owner)
    send_email(OutgoingEmail.objects.get(assertion=assertion).pk)
    message = mail.outbox[0]
    assert message.subject == "Vous avez reçu le badge « Je sais utiliser un ordinateur »"
    assert f"/badges/claim/{assertion.claim_token}/" in message.body
    html = message.alternatives[0][0]
    assert "Recevoir mon badge" in html and assertion.badge_class.image.url in html
    email = OutgoingEmail.objects.get(assertion=assertion)
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1


@pytest.mark.django_db
def test_a_failed_sending_is_recorded_for_staff_and_retried(badge_class, owner, settings):
    settings.EMAIL_BACKEND = "tests.badges.test_email_sending.BrokenBackend"
    assertion = issue(badge_class, owner)
    email = OutgoingEmail.objects.get(assertion=assertion)
    with pytest.raises(Retry):
        send_email.apply(args=[email.pk], throw=True)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "SMTP server unreachable" in email.last_error


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.mark.worker
def test_a_real_worker_on_the_redis_broker_sends_the_award_email(celery_worker, badge_class, owner):
    assertion = issue(badge_class, owner)  # commits: the task goes to Redis, the worker picks it up
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        email = OutgoingEmail.objects.get(assertion=assertion)
        if email.status == OutgoingEmail.Status.SENT:
            break
        time.sleep(0.2)
    assert email.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


@pytest.mark.django_db
def test_plain_text_emails_are_not_html_escaped(badge_class, owner):
    from badges.services import assertion_revoke

    assertion = issue(badge_class, owner)
    assertion_revoke(assertion=assertion, reason="Délivré par erreur à l'atelier", revoked_by=owner)
    send_email(OutgoingEmail.objects.get(assertion=assertion, template="revoked").pk)
    message = mail.outbox[-1]
    assert "Délivré par erreur à l'atelier" in message.body
    assert "&#x27;" not in message.body and "&#x27;" not in message.subject
