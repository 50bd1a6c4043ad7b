from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from badges.models import Assertion, BadgeClass
from issuers.models import Issuer
from pathways.models import Pathway

# People reached, site-wide: a count of distinct addresses over every badge (84 ms at
# 100,000), shared by every web process through the cache and a minute old at most.
RECIPIENT_COUNT_KEY = "home:recipient-count"
RECIPIENT_COUNT_SECONDS = 60


def _recipient_count() -> int:
    return Assertion.objects.values("recipient_email").distinct().count()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "issuers": Issuer.objects.all(),
        "badge_count": BadgeClass.objects.active().count(),
        "pathway_count": Pathway.objects.count(),
        "recipient_count": cache.get_or_set(RECIPIENT_COUNT_KEY, _recipient_count, RECIPIENT_COUNT_SECONDS),
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
