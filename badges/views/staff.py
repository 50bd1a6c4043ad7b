"""Issuer staff pages: badges issued (search, revoke, correct), applications, e-mails.
Every view goes through ``get_issuer_for_user``: outsiders get a 404."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import services
from badges.forms import CorrectForm, RevokeForm
from badges.models import Application, Assertion, BadgeClass, OutgoingEmail
from badges.services.batches import issued_on_from_date
from issuers.models import Issuer, Membership
from issuers.selectors import get_issuer_for_user


def _staff_issuer(request: HttpRequest, issuer_id: uuid.UUID) -> Issuer:
    return get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.STAFF_ROLES)


def _issuer_assertion(issuer: Issuer, public_id: uuid.UUID) -> Assertion:
    return get_object_or_404(Assertion.objects.select_related("badge_class"), public_id=public_id,
                             badge_class__issuer=issuer)


# What the list shows of each badge: never its signed documents nor its baked files.
LIST_FIELDS = ("public_id", "badge_class_id", "badge_class__name", "recipient_email", "recipient_name", "issued_on",
               "expires_on", "issued_via", "revoked", "revocation_reason")


def issued_by_issuer(issuer: Issuer):
    """The issuer's badges, newest first. Its badge classes are read first and given as a
    list: the planner then knows from its statistics how many badges each holds (through a
    join it would assume the average), and walks the (issued_on, id) index backwards for a
    big issuer, or reads a small issuer's few badges through the badge-class index."""
    badge_ids = list(BadgeClass.objects.filter(issuer=issuer).values_list("pk", flat=True))
    return (Assertion.objects.filter(badge_class_id__in=badge_ids)
            .select_related("badge_class").only(*LIST_FIELDS).order_by("-issued_on", "-pk"))


def assertion_search(issuer: Issuer, query: str) -> Q:
    """Person (e-mail or name) or badge name containing ``query``, case-insensitively as
    ``icontains`` always did. On PostgreSQL the e-mail and name conditions use trigram GIN
    indexes on UPPER(column) (migration 0008); the badge names are looked up first in the
    issuer's few badge classes, so that every condition is on the assertion table and the
    planner can OR their indexes (a condition on a joined table would force a scan)."""
    badge_ids = list(BadgeClass.objects.filter(issuer=issuer, name__icontains=query).values_list("pk", flat=True))
    condition = Q(recipient_email__icontains=query) | Q(recipient_name__icontains=query)
    return condition | Q(badge_class_id__in=badge_ids) if badge_ids else condition


@login_required
@require_GET
def assertions(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    queryset = issued_by_issuer(issuer)
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(assertion_search(issuer, query))
    status = request.GET.get("statut", "")
    now = timezone.now()
    if status == "valid":
        queryset = queryset.valid()
    elif status == "revoked":
        queryset = queryset.filter(revoked=True)
    elif status == "expired":
        queryset = queryset.filter(revoked=False, expires_on__lte=now)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "badges/partner/staff_assertions.html", {
        "issuer": issuer, "page": page, "q": query, "status": status,
        "query": urlencode([(key, value) for key, value in (("q", query), ("statut", status)) if value]),
        "statuses": [("", _("Tous")), ("valid", _("valides")), ("revoked", _("révoqués")), ("expired", _("expirés"))],
        "revoke_form": RevokeForm(),
    })


@login_required
@require_POST
def assertion_revoke(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    assertion = _issuer_assertion(issuer, public_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.assertion_revoke(assertion=assertion, reason=form.cleaned_data["reason"], revoked_by=request.user)
        messages.success(request, _("Badge révoqué ; la personne est prévenue par e-mail."))
    else:
        messages.error(request, _("Indiquez le motif de la révocation."))
    return redirect("partner:assertions", issuer_id=issuer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def assertion_correct(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    assertion = _issuer_assertion(issuer, public_id)
    form = CorrectForm(request.POST or None, initial={
        "recipient_name": assertion.recipient_name, "recipient_email": assertion.recipient_email,
        "narrative": assertion.narrative, "issued_on": timezone.localtime(assertion.issued_on).date(),
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assertion_correct(
                assertion=assertion, corrected_by=request.user, recipient_email=data["recipient_email"],
                recipient_name=data["recipient_name"], narrative=data["narrative"],
                issued_on=issued_on_from_date(data["issued_on"]),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Badge corrigé : l'ancien est révoqué, le nouveau est envoyé."))
            return redirect("partner:assertions", issuer_id=issuer.public_id)
    return render(request, "badges/partner/staff_correct.html",
                  {"issuer": issuer, "assertion": assertion, "form": form})


@login_required
@require_GET
def applications(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.REVIEWING_ROLES)
    queryset = Application.objects.filter(badge_class__issuer=issuer).select_related("badge_class")
    status = request.GET.get("statut", "")
    if status in Application.Status.values:
        queryset = queryset.filter(status=status)
    return render(request, "badges/partner/staff_applications.html", {
        "issuer": issuer, "applications": queryset[:300], "status": status,
        "statuses": Application.Status.choices,
    })


@login_required
@require_GET
def emails(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    status = request.GET.get("statut", "problems")
    queryset = OutgoingEmail.objects.filter(issuer=issuer)
    if status == "problems":
        queryset = queryset.exclude(status=OutgoingEmail.Status.SENT)
    elif status in OutgoingEmail.Status.values:
        queryset = queryset.filter(status=status)
    return render(request, "badges/partner/staff_emails.html", {
        "issuer": issuer, "emails": queryset[:300], "status": status,
        "failed_count": OutgoingEmail.objects.filter(issuer=issuer, status=OutgoingEmail.Status.FAILED).count(),
    })


@login_required
@require_POST
def email_resend(request: HttpRequest, issuer_id: uuid.UUID, email_id: int) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    email = get_object_or_404(OutgoingEmail, pk=email_id, issuer=issuer)
    services.email_resend(email=email)
    messages.success(request, _("E-mail remis en file d'envoi pour %(to)s.") % {"to": email.to})
    return redirect("partner:emails", issuer_id=issuer.public_id)
