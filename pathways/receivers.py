from django.dispatch import receiver

from badges.signals import assertion_issued, assertions_issued


@receiver(assertion_issued)
def queue_progress_update(sender, assertion_id: int, badge_class_id: int | None = None, **kwargs) -> None:
    # Sent on commit already: queue our own task, never do the work inline. Most
    # badges belong to no pathway: one cheap query saves a task per badge in big batches.
    from badges.services.queueing import task_queue
    from pathways.models import PathwayStep
    from pathways.tasks import update_progress

    if badge_class_id is not None and not PathwayStep.objects.filter(badge_class_id=badge_class_id).exists():
        return
    task_queue(update_progress, assertion_id)


@receiver(assertions_issued)
def queue_progress_updates(sender, assertion_ids: list[int], badge_class_id: int, **kwargs) -> None:
    """A chunk of a bulk issue: one check and at most one task for the whole chunk."""
    from badges.services.queueing import task_queue
    from pathways.models import PathwayStep
    from pathways.tasks import update_progress_many

    if assertion_ids and PathwayStep.objects.filter(badge_class_id=badge_class_id).exists():
        task_queue(update_progress_many, assertion_ids)
