"""The public verifier's jobs: recorded by the page, verified by a worker, read back by the page.

A badge may make us fetch other servers (its issuer, keys, status list, endorsements): that
happens in a Celery worker, never in a web worker, so slow servers cannot take the site down."""

import logging
from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.models import VerificationJob

logger = logging.getLogger(__name__)

# A job still "running" this long after it started lost its worker (killed): it may run again.
STALE_RUN = timedelta(minutes=3)


@transaction.atomic
def verification_job_create(*, text: str = "", file: bytes | None = None, expected_email: str = "") -> VerificationJob:
    job = VerificationJob(text=text.strip(), file=file, expected_email=expected_email or "")
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: int) -> None:
    from badges.tasks import run_verification_job

    try:
        run_verification_job.delay(job_id)
    except Exception:
        # The broker is unreachable: say so on the page rather than answer 500 or poll for ever.
        logger.exception("Verification job %s could not be queued", job_id)
        VerificationJob.objects.filter(pk=job_id, status=VerificationJob.Status.PENDING).update(
            status=VerificationJob.Status.FAILED, finished_at=timezone.now(),
            error=_("Le service de vérification est momentanément indisponible. Réessayez dans quelques minutes."))


def report_as_dict(report) -> dict:
    """What the result page shows. The badge's own document stays out (it names its recipient)."""
    return {"valid": report.valid, "status": report.status, "version": report.version,
            "badge_name": report.badge_name, "issuer_name": report.issuer_name,
            "recipient_match": report.recipient_match, "revocation_reason": report.revocation_reason,
            "holder": report.holder,
            "checks": [asdict(check) for check in report.checks]}


def verification_job_run(*, job_id: int) -> str:
    """Verify a job's badge once (idempotent: a finished or running job is left alone)."""
    from badges.verification import verify_badge

    now = timezone.now()
    claimed = VerificationJob.objects.filter(pk=job_id, created_at__gt=now - VerificationJob.TTL).filter(
        status=VerificationJob.Status.PENDING,
    ).update(status=VerificationJob.Status.RUNNING, started_at=now) or VerificationJob.objects.filter(
        pk=job_id, status=VerificationJob.Status.RUNNING, started_at__lt=now - STALE_RUN,
    ).update(started_at=now)
    if not claimed:
        return "skipped"
    job = VerificationJob.objects.get(pk=job_id)
    data = bytes(job.file) if job.file is not None else job.text
    try:
        report = report_as_dict(verify_badge(data, expected_email=job.expected_email or None))
    except Exception:
        logger.exception("Verification job %s failed", job_id)
        job.status, job.error = VerificationJob.Status.FAILED, _("La vérification a échoué. Réessayez plus tard.")
    else:
        job.status, job.report = VerificationJob.Status.DONE, report
    # What was submitted is not kept once verified.
    job.text, job.file, job.finished_at = "", None, timezone.now()
    job.save(update_fields=["status", "report", "error", "text", "file", "finished_at"])
    return job.status


def verification_jobs_purge() -> int:
    """Delete expired jobs (beat); returns how many."""
    deleted, _detail = VerificationJob.objects.filter(created_at__lte=timezone.now() - VerificationJob.TTL).delete()
    return deleted
