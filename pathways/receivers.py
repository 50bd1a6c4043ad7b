from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from badges import document_cache
from badges.signals import assertion_issued, assertions_issued
from pathways.models import Enrolment, Pathway, PathwayStep


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


# --- The activity reports count enrolments and pathways (badges/document_cache.py) ----
@receiver([post_save, post_delete], sender=Enrolment)
@receiver([post_save, post_delete], sender=PathwayStep)
def pathway_part_changed(sender, instance, **kwargs) -> None:
    issuer_id = Pathway.objects.filter(pk=instance.pathway_id).values_list("issuer_id", flat=True).first()
    document_cache.issuers_reports_changed([issuer_id])


@receiver([post_save, post_delete], sender=Pathway)
def pathway_changed(sender, instance: Pathway, **kwargs) -> None:
    document_cache.issuers_reports_changed([instance.issuer_id])
