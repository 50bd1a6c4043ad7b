"""Thin Celery tasks: take ids, call a service, are idempotent, retry with backoff."""

import logging

from celery import shared_task

from badges.models import Assertion, OutgoingEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, retry_backoff=30, retry_backoff_max=3600, acks_late=True,
             time_limit=60, soft_time_limit=50)
def send_email(self, email_id: int) -> str:
    from badges.services import email_send

    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status == OutgoingEmail.Status.SENT:
        return "skipped"
    try:
        email_send(email=email)
    except Exception as exc:
        # Stays FAILED (visible to issuer staff, with a resend action) if all retries fail.
        raise self.retry(exc=exc)
    return "sent"


@shared_task(bind=True, max_retries=5, retry_backoff=30, retry_backoff_max=3600, acks_late=True,
             time_limit=300, soft_time_limit=270)
def send_emails(self, email_ids: list[int]) -> int:
    """Send a chunk of e-mails over one connection; retries only those that failed."""
    from badges.services.emails import emails_send

    failed = emails_send(email_ids=email_ids)
    if failed:
        # Each failure is recorded FAILED on its row; the others are sent already.
        raise self.retry(args=[[email.pk for email in failed]], countdown=min(3600, 30 * 2 ** self.request.retries),
                         exc=RuntimeError(f"{len(failed)} e-mail(s) not sent: {failed[0].last_error}"))
    return len(email_ids)


@shared_task
def retry_failed_emails() -> int:
    """Beat job: one more attempt for e-mails whose retries ran out (SMTP outage)."""
    from badges.services import email_resend

    failed = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED, attempts__lt=10)[:500]
    for email in failed:
        email_resend(email=email)
    return len(failed)


@shared_task(bind=True, max_retries=5, retry_backoff=10, acks_late=True, time_limit=120, soft_time_limit=100)
def finalise_assertion(self, assertion_id: int) -> str:
    """Sign the Open Badges documents of an assertion and bake its images."""
    from badges.issuing import assertion_finalise

    assertion = Assertion.objects.filter(pk=assertion_id).first()
    if assertion is None:
        return "missing"
    try:
        assertion_finalise(assertion=assertion)
    except Exception as exc:
        logger.exception("Finalising assertion %s failed", assertion_id)
        Assertion.objects.filter(pk=assertion_id).update(bake_error=f"{type(exc).__name__}: {exc}")
        raise self.retry(exc=exc)
    return "done"


@shared_task(bind=True, max_retries=5, retry_backoff=10, acks_late=True, time_limit=600, soft_time_limit=540)
def finalise_assertions(self, assertion_ids: list[int]) -> int:
    """Sign and bake a chunk of assertions; retries only those that failed."""
    from badges.issuing import assertions_finalise

    errors = assertions_finalise(assertion_ids=assertion_ids)
    if errors:
        pk, exc = next(iter(errors.items()))
        logger.error("Finalising %d assertion(s) failed, e.g. %s: %r", len(errors), pk, exc)
        raise self.retry(args=[list(errors)], exc=exc, countdown=min(600, 10 * 2 ** self.request.retries))
    return len(assertion_ids)


@shared_task(bind=True, max_retries=3, retry_backoff=15, acks_late=True, time_limit=3600, soft_time_limit=3300)
def run_issue_batch(self, batch_id: int) -> str:
    """Issue the rows of a confirmed CSV batch; resumes after the last committed chunk."""
    from badges.services.batches import batch_fail, batch_run

    try:
        batch = batch_run(batch_id=batch_id)
    except Exception as exc:
        logger.exception("Issue batch %s failed", batch_id)
        if self.request.retries >= self.max_retries:
            batch_fail(batch_id=batch_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc)
    return batch.status
