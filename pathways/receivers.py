from django.dispatch import receiver

from badges.signals import assertion_issued


@receiver(assertion_issued)
def queue_progress_update(sender, assertion_id: int, badge_class_id: int | None = None, **kwargs) -> None:
    # Sent on commit already: queue our own task, never do the work inline. Most
    # badges belong to no pathway: one cheap query saves a task per badge in big batches.
    from pathways.models import PathwayStep
    from pathways.tasks import update_progress

    if badge_class_id is not None and not PathwayStep.objects.filter(badge_class_id=badge_class_id).exists():
        return
    update_progress.delay(assertion_id)
