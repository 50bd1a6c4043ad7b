"""Doubled and racing submissions issue nothing twice: the partner form's token,
self-issue, application starts and decisions, e-mails queued twice."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from badges import services
from badges.models import Application, Assertion, IssueBatch, OutgoingEmail
from badges.services import Recipient
from badges.services.emails import email_queue, emails_send
from badges.tasks import send_email


def _at_once(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads released together; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_self_issues_of_one_badge_give_one_badge(badge_class, beneficiary):
    badge_class.self_issuable = True
    badge_class.save()
    results = _at_once(20, lambda: services.assertion_self_issue(badge_class=badge_class, user=beneficiary).pk)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Assertion.objects.filter(badge_class=badge_class).count() == 1
    assert set(results) == {Assertion.objects.get().pk}


@pytest.mark.django_db
def test_a_revoked_self_issued_badge_can_be_declared_again(badge_class, beneficiary):
    badge_class.self_issuable = True
    badge_class.save()
    first = services.assertion_self_issue(badge_class=badge_class, user=beneficiary)
    services.assertion_revoke(assertion=first, reason="Déclaré par erreur")
    second = services.assertion_self_issue(badge_class=badge_class, user=beneficiary)
    assert second.pk != first.pk and not second.revoked


@pytest.mark.django_db(transaction=True)
def test_a_partner_form_confirmed_twice_at_once_issues_each_badge_once(badge_class, mediator):
    recipients = [Recipient(email="sam@example.org", name="Sam"), Recipient(email="lea@example.org", name="Léa")]
    results = _at_once(2, lambda: [a.pk for a in services.assertion_issue_many(
        badge_class=badge_class, recipients=recipients, issued_by=mediator, idempotency_token="a" * 32)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Assertion.objects.count() == 2
    assert results[0] == results[1]
    assert OutgoingEmail.objects.filter(template="award").count() == 2


@pytest.mark.django_db
def test_the_partner_form_confirmation_carries_its_draft_token_and_a_replay_issues_nothing(client, mediator,
                                                                                           badge_class):
    client.force_login(mediator)
    issue = reverse("partner:issue", kwargs={"public_id": badge_class.public_id})
    preview = reverse("partner:issue_preview", kwargs={"public_id": badge_class.public_id})
    client.post(issue, {"recipients": "Sam <sam@example.org>", "narrative": "", "evidence_url": "",
                        "issued_on": timezone.localdate().isoformat()})
    token = client.session[f"partner_draft:{badge_class.public_id}"]["token"]
    assert f'name="idempotency_token" value="{token}"' in client.get(preview).content.decode()
    # The answer was lost (an error page after the commit): the same confirmation is sent
    # again with the draft still there.
    draft = client.session[f"partner_draft:{badge_class.public_id}"]
    assert client.post(preview, {"idempotency_token": token}).status_code == 302
    session = client.session
    session[f"partner_draft:{badge_class.public_id}"] = draft
    session.save()
    assert client.post(preview, {"idempotency_token": token}).status_code == 302
    assert Assertion.objects.filter(recipient_email="sam@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_at_once_issue_one_badge(requestable, reviewer, beneficiary):
    application, _resumed = services.application_start(badge_class=requestable, applicant=beneficiary)
    services.application_save(application=application, answers={"Quel mail avez-vous envoyé ?": "À ma fille"})
    services.application_submit(application=application)
    results = _at_once(2, lambda: services.application_accept(application=application, reviewer=reviewer))
    assert Assertion.objects.count() == 1
    assert len([r for r in results if isinstance(r, Application)]) == 1  # the other is told it is decided
    assert OutgoingEmail.objects.filter(template="application_decision").count() == 1


@pytest.mark.django_db
def test_deciding_again_from_the_review_page_changes_nothing(client, requestable, reviewer, beneficiary):
    application, _resumed = services.application_start(badge_class=requestable, applicant=beneficiary)
    services.application_save(application=application, answers={"Quel mail avez-vous envoyé ?": "À ma fille"})
    services.application_submit(application=application)
    client.force_login(reviewer)
    review = reverse("partner:review", kwargs={"public_id": application.public_id})
    assert client.post(review, {"decision": "accept", "comment": "Bravo"}).status_code == 302
    again = client.post(review, {"decision": "refuse", "comment": "Finalement non"})
    page = again.content.decode()
    assert again.status_code == 200 and "acceptée" in page and "Finalement non" not in page
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED and Assertion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_anonymous_starts_at_once_open_one_application(requestable):
    results = _at_once(2, lambda: services.application_start(badge_class=requestable, name="Sam",
                                                              email="sam@example.org")[0].pk)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Application.objects.count() == 1 and len(set(results)) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_twice_is_sent_once_even_at_the_same_time(issuer):
    email = email_queue(to="sam@example.org", template="verify_email", context={"path": "/x/", "name": "Sam"})
    _at_once(3, lambda: emails_send(email_ids=[email.pk]))
    send_email(email.pk)  # delivered once more, later
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1


@pytest.mark.django_db
def test_a_running_batch_that_stopped_moving_can_be_started_again(badge_class, mediator,
                                                                  django_capture_on_commit_callbacks):
    batch = services.batch_create(badge_class=badge_class, created_by=mediator,
                                  data=b"nom;e-mail\nSam;sam@example.org\n")
    IssueBatch.objects.filter(pk=batch.pk).update(status=IssueBatch.Status.RUNNING,
                                                  progressed_at=timezone.now() - timedelta(seconds=30))
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks() as queued:
        assert services.batch_start(batch=batch, started_by=mediator).status == IssueBatch.Status.RUNNING
    assert queued == []  # it moved 30 s ago: still running, a second click is ignored
    IssueBatch.objects.filter(pk=batch.pk).update(progressed_at=timezone.now() - timedelta(minutes=10))
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks() as queued:
        assert services.batch_start(batch=batch, started_by=mediator).status == IssueBatch.Status.QUEUED
    assert len(queued) == 1
