from functools import partial

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from badges import document_cache, documents, selectors
from badges.document_cache import assertion_scope, issuer_scope
from badges.models import Assertion, BadgeClass, ShareOpen
from badges.services.shares import share_open_count, share_open_counts
from badges.views import hosted

# The badge page's content is rendered once per change of the badge (or its issuer,
# badge class, endorsements) and kept this long at most: the holder count, the expiry
# and the pathways it belongs to follow within that time.
DETAILS_FRAGMENT_TTL_S = 300


@require_GET
def badge_class_detail(request: HttpRequest, public_id) -> HttpResponse:
    if hosted.wants_json(request):
        return document_cache.respond(request, hosted.ob2_badge_class(public_id))
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), public_id=public_id)
    context = {
        "badge_class": badge_class,
        "holder_count": selectors.badge_class_holder_count_cached(badge_class=badge_class),
        "alignments": badge_class.alignments.all(),
        "pathway_steps": badge_class.pathway_steps.select_related("pathway"),
        "endorsements": badge_class.endorsements.published().select_related("endorser"),
    }
    return render(request, "badges/badge_class_detail.html", context)


def get_assertion_for_viewer(*, request: HttpRequest, public_id, queryset=None) -> Assertion:
    """Private assertions are 404 to anyone but their owner and the members of their
    issuer (the mediator who issued it, reviewers, staff)."""
    if queryset is None:
        queryset = Assertion.objects.select_related("recipient_user")
    assertion = get_object_or_404(queryset.select_related("badge_class__issuer").order_by(), public_id=public_id)
    if selectors.user_may_view_assertion(user=request.user, assertion=assertion):
        return assertion
    raise Http404


def _lazy_badge_details(assertion: Assertion) -> dict:
    """What badges/wallet/_details.html shows, read only when the cached fragment is missing
    (querysets and callables are evaluated by the template, inside {% cache %})."""
    badge_class = assertion.badge_class

    def endorsements():
        return [*assertion.endorsements.published().select_related("endorser"),
                *badge_class.endorsements.published().select_related("endorser")]

    return {
        "assertion": assertion,
        "badge_class": badge_class,
        "evidence": assertion.evidence.all(),
        "alignments": badge_class.alignments.all(),
        "endorsements": endorsements,
        "holder_count": partial(selectors.badge_class_holder_count_cached, badge_class=badge_class),
        "pathway_steps": badge_class.pathway_steps.select_related("pathway"),
    }


def _page(assertion: Assertion) -> dict:
    # No request: nothing of the viewer may end up in what every visitor gets.
    context = {**_lazy_badge_details(assertion), "hosted_url": documents.assertion_url(assertion)}
    return {"title": assertion.badge_class.name, "public": assertion.visibility == Assertion.Visibility.PUBLIC,
            "content": render_to_string("badges/_assertion_page.html", context)}


@require_GET
def assertion_detail(request: HttpRequest, public_id) -> HttpResponse:
    if hosted.wants_json(request):
        # Machines get the hosted OB 2.0 assertion whatever its visibility (see hosted.py).
        return document_cache.respond(request, hosted.ob2_assertion(public_id))
    # The page's content is rendered once per change of the badge or its issuer (a change of
    # visibility included): a public one is then served without a query.
    key = f"badge-page:{public_id}:{get_language()}"
    page, scopes, generations = document_cache.piece_lookup(key)
    if page is None or not page["public"]:
        assertion = get_assertion_for_viewer(request=request, public_id=public_id, queryset=Assertion.objects.defer(
            # The page shows none of the signed documents: it only links to them.
            "ob2_jws", "ob3_credential", "ob3_jwt", "original_document",
        ).annotate(ob3_ready=ExpressionWrapper(Q(ob3_credential__isnull=False), output_field=BooleanField())))
        if page is None:
            page = _page(assertion)
            document_cache.piece_keep(
                key, page, scopes=(issuer_scope(assertion.badge_class.issuer_id), assertion_scope(assertion.pk)),
                read=generations, expected=scopes, ttl=DETAILS_FRAGMENT_TTL_S)
    # Our own template's output, escaped when it was rendered.
    return render(request, "badges/assertion_detail.html",
                  {"page": {**page, "content": mark_safe(page["content"])}})  # noqa: S308


@require_GET
def share_open(request: HttpRequest, public_id, source: str) -> HttpResponse:
    """A link its holder shared (LinkedIn, QR code, copied link): counts the open for the
    activity reports, then leads to the badge's page."""
    if source not in ShareOpen.Source.values:
        raise Http404
    assertion = get_object_or_404(
        Assertion.objects.only("pk", "public_id", "visibility", "revoked", "recipient_user_id"), public_id=public_id)
    if share_open_counts(request=request, assertion=assertion):
        share_open_count(assertion=assertion, source=source)
    response = redirect(assertion.get_absolute_url())
    # Every open reaches us (no browser nor proxy keeps the redirect), and no search engine lists it.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
