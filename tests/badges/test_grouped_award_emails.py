"""Badges issued together to one person arrive in one e-mail that lists them all (the key
badge of a pathway included), sent once even when every badge's task runs."""

import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from badges.models import Assertion, OutgoingEmail
from badges.services import assertion_issue
from badges.services.emails import emails_send, message_id
from badges.services.issuing import IssueRow, assertions_issue_bulk
from badges.tasks import send_email
from pathways.models import Pathway, PathwayStep
from pathways.tasks import update_progress
from tests.factories import BadgeClassFactory

EMAIL = "sam@example.org"


@pytest.fixture
def pathway(issuer):
    key = BadgeClassFactory(issuer=issuer, name="Je sais gérer mes mails", automatic=True,
                            issuable_by_mediator=False)
    pathway = Pathway.objects.create(issuer=issuer, name="Communication numérique", key_badge=key)
    for order, name in enumerate(["Je sais naviguer sur Internet", "Je sais envoyer et recevoir des mails"], 1):
        PathwayStep.objects.create(pathway=pathway, order=order, badge_class=BadgeClassFactory(issuer=issuer,
                                                                                               name=name))
    return pathway


def award_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template="award").order_by("pk"))


@pytest.mark.django_db
def test_two_steps_and_the_key_badge_arrive_in_one_email(pathway, owner):
    steps = [step.badge_class for step in pathway.steps.order_by("order")]
    first = assertion_issue(badge_class=steps[0], recipient_email=EMAIL, recipient_name="Sam", issued_by=owner)
    second = assertion_issue(badge_class=steps[1], recipient_email=EMAIL, recipient_name="Sam", issued_by=owner)
    update_progress(second.pk)  # the progress engine issues the key badge
    key = Assertion.objects.get(badge_class=pathway.key_badge)

    for email in award_emails():  # every badge's own task runs
        send_email(email.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Vous avez reçu 3 badges"
    html = message.alternatives[0][0]
    for assertion in (first, second, key):
        assert assertion.badge_class.name in message.body and f"/badges/claim/{assertion.claim_token}/" in html
    assert "obtenu automatiquement" in message.body
    assert {email.status for email in award_emails()} == {OutgoingEmail.Status.SENT}


@pytest.mark.django_db
def test_a_badge_alone_keeps_its_own_email(badge_class, owner):
    assertion_issue(badge_class=badge_class, recipient_email=EMAIL, issued_by=owner)
    assertion_issue(badge_class=badge_class, recipient_email="other@example.org", issued_by=owner)
    for email in award_emails():
        send_email(email.pk)
    assert sorted(m.subject for m in mail.outbox) == [f"Vous avez reçu le badge « {badge_class.name} »"] * 2


@pytest.mark.django_db
def test_a_csv_chunk_lists_a_badge_waiting_for_the_same_person(badge_class, issuer, owner):
    earlier = assertion_issue(badge_class=BadgeClassFactory(issuer=issuer, name="Je sais utiliser un tableur"),
                              recipient_email="p1@example.org", issued_by=owner)
    rows = [IssueRow(recipient_email=f"p{i}@example.org", recipient_name=f"Personne {i}") for i in range(5)]
    assertions_issue_bulk(badge_class=badge_class, rows=rows, issued_by=owner)
    chunk = [e.pk for e in award_emails() if e.assertion_id != earlier.pk]
    assert emails_send(email_ids=chunk) == []
    assert len(mail.outbox) == 5
    grouped = next(m for m in mail.outbox if m.to == ["p1@example.org"])
    assert "Je sais utiliser un tableur" in grouped.body and badge_class.name in grouped.body
    assert OutgoingEmail.objects.get(assertion=earlier).status == OutgoingEmail.Status.SENT
    send_email(OutgoingEmail.objects.get(assertion=earlier).pk)
    assert len(mail.outbox) == 5  # its own task finds it sent


@pytest.mark.django_db
def test_a_grouped_email_sent_again_keeps_its_message_id_and_a_bigger_group_gets_a_new_one(badge_class, owner):
    for _ in range(3):
        assertion_issue(badge_class=badge_class, recipient_email=EMAIL, issued_by=owner)
    leader, *others = award_emails()
    assert message_id(leader, others) == message_id(leader, list(reversed(others)))
    assert message_id(leader, others) != message_id(leader, others[:1]) != message_id(leader)


@pytest.mark.django_db
def test_when_the_grouped_email_fails_every_badge_of_it_is_sent_later(badge_class, owner, monkeypatch):
    assertion_issue(badge_class=badge_class, recipient_email=EMAIL, issued_by=owner)
    assertion_issue(badge_class=badge_class, recipient_email=EMAIL, issued_by=owner)
    ids = [e.pk for e in award_emails()]

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        failed = emails_send(email_ids=ids)
    assert sorted(e.pk for e in failed) == ids and not mail.outbox
    assert {e.status for e in award_emails()} == {OutgoingEmail.Status.FAILED}
    assert emails_send(email_ids=ids) == []
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Vous avez reçu 2 badges"


@pytest.mark.django_db
def test_award_emails_wait_their_delay_then_the_beat_job_sends_them(pathway, owner, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from badges.services import emails, queueing
    from badges.services.recovery import stalled_work_requeue

    settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS = 30
    published = []
    monkeypatch.setattr(emails, "task_queue", lambda task, *args, **kw: published.append(task.name))
    monkeypatch.setattr(queueing, "task_publish", lambda *, name, args, **kw: published.append((name, args)) or True)
    steps = [step.badge_class for step in pathway.steps.order_by("order")]
    assertion_issue(badge_class=steps[0], recipient_email=EMAIL, issued_by=owner)
    # No task waits in the broker for its time (a broker outage would lose it).
    assert published == []
    assert emails.award_emails_send_due() == 0
    email = OutgoingEmail.objects.get()
    # Nor does the sweeper take it early, unless it waited its delay and the sweeper's too.
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    assert stalled_work_requeue().emails == 0
    assert emails.award_emails_send_due() == 1
    assert published == [("badges.tasks.send_emails", [[email.pk]])]


@pytest.mark.worker
def test_a_real_worker_sends_a_step_and_its_key_badge_in_one_email(celery_worker, pathway, owner, settings):
    from badges.services.queueing import task_publish
    from badges.tasks import send_due_award_emails

    settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS = 3
    steps = [step.badge_class for step in pathway.steps.order_by("order")]
    assertion_issue(badge_class=steps[0], recipient_email=EMAIL, recipient_name="Sam", issued_by=owner)
    assertion_issue(badge_class=steps[1], recipient_email=EMAIL, recipient_name="Sam", issued_by=owner)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        emails = award_emails()
        if len(emails) == 3 and all(e.status == OutgoingEmail.Status.SENT for e in emails):
            break
        task_publish(name=send_due_award_emails.name, args=[])  # what the beat does every few seconds
        time.sleep(1)
    assert [e.status for e in award_emails()] == [OutgoingEmail.Status.SENT] * 3
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Vous avez reçu 3 badges"
    assert "Je sais gérer mes mails" in mail.outbox[0].body
