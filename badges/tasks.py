"""Thin Celery tasks: take ids, call a service, are idempotent, retry with backoff."""

import logging

from celery import shared_task

from badges.models import Assertion, OutgoingEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, retry_backoff=30, retry_backoff_max=600, acks_late=True,
             time_limit=60, soft_time_limit=50)
def send_email(self, email_id: int) -> str:
    from badges.services.emails import email_send_once

    try:
        if email_send_once(email_id=email_id) is None:
            return "skipped"
    except Exception as exc:
        # Stays FAILED (visible to issuer staff, with a resend action) if all retries fail.
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries))
    return "sent"


@shared_task(bind=True, max_retries=5, retry_backoff=30, retry_backoff_max=600, acks_late=True,
             time_limit=300, soft_time_limit=270)
def send_emails(self, email_ids: list[int]) -> int:
    """Send a chunk of e-mails over one connection; retries only those that failed."""
    from badges.services.emails import emails_send

    failed = emails_send(email_ids=email_ids)
    if failed:
        # Each failure is recorded FAILED on its row; the others are sent already.
        raise self.retry(args=[[email.pk for email in failed]], countdown=min(600, 30 * 2 ** self.request.retries),
                         exc=RuntimeError(f"{len(failed)} e-mail(s) not sent: {failed[0].last_error}"))
    return len(email_ids)


# Acknowledged on receipt (no acks_late): the next round (seconds later) does again what a
# lost one did not, and a message a worker holds unacknowledged when Redis goes away is
# what kombu fails to restore (the consumer stops).
@shared_task(acks_late=False, time_limit=120, soft_time_limit=100)
def send_due_award_emails() -> int:
    """Beat job, every few seconds: award e-mails whose grouping delay has passed."""
    from badges.services.emails import award_emails_send_due

    return award_emails_send_due()


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
        raise self.retry(exc=exc, countdown=min(600, 10 * 2 ** self.request.retries))
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


@shared_task(bind=True, max_retries=3, retry_backoff=15, acks_late=True, time_limit=300, soft_time_limit=270)
def run_issue_batch(self, batch_id: int) -> int:
    """Start a confirmed CSV batch: queue a task for each chunk not issued yet."""
    from badges.services.batches import batch_fail, batch_run
    from badges.services.queueing import task_queue

    try:
        chunks = batch_run(batch_id=batch_id)
    except Exception as exc:
        logger.exception("Issue batch %s failed to start", batch_id)
        if self.request.retries >= self.max_retries:
            batch_fail(batch_id=batch_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=15 * 2 ** self.request.retries)
    for offset, rows in chunks:
        task_queue(run_issue_batch_chunk, batch_id, offset, rows)
    return len(chunks)


@shared_task(bind=True, max_retries=3, retry_backoff=15, acks_late=True, time_limit=600, soft_time_limit=540)
def run_issue_batch_chunk(self, batch_id: int, offset: int, rows: list[dict]) -> bool:
    """Issue, sign and bake one chunk of a batch; idempotent (a chunk counts once)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from badges.services.batches import batch_chunk_run, batch_fail

    try:
        return batch_chunk_run(batch_id=batch_id, offset=offset, rows=rows)
    except (PermissionDenied, ValidationError) as exc:
        # Not worth retrying: the mediator lost the habilitation, or the badge was archived.
        batch_fail(batch_id=batch_id, error=" ".join(getattr(exc, "messages", [str(exc)])))
        return False
    except Exception as exc:
        logger.exception("Chunk %s of issue batch %s failed", offset, batch_id)
        if self.request.retries >= self.max_retries:
            batch_fail(batch_id=batch_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=15 * 2 ** self.request.retries)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def purge_draft_files() -> int:
    """Beat job: delete the partner form's draft files abandoned for more than two days."""
    from badges.services.uploads import draft_files_purge

    return draft_files_purge()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def requeue_stalled_work() -> dict:
    """Beat job, every minute: queue again what a dead broker or worker left unfinished."""
    from dataclasses import asdict

    from badges.services.recovery import stalled_work_requeue

    return asdict(stalled_work_requeue())


# No retries: a verifier's visitor is waiting on the page; a failure is shown to them at once.
# The fetcher's own deadline (badges/verification.py) comes well before these limits.
@shared_task(acks_late=True, time_limit=90, soft_time_limit=75)
def run_verification_job(job_id: int) -> str:
    from badges.services.verifier import verification_job_run

    return verification_job_run(job_id=job_id)


@shared_task
def purge_verification_jobs() -> int:
    from badges.services.verifier import verification_jobs_purge

    return verification_jobs_purge()


@shared_task(bind=True, acks_late=True, max_retries=5, time_limit=900, soft_time_limit=840)
def resign_ob2_jws(self, issuer_id: int) -> int:
    """After an RSA key rotation: the issuer's OB 2.0 JWS signed again with the current key."""
    from badges.issuing import assertions_ob2_resign

    try:
        return assertions_ob2_resign(issuer_id=issuer_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=60 * (self.request.retries + 1)) from exc


@shared_task
def purge_oauth_tokens() -> None:
    """Expired OB 3.0 API tokens and codes (django-oauth-toolkit's ``cleartokens``)."""
    from oauth2_provider.models import clear_expired

    clear_expired()
# The API's webhook tasks, registered with the app's (autodiscovery reads badges.tasks).
from badges.api_v1.tasks import deliver_webhook, resend_webhook, sweep_webhooks  # noqa: E402,F401
