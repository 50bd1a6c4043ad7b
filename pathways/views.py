from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from issuers.models import Membership
from issuers.selectors import get_issuer_for_user
from pathways.models import Enrolment, Pathway, PathwayStep
from pathways.selectors import pathway_map, time_based_steps_due
from pathways.services import time_based_step_confirm


@require_GET
def pathway_detail(request: HttpRequest, public_id) -> HttpResponse:
    pathway = get_object_or_404(Pathway.objects.select_related("issuer", "key_badge"), public_id=public_id)
    steps = pathway.steps.select_related("badge_class").order_by("order")
    progress = pathway_map(pathway=pathway, user=request.user)
    return render(request, "pathways/pathway_detail.html", {"pathway": pathway, "steps": steps, "progress": progress})


@login_required
@require_GET
def steps_due(request: HttpRequest, issuer_id) -> HttpResponse:
    """Time-based steps (e.g. PEPITES at 1–2 and 5–6 months) waiting for a mediator to confirm their condition."""
    issuer = get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.ISSUING_ROLES)
    return render(request, "pathways/steps_due.html", {"issuer": issuer, "due": time_based_steps_due(issuer=issuer)})


@login_required
@require_POST
def step_confirm(request: HttpRequest, issuer_id, enrolment_id: int, step_id: int) -> HttpResponse:
    issuer = get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.ISSUING_ROLES)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_id, pathway__issuer=issuer)
    step = get_object_or_404(PathwayStep, pk=step_id, pathway_id=enrolment.pathway_id)
    try:
        assertion = time_based_step_confirm(enrolment=enrolment, step=step, confirmed_by=request.user,
                                            comment=request.POST.get("comment", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Badge « %(badge)s » délivré à %(name)s.") % {
            "badge": step.badge_class.name, "name": assertion.recipient_name or assertion.recipient_email})
    return redirect("pathways:steps_due", issuer_id=issuer.public_id)
