from django.dispatch import receiver

from badges.signals import assertion_issued


@receiver(assertion_issued)
def queue_progress_update(sender, assertion_id: int, **kwargs) -> None:
    # Sent on commit already: queue our own task, never do the work inline.
    from pathways.tasks import update_progress

    update_progress.delay(assertion_id)
