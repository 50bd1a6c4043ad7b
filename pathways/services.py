"""The progress engine: enrolments, and key badges issued when a pathway is complete."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.models import Assertion, BadgeClass
from badges.services import assertion_issue
from issuers.models import Membership
from pathways.models import Enrolment, Pathway, PathwayStep


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
def enrolment_update(*, pathway: Pathway, email: str, name: str = "", started_on=None) -> Enrolment:
    """Record progress of ``email`` in ``pathway`` and issue the key badge once complete.

    Idempotent: the key badge carries an idempotency key per pathway and person.
    Time-based steps count from ``started_on``: the first badge of the pathway.
    """
    enrolment, _created = Enrolment.objects.select_for_update().get_or_create(
        pathway=pathway, recipient_email=email,
        defaults={"recipient_name": name, "started_on": started_on or timezone.now()},
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
    if not assertion.recipient_email:
        # Kept at a mediator's desk without an address (it names a passport page): progress
        # is counted by address, and a blank one would lump different people together.
        return []
    pathways = Pathway.objects.filter(steps__badge_class=assertion.badge_class).prefetch_related("steps").distinct()
    return [
        enrolment_update(pathway=pathway, email=assertion.recipient_email, name=assertion.recipient_name,
                         started_on=assertion.issued_on)
        for pathway in pathways
    ]


@transaction.atomic
def time_based_step_confirm(*, enrolment: Enrolment, step: PathwayStep, confirmed_by, comment: str = "") -> Assertion:
    """A mediator confirms the condition of a time-based step whose delay has
    passed: the step badge is issued (automatic on criteria, confirmed by them)."""
    if step.pathway_id != enrolment.pathway_id:
        raise ValidationError(_("Cette étape n'appartient pas à ce parcours."))
    if not Membership.objects.filter(user=confirmed_by, issuer_id=enrolment.pathway.issuer_id,
                                     role__in=Membership.ISSUING_ROLES).exists():
        raise PermissionDenied
    if timezone.now() < enrolment.started_on + timedelta(days=step.min_delay_days):
        raise ValidationError(_("Le délai de cette étape n'est pas encore écoulé."))
    narrative = _("Condition confirmée : %(condition)s") % {"condition": step.condition or step.badge_class.name}
    if comment.strip():
        narrative += "\n" + comment.strip()
    return assertion_issue(
        badge_class=step.badge_class,
        recipient_email=enrolment.recipient_email,
        recipient_name=enrolment.recipient_name,
        issued_by=confirmed_by,
        via=Assertion.Via.AUTOMATIC,
        narrative=narrative,
        idempotency_key=f"step:{step.pk}:{enrolment.recipient_email}",
    )


@transaction.atomic
def pathway_key_badge_make_automatic(*, pathway: Pathway) -> bool:
    """A key badge is issued by the progress engine only: set it to "automatic on
    criteria" (not by a mediator, not on request, not self-issued). True when
    something changed, so the admin can say so."""
    badge = BadgeClass.objects.select_for_update().get(pk=pathway.key_badge_id)
    wanted = {"automatic": True, "issuable_by_mediator": False, "requestable": False, "self_issuable": False}
    if all(getattr(badge, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(badge, name, value)
    badge.full_clean()
    badge.save(update_fields=list(wanted))
    pathway.key_badge = badge
    return True
