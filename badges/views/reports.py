from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from badgehub import csv_safe
from badges.reports import activity_report
from issuers.models import Issuer, Membership


def get_issuer_for_reports(*, request: HttpRequest, public_id) -> Issuer:
    """Network admins (staff) see every issuer's report; issuer owners/admins their own."""
    issuer = get_object_or_404(Issuer, public_id=public_id)
    if request.user.is_staff or Membership.objects.filter(
            user=request.user, issuer=issuer, role__in=Membership.STAFF_ROLES).exists():
        return issuer
    raise Http404


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    end = parse_date(request.GET.get("au", "") or "") or today
    start = parse_date(request.GET.get("du", "") or "") or (end - timedelta(days=365))
    return (start, end) if start <= end else (end, start)


@login_required
@require_GET
def activity(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_issuer_for_reports(request=request, public_id=public_id)
    start, end = _period(request)
    report = activity_report(issuer=issuer, start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(report)
    return render(request, "badges/reports/activity.html", {"report": report})


def _csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"bilan-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 with accents correctly
    writer = csv_safe.writer(response, delimiter=";")
    writer.writerow([_("Badge"), _("Badges délivrés"), _("Bénéficiaires")])
    for row in report.by_badge:
        writer.writerow([row["badge_class__name"], row["count"], row["beneficiaries"]])
    writer.writerow([_("Total"), report.issued, report.beneficiaries])
    return response
