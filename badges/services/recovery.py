"""The sweeper: work the database records as unfinished is queued again.

A task can be lost between a commit and the worker that should run it: the broker
was down when it was queued, or the worker died (SIGKILL, out of memory) holding its
message, which Redis gives back only after the visibility timeout. Every minute the
beat job queues again what has waited for more than ``BADGEHUB_STALLED_AFTER_SECONDS``.
Re-queuing is safe: signing skips a badge already baked, an e-mail is sent by whoever
holds its row lock and never once it is sent, a batch chunk counts once.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from badges.models import Assertion, IssueBatch, OutgoingEmail
from badges.services.batches import CHUNK_SIZE, batch_is_stalled
from badges.services.queueing import broker_available, pending_tasks_publish, task_publish

logger = logging.getLogger(__name__)

# Enough to catch up after an outage within a few rounds, without flooding the queue.
MAX_PER_ROUND = 5000


@dataclass
class Requeued:
    tasks: int = 0
    assertions: int = 0
    emails: int = 0
    batches: int = 0


def stalled_work_requeue(*, now=None) -> Requeued:
    """Queue again what waits for too long; returns what was queued."""
    from badges.tasks import finalise_assertions, run_issue_batch, send_emails

    result = Requeued(tasks=pending_tasks_publish())
    if not broker_available():
        return result  # still down: the next round tries again
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.BADGEHUB_STALLED_AFTER_SECONDS)

    # Badges never signed nor baked. A badge whose signing failed has its error recorded
    # and its own task retrying: left to it (and to staff, if the error stays).
    unbaked = list(Assertion.objects.filter(baked_at__isnull=True, bake_error="", created_at__lt=before)
                   .exclude(issued_via=Assertion.Via.IMPORT).order_by("pk").values_list("pk", flat=True)
                   [:MAX_PER_ROUND])
    for start in range(0, len(unbaked), CHUNK_SIZE):
        if not task_publish(name=finalise_assertions.name, args=[unbaked[start:start + CHUNK_SIZE]], keep=False):
            return result  # the broker went away: the next round finds them again
    result.assertions = len(unbaked)

    # Award e-mails wait their grouping delay first (services.emails.award_emails_send_due).
    awards_before = before - timedelta(seconds=settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS)
    pending = list(OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__lt=before)
                   .exclude(template="award", created_at__gte=awards_before)
                   .order_by("pk").values_list("pk", flat=True)[:MAX_PER_ROUND])
    for start in range(0, len(pending), CHUNK_SIZE):
        if not task_publish(name=send_emails.name, args=[pending[start:start + CHUNK_SIZE]], keep=False):
            return result
    result.emails = len(pending)

    for batch in IssueBatch.objects.filter(status__in=[IssueBatch.Status.QUEUED, IssueBatch.Status.RUNNING]).defer(
            "rows", "rejected"):
        if not batch_is_stalled(batch):
            continue
        if not task_publish(name=run_issue_batch.name, args=[batch.pk], keep=False):
            return result
        # Counts as progress: the batch is queued again once per stall period, not every round.
        IssueBatch.objects.filter(pk=batch.pk).update(progressed_at=now)
        result.batches += 1
    if result.assertions or result.emails or result.batches or result.tasks:
        logger.warning("Sweeper queued again: %s", result)
    return result
