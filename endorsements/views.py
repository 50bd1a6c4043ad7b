from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from badges.views import hosted
from endorsements import documents
from endorsements.models import Endorsement, Endorser


@require_GET
def endorser_detail(request: HttpRequest, public_id) -> HttpResponse:
    endorser = get_object_or_404(Endorser, public_id=public_id)
    if hosted.wants_json(request):
        return hosted.json_ld(documents.endorser_document(endorser))
    endorsements = endorser.endorsements.published().select_related("badge_class", "issuer")
    return render(request, "endorsements/endorser_detail.html", {"endorser": endorser, "endorsements": endorsements})


@require_GET
def endorser_document(request: HttpRequest, public_id) -> HttpResponse:
    endorser = get_object_or_404(Endorser, public_id=public_id)
    return hosted.json_ld(documents.endorser_document(endorser))


@require_GET
def endorsement_document(request: HttpRequest, public_id) -> HttpResponse:
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("endorser", "badge_class", "issuer", "assertion"), public_id=public_id)
    document = documents.endorsement_document(endorsement)
    if endorsement.withdrawn_at is not None:
        return hosted.json_ld({**document, "revoked": True}, status=410)
    return hosted.json_ld(document)
