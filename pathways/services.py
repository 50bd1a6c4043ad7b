"""The progress engine: enrolments, and key badges issued when a pathway is complete."""

from django.db import transaction
from django.utils import timezone

from badges.models import Assertion
from badges.services import assertion_issue
from pathways.models import Enrolment, Pathway


def held_badge_class_ids(*, email: str) -> set[int]:
    return set(Assertion.objects.valid().filter(recipient_email=email).values_list("badge_class_id", flat=True))


def pathway_is_complete(*, pathway: Pathway, held: set[int]) -> bool:
    step_ids = [step.badge_class_id for step in pathway.steps.all()]
    if not step_ids:
        return False
    done = sum(1 for badge_id in step_ids if badge_id in held)
    if pathway.completion_rule == Pathway.CompletionRule.AT_LEAST:
        return done >= (pathway.min_steps or len(step_ids))
    return done == len(step_ids)


@transaction.atomic
def enrolment_update(*, pathway: Pathway, email: str, name: str = "") -> Enrolment:
    """Record progress of ``email`` in ``pathway`` and issue the key badge once complete.

    Idempotent: the key badge carries an idempotency key per pathway and person.
    """
    enrolment, _created = Enrolment.objects.select_for_update().get_or_create(
        pathway=pathway, recipient_email=email, defaults={"recipient_name": name}
    )
    held = held_badge_class_ids(email=email)
    if enrolment.completed_at is None and pathway_is_complete(pathway=pathway, held=held):
        enrolment.completed_at = timezone.now()
        if pathway.key_badge_id and pathway.key_badge_id not in held:
            enrolment.key_assertion = assertion_issue(
                badge_class=pathway.key_badge,
                recipient_email=email,
                recipient_name=enrolment.recipient_name or name,
                via=Assertion.Via.AUTOMATIC,
                narrative=f"Parcours « {pathway.name} » complété.",
                idempotency_key=f"pathway:{pathway.pk}:{email}",
            )
        enrolment.save()
    return enrolment


def progress_for_assertion(*, assertion: Assertion) -> list[Enrolment]:
    pathways = Pathway.objects.filter(steps__badge_class=assertion.badge_class).prefetch_related("steps").distinct()
    return [
        enrolment_update(pathway=pathway, email=assertion.recipient_email, name=assertion.recipient_name)
        for pathway in pathways
    ]
