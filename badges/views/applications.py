"""Badges on request: the public request page, its QR code, the applicant's draft,
self-issued badges, and the reviewers' queue."""

import io
import uuid

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import selectors, services, throttle
from badges.forms import ApplicationForm, ApplicationStartForm, ReviewForm, SelfIssueForm
from badges.models import Application, BadgeClass
from badges.services import EvidenceInput
from issuers.models import Membership


def _requestable(public_id) -> BadgeClass:
    return get_object_or_404(BadgeClass.objects.requestable().select_related("issuer"), public_id=public_id)


def short_code(badge_class: BadgeClass) -> str:
    """Base-36 primary key: short enough to type from a poster, stable for the badge's life."""
    number, digits = badge_class.pk, ""
    while True:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if not number:
            return digits


@require_GET
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    try:
        pk = int(code, 36)
    except ValueError:
        raise Http404
    badge_class = get_object_or_404(BadgeClass.objects.requestable(), pk=pk)
    return redirect("partner:request", public_id=badge_class.public_id)


def _request_url(request: HttpRequest, badge_class: BadgeClass) -> str:
    return request.build_absolute_uri(reverse("partner:short_link", kwargs={"code": short_code(badge_class)}))


@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Where a QR code leads: what the badge recognises, and how to ask for it."""
    badge_class = _requestable(public_id)
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST":
        if not badge_class.requestable:
            raise Http404
        if request.user.is_authenticated or form.is_valid():
            data = form.cleaned_data if not request.user.is_authenticated else {}
            if not request.user.is_authenticated:  # an anonymous start e-mails the address typed
                throttle.check(throttle.APPLICATION_START_PER_CLIENT, throttle.client_ip(request))
                throttle.check(throttle.APPLICATION_START_PER_ADDRESS, data["email"])
            try:
                application, resumed = services.application_start(
                    badge_class=badge_class, applicant=request.user, name=data.get("name", ""),
                    email=data.get("email", ""),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("partner:request", public_id=badge_class.public_id)
            if resumed and not request.user.is_authenticated:
                return render(request, "badges/partner/application_link_sent.html",
                              {"badge_class": badge_class, "email": application.applicant_email})
            return redirect("partner:application_edit", token=application.access_token)
    # The short link and the poster are the issuer staff's tools, not the applicant's.
    staff = request.user.is_authenticated and Membership.objects.filter(
        user=request.user, issuer_id=badge_class.issuer_id).exists()
    return render(request, "badges/partner/request.html", {
        "badge_class": badge_class, "form": form, "self_form": SelfIssueForm(),
        "short_url": _request_url(request, badge_class) if staff else "",
    })


@require_GET
def request_poster(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    badge_class = _requestable(public_id)
    return render(request, "badges/partner/poster.html", {
        "badge_class": badge_class, "short_url": _request_url(request, badge_class),
    })


@require_GET
def request_qr(request: HttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    badge_class = _requestable(public_id)
    url = _request_url(request, badge_class)
    out = io.BytesIO()
    if fmt == "svg":
        qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(out)
        content_type = "image/svg+xml"
    else:
        qrcode.make(url, box_size=12, border=2).save(out)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="demander-{short_code(badge_class)}.{fmt}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_POST
def self_issue(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    badge_class = _requestable(public_id)
    form = SelfIssueForm(request.POST)
    if not badge_class.self_issuable or not form.is_valid():
        raise Http404
    evidence = [EvidenceInput(url=form.cleaned_data["evidence_url"])] if form.cleaned_data["evidence_url"] else []
    try:
        assertion = services.assertion_self_issue(badge_class=badge_class, user=request.user,
                                                  narrative=form.cleaned_data["narrative"], evidence=evidence)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("partner:request", public_id=badge_class.public_id)
    messages.success(request, _("Le badge « %(badge)s » est à vous. Il est marqué « auto-déclaré » : ajoutez "
                                "des preuves et des recommandations pour lui donner du poids.")
                     % {"badge": badge_class.name})
    return redirect(assertion.get_absolute_url())


# Applications whose link was opened in this browser session (badgehub.media lets
# an applicant without an account open the files they attached).
OPENED_APPLICATIONS = "applications_opened"


def _application_by_token(request: HttpRequest, token: str) -> Application:
    application = get_object_or_404(Application.objects.select_related("badge_class__issuer"), access_token=token)
    opened = request.session.get(OPENED_APPLICATIONS, [])
    if application.pk not in opened:
        request.session[OPENED_APPLICATIONS] = [*opened[-49:], application.pk]
    return application


@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page (the token is the key): answer, add evidence, save or submit."""
    application = _application_by_token(request, token)
    editable = application.status in (Application.Status.DRAFT, Application.Status.MORE_EVIDENCE)
    questions = application.badge_class.question_list
    form = ApplicationForm(request.POST or None, request.FILES or None, questions=questions,
                           answers=application.answers)
    if request.method == "POST":
        if not editable:
            raise Http404
        # "Retirer" next to a piece of evidence submits this same form: what was typed is saved too.
        removed = request.POST.get("remove_evidence")
        to_remove = get_object_or_404(application.evidence.all(), public_id=removed) if removed else None
        if form.is_valid():
            data = form.cleaned_data
            evidence = []
            if data["evidence_text"] or data["evidence_url"] or data["evidence_file"]:
                given = request.FILES.get("evidence_file")
                evidence.append(EvidenceInput(narrative=data["evidence_text"], url=data["evidence_url"],
                                              file=data["evidence_file"], file_name=given.name if given else ""))
            submit = "submit" in request.POST and to_remove is None
            try:
                # Saved first, in its own transaction: a refused submission keeps the draft.
                services.application_save(application=application, answers=form.answers(), evidence=evidence)
                if to_remove is not None:
                    services.application_evidence_remove(application=application, evidence=to_remove)
                if submit:
                    services.application_submit(application=application)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                if to_remove is not None:
                    messages.success(request, _("La preuve est retirée de votre demande."))
                elif submit:
                    messages.success(request, _("Votre demande est envoyée. Vous recevrez la décision par e-mail."))
                else:
                    messages.success(request, _("Brouillon enregistré. Vous pouvez revenir plus tard avec le lien "
                                                "reçu par e-mail."))
            return redirect("partner:application_edit", token=application.access_token)
        elif "evidence_file" in form.errors:
            # A refused file must not lose the answers typed meanwhile.
            services.application_save(application=application, answers=form.answers())
    return render(request, "badges/partner/application.html", {
        "application": application, "badge_class": application.badge_class, "form": form, "editable": editable,
        "evidence": application.evidence.order_by("created_at", "pk"),
    })


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_for_reviewer(user=request.user)
    badge_classes = selectors.badge_classes_user_reviews(user=request.user)
    status = request.GET.get("statut", Application.Status.SUBMITTED)
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    badge = request.GET.get("badge", "")
    if badge:
        try:
            applications = applications.filter(badge_class__public_id=uuid.UUID(badge))
        except ValueError:
            pass
    # Two applicants can share a name: the queue shows and searches the e-mail too.
    query = request.GET.get("q", "").strip()
    if query:
        applications = applications.filter(Q(applicant_email__icontains=query) | Q(applicant_name__icontains=query))
    applications = applications.annotate(evidence_count=Count("evidence"))
    return render(request, "badges/partner/review_queue.html", {
        "applications": applications[:200], "badge_classes": badge_classes, "status": status, "badge": badge,
        "query": query,
        "statuses": [(value, label) for value, label in Application.Status.choices
                     if value != Application.Status.DRAFT],
    })


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = selectors.get_application_for_reviewer(user=request.user, public_id=public_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = {"accept": services.application_accept, "refuse": services.application_refuse,
                  "more": services.application_request_more}[form.cleaned_data["decision"]]
        try:
            action(application=application, reviewer=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            form.add_error("comment", exc.messages)
        else:
            messages.success(request, _("Décision enregistrée ; le demandeur est prévenu par e-mail."))
            return redirect("partner:review_queue")
    return render(request, "badges/partner/review.html", {
        "application": application, "badge_class": application.badge_class, "form": form,
        "evidence": application.evidence.all(),
    })
