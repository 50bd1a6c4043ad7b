"""The issuer's audit log in the partner space: its owners and administrators only."""

import io
import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from badgehub import csv_safe
from issuers.audit.forms import EventFilterForm
from issuers.audit.selectors import issuer_events
from issuers.models import Membership
from issuers.selectors import get_issuer_for_user


def _filtered(request: HttpRequest, issuer_id: uuid.UUID):
    issuer = get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.STAFF_ROLES)
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = issuer_events(issuer=issuer, action=filters.get("action", ""), since=filters.get("du"),
                           until=filters.get("au"), query=filters.get("q", "").strip())
    return issuer, form, events.select_related("actor")


@login_required
@require_GET
def issuer_log(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer, form, events = _filtered(request, issuer_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/issuer_log.html", {
        "issuer": issuer, "form": form, "page": page, "query": query.urlencode(),
    })


@login_required
@require_GET
def issuer_log_csv(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    """The filtered log as a spreadsheet (Excel-friendly: ``;`` and BOM); every cell
    people could have typed goes through the formula-safe writer."""
    issuer, _form, events = _filtered(request, issuer_id)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_safe.writer(out, delimiter=";")
    writer.writerow(["date", "action", "par", "type", "identifiant", "objet", "nombre", "détails"])
    for event in events.iterator(chunk_size=2000):
        details = "; ".join(f"{key}={value}" for key, value in sorted(event.details.items()))
        writer.writerow([timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
                         event.get_action_display(), event.actor_name, event.object_type, event.object_id,
                         event.object_label, event.count, details])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journal-{issuer.public_id}.csv"'
    return response
