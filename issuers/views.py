from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from issuers.models import Issuer


@require_GET
def issuer_detail(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_object_or_404(Issuer, public_id=public_id)
    badge_classes = issuer.badge_classes.active()
    pathways = issuer.pathways.prefetch_related("steps__badge_class").select_related("key_badge")
    return render(request, "issuers/issuer_detail.html",
                  {"issuer": issuer, "badge_classes": badge_classes, "pathways": pathways})
