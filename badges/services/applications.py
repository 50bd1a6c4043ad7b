"""Badges on request: an applicant gathers evidence (draft, resume, submit), a reviewer decides.
Self-issued badges live here too: a request that needs no reviewer."""

import hashlib
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from badges import selectors
from badges.api_v1.models import Event
from badges.api_v1.webhooks import application_event
from badges.models import Application, Assertion, BadgeClass, EmailAddress, Evidence
from badges.services.emails import email_queue
from badges.services.issuing import EvidenceInput, assertion_issue, evidence_add

EDITABLE = (Application.Status.DRAFT, Application.Status.MORE_EVIDENCE)


def _applicant_email(user: AbstractBaseUser) -> str:
    emails = selectors.user_verified_emails(user=user)
    return (emails[0] if emails else user.email).lower()


def _application_link(application: Application) -> str:
    return reverse("partner:application_edit", kwargs={"token": application.access_token})


@transaction.atomic
def application_start(*, badge_class: BadgeClass, applicant: AbstractBaseUser | None = None, name: str = "",
                      email: str = "") -> tuple[Application, bool]:
    """Open an application, or find the open one of this person for this badge.

    Returns ``(application, resumed)``. An applicant without an account gets a
    magic link by e-mail; an open application of theirs is only ever reached
    through that link, so typing someone else's address reveals nothing.
    """
    if not badge_class.requestable or badge_class.archived:
        raise ValidationError(_("Ce badge ne se demande pas."))
    if applicant is not None and applicant.is_authenticated:
        email = _applicant_email(applicant)
        name = name or applicant.get_full_name() or applicant.get_username()
    email = email.strip().lower()
    open_ones = Application.objects.filter(badge_class=badge_class, applicant_email=email, status__in=EDITABLE)
    existing = open_ones.first()
    if existing is not None:
        if applicant is None or not applicant.is_authenticated:
            _send_link(existing)
        return existing, True
    application = Application(
        badge_class=badge_class,
        applicant=applicant if applicant is not None and applicant.is_authenticated else None,
        applicant_email=email,
        applicant_name=name.strip(),
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Started twice at once (a double click): the first one is the application.
        return open_ones.get(), True
    if application.applicant is None:
        _send_link(application)
    return application, False


def _send_link(application: Application) -> None:
    email_queue(
        to=application.applicant_email,
        template="application_link",
        context={"name": application.applicant_name, "badge_name": application.badge_class.name,
                 "link": _application_link(application)},
        issuer=application.badge_class.issuer,
    )


@transaction.atomic
def application_save(*, application: Application, answers: dict[str, str],
                     evidence: Iterable[EvidenceInput] = ()) -> Application:
    """Save the draft: answers and any new evidence."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE:
        raise ValidationError(_("Cette demande a déjà été envoyée : elle ne peut plus être modifiée."))
    questions = application.badge_class.question_list
    application.answers = {q: (answers.get(q) or "").strip() for q in questions}
    for item in evidence:
        evidence_add(item=item, application=application)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_evidence_remove(*, application: Application, evidence: Evidence) -> None:
    """Take a piece of evidence back out of a draft, before it is sent.

    The file leaves the storage only once the removal is committed: a rolled-back
    removal must not leave a row pointing at nothing.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE:
        raise ValidationError(_("Cette demande a déjà été envoyée : elle ne peut plus être modifiée."))
    if evidence.application_id != application.pk or evidence.assertion_id is not None:
        # Evidence of an accepted application documents the badge: never the applicant's to remove.
        raise PermissionDenied
    if evidence.file:
        storage, name = evidence.file.storage, evidence.file.name
        transaction.on_commit(lambda: storage.delete(name))
    evidence.delete()
    application.save(update_fields=["updated_at"])


@transaction.atomic
def application_submit(*, application: Application) -> Application:
    """Check the saved draft is complete and send it to the reviewers."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE:
        raise ValidationError(_("Cette demande a déjà été envoyée : elle ne peut plus être modifiée."))
    errors = []
    if any(not application.answers.get(q) for q in application.badge_class.question_list):
        errors.append(_("Répondez à toutes les questions avant d'envoyer votre demande."))
    if application.badge_class.evidence_required and not application.evidence.exists():
        errors.append(_("Ce badge demande au moins une preuve."))
    if errors:
        raise ValidationError(errors)
    resubmitted = application.status == Application.Status.MORE_EVIDENCE
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.full_clean()
    application.save()
    _tell_reviewers(application, resubmitted=resubmitted)
    application_event(application=application, event=Event.APPLICATION_SUBMITTED)
    return application


def _tell_reviewers(application: Application, *, resubmitted: bool) -> None:
    """One e-mail to each reviewer of the badge, so a submission never waits unseen in the queue.

    A reviewer who applies for the badge themself is not told about their own application.
    """
    badge_class = application.badge_class
    reviewers = list(selectors.badge_class_reviewers(badge_class=badge_class))
    verified: dict[int, list[str]] = {}
    addresses = EmailAddress.objects.filter(user__in=reviewers, verified_at__isnull=False).order_by("-primary", "pk")
    for user_id, address in addresses.values_list("user_id", "email"):
        verified.setdefault(user_id, []).append(address)
    context = {
        "badge_name": badge_class.name, "issuer_name": badge_class.issuer.name,
        "applicant_name": application.applicant_name, "resubmitted": resubmitted,
        "review_link": reverse("partner:review", kwargs={"public_id": application.public_id}),
        "queue_link": f"{reverse('partner:review_queue')}?badge={badge_class.public_id}",
    }
    told = {application.applicant_email.lower()}
    for reviewer in reviewers:
        own = {address.lower() for address in [*verified.get(reviewer.pk, []), reviewer.email] if address}
        if reviewer.pk == application.applicant_id or application.applicant_email.lower() in own:
            continue
        to = (verified.get(reviewer.pk) or [reviewer.email])[0].lower()
        if not to or to in told:
            continue
        told.add(to)
        email_queue(to=to, template="application_submitted", context={**context, "name": reviewer.get_full_name()},
                    issuer=badge_class.issuer)


def _check_reviewer(*, application: Application, reviewer: AbstractBaseUser) -> None:
    if not selectors.user_can_review(user=reviewer, badge_class=application.badge_class):
        raise PermissionDenied(_("Vous n'évaluez pas ce badge."))
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Cette demande n'attend pas de décision."))


def _decide(application: Application, *, reviewer: AbstractBaseUser, status: str, comment: str) -> None:
    application.status = status
    application.reviewer = reviewer
    application.decision_comment = comment.strip()
    application.decided_at = timezone.now()
    application.full_clean()
    application.save()
    application_event(application=application, event=Event.APPLICATION_DECIDED)


def _tell_applicant(application: Application, *, decision: str, assertion: Assertion | None = None) -> None:
    email_queue(
        to=application.applicant_email,
        template="application_decision",
        context={"decision": decision, "name": application.applicant_name,
                 "badge_name": application.badge_class.name, "comment": application.decision_comment,
                 "link": _application_link(application)},
        issuer=application.badge_class.issuer,
        assertion=assertion,
    )


@transaction.atomic
def application_accept(*, application: Application, reviewer: AbstractBaseUser, comment: str = "") -> Application:
    """Issue the badge with the application's evidence attached."""
    application = Application.objects.select_for_update().select_related("badge_class__issuer").get(
        pk=application.pk)
    _check_reviewer(application=application, reviewer=reviewer)
    narrative = "\n\n".join(f"{q}\n{a}" for q, a in application.answers_in_order() if a)
    assertion = assertion_issue(
        badge_class=application.badge_class,
        recipient_email=application.applicant_email,
        recipient_name=application.applicant_name,
        issued_by=reviewer,
        via=Assertion.Via.APPLICATION,
        narrative=narrative,
        idempotency_key=f"application:{application.pk}",
        notify=False,  # the decision e-mail carries the claim link
    )
    # The same evidence rows now document the assertion: nothing is copied.
    application.evidence.update(assertion=assertion)
    application.assertion = assertion
    _decide(application, reviewer=reviewer, status=Application.Status.ACCEPTED, comment=comment)
    _tell_applicant(application, decision="accepted", assertion=assertion)
    return application


@transaction.atomic
def application_refuse(*, application: Application, reviewer: AbstractBaseUser, comment: str) -> Application:
    if not comment.strip():
        raise ValidationError({"comment": _("Expliquez au demandeur pourquoi sa demande est refusée.")})
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_reviewer(application=application, reviewer=reviewer)
    _decide(application, reviewer=reviewer, status=Application.Status.REFUSED, comment=comment)
    _tell_applicant(application, decision="refused")
    return application


@transaction.atomic
def application_request_more(*, application: Application, reviewer: AbstractBaseUser, comment: str) -> Application:
    if not comment.strip():
        raise ValidationError({"comment": _("Indiquez quelles preuves ajouter.")})
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_reviewer(application=application, reviewer=reviewer)
    _decide(application, reviewer=reviewer, status=Application.Status.MORE_EVIDENCE, comment=comment)
    _tell_applicant(application, decision="more_evidence")
    return application


@transaction.atomic
def assertion_self_issue(*, badge_class: BadgeClass, user: AbstractBaseUser, narrative: str = "",
                         evidence: Iterable[EvidenceInput] = ()) -> Assertion:
    """A self-declared badge, issued at once to the signed-in person who asks."""
    if not user.is_authenticated:
        raise PermissionDenied
    email = _applicant_email(user)
    # The n-th self-issue of this badge to this address has one key: requests racing
    # (a double tap, 20 tabs) all want the same n, and the unique index lets one win;
    # the others get its badge. Once it is revoked or expired, n + 1 can be asked for.
    # Counted before looking for a held badge: a racer that committed in between is
    # then found held, never counted (n + 1 would be a second badge).
    earlier = Assertion.objects.filter(badge_class=badge_class, recipient_email=email,
                                       issued_via=Assertion.Via.SELF).count()
    held = Assertion.objects.valid().filter(badge_class=badge_class, recipient_email=email).first()
    if held is not None:
        return held
    return assertion_issue(
        idempotency_key=f"self:{badge_class.pk}:{hashlib.sha256(email.encode()).hexdigest()}:{earlier}",
        badge_class=badge_class,
        recipient_email=email,
        recipient_name=user.get_full_name() or user.get_username(),
        issued_by=user,
        via=Assertion.Via.SELF,
        narrative=narrative,
        evidence=evidence,
    )
