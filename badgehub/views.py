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
