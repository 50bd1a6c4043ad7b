"""Hosted Open Badges documents. Machines get JSON-LD; browsers get the human page.

Privacy applies to human pages only: a private assertion's documents stay
reachable at their unguessable URLs (the recipient is a salted hash there), so
a badge its owner sent somewhere keeps verifying."""

import json

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from badges import documents
from badges.models import Assertion
from badges.openbadges import proofs
from badges.openbadges.util import iso_datetime
from issuers.keystore import private_key_for
from issuers.models import Issuer, SigningKey
from issuers.selectors import active_signing_key

JSON_TYPES = ("application/ld+json", "application/json")


def wants_json(request: HttpRequest, *, default_json: bool = False) -> bool:
    offered = [*JSON_TYPES, "text/html"] if default_json else ["text/html", *JSON_TYPES]
    return request.get_preferred_type(offered) in JSON_TYPES


def json_ld(document: dict, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), status=status,
                            content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


def assertion_response(assertion: Assertion) -> HttpResponse:
    document = documents.ob2_assertion_document(assertion)
    if assertion.revoked:
        # OB 2.0: a revoked hosted assertion answers 410 Gone with revoked: true.
        gone = {"@context": document["@context"], "id": document["id"], "type": "Assertion", "revoked": True,
                "revocationReason": assertion.revocation_reason}
        return json_ld(gone, status=410)
    return json_ld(document)


def _or_human_page(request: HttpRequest, url: str, document_factory) -> HttpResponse:
    if wants_json(request, default_json=True):
        return json_ld(document_factory())
    return HttpResponseRedirect(url)


@require_GET
def issuer_v2(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_object_or_404(Issuer.objects.prefetch_related("signing_keys"), public_id=public_id)
    return _or_human_page(request, issuer.get_absolute_url(), lambda: documents.ob2_issuer_document(issuer))


@require_GET
def issuer_v3(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_object_or_404(Issuer.objects.prefetch_related("signing_keys"), public_id=public_id)
    return _or_human_page(request, issuer.get_absolute_url(), lambda: documents.ob3_issuer_document(issuer))


@require_GET
def issuer_did_document(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_object_or_404(Issuer.objects.prefetch_related("signing_keys"), public_id=public_id)
    return did_json(documents.issuer_did_document(issuer))


def did_json(document: dict) -> HttpResponse:
    response = json_ld(document)
    # DID Core's media type for a JSON-LD DID document; short cache: a key may be declared compromised.
    response["Content-Type"] = "application/did+ld+json"
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def key(request: HttpRequest, public_id) -> HttpResponse:
    signing_key = get_object_or_404(SigningKey.objects.select_related("issuer"), public_id=public_id)
    return json_ld(documents.key_document(signing_key))


@require_GET
def revocation_list(request: HttpRequest, public_id) -> HttpResponse:
    issuer = get_object_or_404(Issuer, public_id=public_id)
    return json_ld(documents.revocation_list_document(issuer))


@require_GET
def status_list(request: HttpRequest, public_id, number: int) -> HttpResponse:
    """The issuer's BitstringStatusListCredential, signed by its current key."""
    issuer = get_object_or_404(Issuer.objects.prefetch_related("signing_keys"), public_id=public_id)
    from django.utils import timezone

    now = timezone.now()
    credential = documents.status_list_document(issuer, number)
    credential["validFrom"] = iso_datetime(now)
    ed_key = active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    signed = proofs.add_data_integrity_proof(credential, private_key_for(ed_key),
                                           documents.signing_key_method_id(ed_key), now)
    response = json_ld(signed)
    response["Cache-Control"] = "max-age=60"
    return response


@require_GET
def credential(request: HttpRequest, public_id) -> HttpResponse:
    assertion = get_object_or_404(Assertion, public_id=public_id)
    if not wants_json(request, default_json=True):
        return HttpResponseRedirect(assertion.get_absolute_url())
    if assertion.ob3_credential is None:
        return json_ld({"error": "Le badge est en cours de préparation."}, status=404)
    return json_ld(assertion.ob3_credential)
