"""The sweeper queues again what lost its task (a Redis restart, a dead worker); a real
worker then finishes it, once."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from badges.models import Assertion, IssueBatch, OutgoingEmail, PendingTask
from badges.services import assertion_issue, batch_create, batch_start
from badges.services.recovery import stalled_work_requeue
from tests.worker import running_worker


def _wait(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _age(model, **filters) -> None:
    model.objects.filter(**filters).update(created_at=timezone.now() - timedelta(minutes=10))


@pytest.mark.django_db(transaction=True)
def test_badges_and_emails_whose_tasks_were_lost_are_signed_and_sent_once(badge_class, mediator):
    assertion = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator)
    recent = assertion_issue(badge_class=badge_class, recipient_email="lea@example.org", issued_by=mediator)
    _age(Assertion, pk=assertion.pk)
    _age(OutgoingEmail, assertion=assertion)
    with running_worker():  # starts by emptying the queue: the tasks queued above are lost
        queued = stalled_work_requeue()
        assert (queued.assertions, queued.emails) == (1, 1)  # the recent badge may still be on its way
        _wait(lambda: Assertion.objects.filter(pk=assertion.pk, baked_at__isnull=False).exists()
              and OutgoingEmail.objects.filter(assertion=assertion, status=OutgoingEmail.Status.SENT).exists())
        again = stalled_work_requeue()  # nothing left to do for it
        assert (again.assertions, again.emails) == (0, 0)
    assertion.refresh_from_db()
    assert assertion.ob3_credential and assertion.baked_png
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert not Assertion.objects.get(pk=recent.pk).baked_at


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_tasks_were_lost_finishes_by_itself(badge_class, mediator):
    batch = batch_create(badge_class=badge_class, created_by=mediator,
                         data=b"nom;e-mail\n" + b"".join(b"P %d;p%d@example.org\n" % (n, n) for n in range(120)))
    batch_start(batch=batch, started_by=mediator)
    IssueBatch.objects.filter(pk=batch.pk).update(progressed_at=timezone.now() - timedelta(minutes=10))
    with running_worker():
        assert stalled_work_requeue().batches == 1
        _wait(lambda: IssueBatch.objects.get(pk=batch.pk).status == IssueBatch.Status.DONE)
    batch.refresh_from_db()
    assert batch.done == 120 and Assertion.objects.count() == 120
    assert len(mail.outbox) == 120


@pytest.mark.django_db(transaction=True)
def test_tasks_kept_while_the_broker_was_down_are_queued_when_it_is_back(badge_class, mediator):
    assertion = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator,
                                notify=False)
    PendingTask.objects.create(name="badges.tasks.finalise_assertion", args=[assertion.pk])
    with running_worker():
        assert stalled_work_requeue().tasks == 1
        _wait(lambda: Assertion.objects.filter(pk=assertion.pk, baked_at__isnull=False).exists())
    assert not PendingTask.objects.exists()
