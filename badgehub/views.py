from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from badges.models import Assertion, BadgeClass
from issuers.models import Issuer
from pathways.models import Pathway


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "issuers": Issuer.objects.all(),
        "badge_count": BadgeClass.objects.active().count(),
        "pathway_count": Pathway.objects.count(),
        "recipient_count": Assertion.objects.values("recipient_email").distinct().count(),
    }
    return render(request, "home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico on every site whatever the page says: answer it
    from the static file (a year of caching: it never changes under that name)."""
    with open(settings.BASE_DIR / "static" / "favicon.ico", "rb") as file:
        response = HttpResponse(file.read(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=31536000"
    return response
