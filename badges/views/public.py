from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from badges import documents, selectors
from badges.models import Assertion, BadgeClass
from badges.views import hosted
from badges.views.wallet import badge_page_context


@require_GET
def badge_class_detail(request: HttpRequest, public_id) -> HttpResponse:
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), public_id=public_id)
    if hosted.wants_json(request):
        return hosted.json_ld(documents.ob2_badge_class_document(badge_class))
    context = {
        "badge_class": badge_class,
        "holder_count": badge_class.assertions.valid().values("recipient_email").distinct().count(),
        "alignments": badge_class.alignments.all(),
        "pathway_steps": badge_class.pathway_steps.select_related("pathway"),
        "endorsements": badge_class.endorsements.published().select_related("endorser"),
    }
    return render(request, "badges/badge_class_detail.html", context)


def get_assertion_for_viewer(*, request: HttpRequest, public_id) -> Assertion:
    """Private assertions are 404 to anyone but their owner and the members of their
    issuer (the mediator who issued it, reviewers, staff)."""
    assertion = get_object_or_404(
        Assertion.objects.select_related("badge_class__issuer", "recipient_user"), public_id=public_id
    )
    if selectors.user_may_view_assertion(user=request.user, assertion=assertion):
        return assertion
    raise Http404


@require_GET
def assertion_detail(request: HttpRequest, public_id) -> HttpResponse:
    if hosted.wants_json(request):
        # Machines get the hosted OB 2.0 assertion whatever its visibility (see hosted.py).
        return hosted.assertion_response(get_object_or_404(Assertion, public_id=public_id))
    assertion = get_assertion_for_viewer(request=request, public_id=public_id)
    # "Vérifier ce badge" hands the verifier the hosted assertion's address.
    context = {**badge_page_context(assertion), "hosted_url": documents.assertion_url(assertion)}
    return render(request, "badges/assertion_detail.html", context)

