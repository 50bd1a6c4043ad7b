"""Reads of the pathways app that other apps' pages need (the wallet, badge pages)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from badges.models import Assertion, BadgeClass
from badges.selectors import user_verified_emails
from pathways.models import Enrolment, Pathway, PathwayStep


@dataclass
class StepProgress:
    badge_class: BadgeClass
    state: str  # "held", "available" or "locked"
    available_on: object = None  # date a time-based step opens
    is_key: bool = False


@dataclass
class PathwayProgress:
    pathway: Pathway
    steps: list[StepProgress] = field(default_factory=list)

    @property
    def held_count(self) -> int:
        return sum(1 for step in self.steps if step.state == "held" and not step.is_key)

    @property
    def step_count(self) -> int:
        return sum(1 for step in self.steps if not step.is_key)

    @property
    def complete(self) -> bool:
        key = [step for step in self.steps if step.is_key]
        return bool(key) and key[0].state == "held"


def pathways_with_steps():
    return Pathway.objects.select_related("issuer", "key_badge__issuer").prefetch_related(
        Prefetch("steps", queryset=PathwayStep.objects.select_related("badge_class__issuer").order_by("order"))
    )


def pathway_progress(*, held_badge_class_ids: set[int], emails: list[str]) -> list[PathwayProgress]:
    """Progress in every pathway the person is in (holds a step or is enrolled):
    each step held, available now, or locked (a time-based step whose delay has
    not passed, or the key badge before the steps are done). Three queries."""
    enrolments = {
        enrolment.pathway_id: enrolment for enrolment in Enrolment.objects.filter(recipient_email__in=emails)
    } if emails else {}
    pathways = pathways_with_steps().filter(
        Q(steps__badge_class_id__in=held_badge_class_ids) | Q(key_badge_id__in=held_badge_class_ids)
        | Q(pk__in=list(enrolments))
    ).distinct()
    now = timezone.now()
    return [_progress_of(pathway, held_badge_class_ids, enrolments.get(pathway.pk), now) for pathway in pathways]


def _progress_of(pathway: Pathway, held: set[int], enrolment: Enrolment | None, now) -> PathwayProgress:
    progress = PathwayProgress(pathway=pathway)
    for step in pathway.steps.all():
        if step.badge_class_id in held:
            progress.steps.append(StepProgress(step.badge_class, "held"))
            continue
        opens = None
        if step.min_delay_days:
            start = enrolment.started_on if enrolment else None
            opens = start + timedelta(days=step.min_delay_days) if start else None
        locked = step.min_delay_days and (opens is None or opens > now)
        progress.steps.append(StepProgress(step.badge_class, "locked" if locked else "available", opens))
    if pathway.key_badge_id:
        state = "held" if pathway.key_badge_id in held else "locked"
        progress.steps.append(StepProgress(pathway.key_badge, state, is_key=True))
    return progress


def pathway_progress_for_email(*, pathway: Pathway, email: str) -> PathwayProgress:
    """One person's progress in one pathway, by the address their badges were sent to
    (what an issuer's system knows of them; the API reads it)."""
    email = email.strip().lower()
    held = set(Assertion.objects.valid().filter(recipient_email=email).values_list("badge_class_id", flat=True))
    enrolment = Enrolment.objects.filter(pathway=pathway, recipient_email=email).first()
    pathway = pathways_with_steps().get(pk=pathway.pk)
    return _progress_of(pathway, held, enrolment, timezone.now())


def pathway_map(*, pathway: Pathway, user=None) -> PathwayProgress:
    """The picture of one pathway's steps; for a signed-in person, with their own
    progress (what they hold, what opens when)."""
    held: set[int] = set()
    enrolment = None
    if user is not None and user.is_authenticated:
        emails = user_verified_emails(user=user)
        if emails:
            held = set(Assertion.objects.valid().filter(recipient_email__in=emails).values_list(
                "badge_class_id", flat=True))
            enrolment = Enrolment.objects.filter(pathway=pathway, recipient_email__in=emails).first()
    pathway = pathways_with_steps().get(pk=pathway.pk)
    return _progress_of(pathway, held, enrolment, timezone.now())


def pathway_progress_by_badge_class(progress: list[PathwayProgress]) -> dict[int, list[Pathway]]:
    """badge class id → pathways it belongs to, from an already computed progress list."""
    result: dict[int, list[Pathway]] = {}
    for item in progress:
        for step in item.steps:
            result.setdefault(step.badge_class.pk, []).append(item.pathway)
    return result


@dataclass
class DueStep:
    enrolment: Enrolment
    step: PathwayStep
    due_since: object


def time_based_steps_due(*, issuer, now=None) -> list[DueStep]:
    """Time-based steps whose delay has passed and whose badge the person does
    not hold yet, earlier steps held: the mediator now confirms the condition."""
    now = now or timezone.now()
    pathways = list(pathways_with_steps().filter(issuer=issuer, steps__min_delay_days__gt=0).distinct())
    enrolments = Enrolment.objects.filter(pathway__in=pathways, completed_at__isnull=True).order_by("started_on")
    enrolments = list(enrolments)
    held: dict[str, set[int]] = {}
    for email, badge_id in Assertion.objects.valid().filter(
        recipient_email__in=[e.recipient_email for e in enrolments]
    ).values_list("recipient_email", "badge_class_id"):
        held.setdefault(email, set()).add(badge_id)
    by_pathway = {pathway.pk: pathway for pathway in pathways}
    due = []
    for enrolment in enrolments:
        person_held = held.get(enrolment.recipient_email, set())
        for step in by_pathway[enrolment.pathway_id].steps.all():
            if step.badge_class_id in person_held:
                continue
            opens = enrolment.started_on + timedelta(days=step.min_delay_days)
            if opens <= now:
                due.append(DueStep(enrolment, step, opens))
            break  # only the next step not held yet
    return due
