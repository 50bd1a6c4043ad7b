from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pathways.models import Pathway


@require_GET
def pathway_detail(request: HttpRequest, public_id) -> HttpResponse:
    pathway = get_object_or_404(Pathway.objects.select_related("issuer", "key_badge"), public_id=public_id)
    steps = pathway.steps.select_related("badge_class").order_by("order")
    return render(request, "pathways/pathway_detail.html", {"pathway": pathway, "steps": steps})
