from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from badges.reports import exports
from badges.reports.access import scope_for_issuer, scope_for_network
from badges.reports.caching import charts_kept, report_kept
from badges.reports.figures import COOP_SMALL_COUNT, coop_rows
from badges.reports.filters import ReportFilterForm
from badges.reports.sections import sections_build


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/forbidden.html", status=403)


# Who may read which report (access.py): the issuer and network pages differ only by this.
SCOPES = {"issuer": scope_for_issuer, "network": scope_for_network}


@login_required
@require_GET
def report(request: HttpRequest, public_id, scope_kind: str) -> HttpResponse:
    """The activity report of an issuer or a network (``scope_kind``, set by the URL), its
    exports with ``?format=csv|xlsx|coop``."""
    try:
        scope = SCOPES[scope_kind](user=request.user, public_id=public_id)
    except PermissionDenied:
        return _forbidden(request)
    form = ReportFilterForm(request.GET or None, scope=scope)
    if form.is_bound:
        form.is_valid()  # a wrong field is shown with its message; the others still apply
    filters = form.filters()
    kind = request.GET.get("format", "")
    if kind == "coop":
        return exports.coop_csv(scope, filters, coop_rows(scope=scope, filters=filters))
    report = report_kept(scope=scope, filters=filters)
    sections = sections_build(report)
    if kind == "csv":
        return exports.report_csv(report, sections)
    if kind == "xlsx":
        return exports.report_xlsx(report, sections)
    charts = charts_kept(report=report, sections=sections)
    networks = request.user.administered_networks.all() if scope.kind == "issuer" else []
    return render(request, "reports/report.html", {
        "scope": scope, "report": report, "form": form, "filters": filters.describe(),
        "sections": [(section, charts.get(section.key)) for section in sections],
        "query": form.query_string(), "networks": networks, "coop_small_count": COOP_SMALL_COUNT,
    })

