from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from endorsements.models import Endorser


@require_GET
def endorser_detail(request: HttpRequest, public_id) -> HttpResponse:
    endorser = get_object_or_404(Endorser, public_id=public_id)
    endorsements = endorser.endorsements.published().select_related("badge_class", "issuer")
    return render(request, "endorsements/endorser_detail.html", {"endorser": endorser, "endorsements": endorsements})
