from celery import shared_task

from badges.models import Assertion


@shared_task(bind=True, max_retries=5, retry_backoff=10, acks_late=True, time_limit=120, soft_time_limit=100)
def update_progress(self, assertion_id: int) -> int:
    from pathways.services import progress_for_assertion

    assertion = Assertion.objects.filter(pk=assertion_id, revoked=False).first()
    if assertion is None:
        return 0
    try:
        return len(progress_for_assertion(assertion=assertion))
    except Exception as exc:
        raise self.retry(exc=exc)



@shared_task(bind=True, max_retries=5, retry_backoff=10, acks_late=True, time_limit=600, soft_time_limit=540)
def update_progress_many(self, assertion_ids: list[int]) -> int:
    """The pathway progress of a chunk of a bulk issue; idempotent like update_progress."""
    from pathways.services import progress_for_assertion

    count = 0
    try:
        for assertion in Assertion.objects.filter(pk__in=assertion_ids, revoked=False).select_related("badge_class"):
            count += len(progress_for_assertion(assertion=assertion))
    except Exception as exc:
        raise self.retry(exc=exc)
    return count
