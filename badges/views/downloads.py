from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from badges.exports import FORMATS, ExportUnavailable, export_assertion
from badges.views.public import get_assertion_for_viewer


@require_GET
def assertion_download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """A baked image or document of an assertion: its owner and issuer staff
    always, anyone once the owner made it public."""
    if fmt not in FORMATS:
        raise Http404
    assertion = get_assertion_for_viewer(request=request, public_id=public_id)
    try:
        exported = export_assertion(assertion, fmt)
    except ExportUnavailable as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
