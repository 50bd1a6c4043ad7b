"""Hosted Open Badges documents. Machines get JSON-LD; browsers get the human page.

Privacy applies to human pages only: a private assertion's documents stay
reachable at their unguessable URLs (the recipient is a salted hash there), so
a badge its owner sent somewhere keeps verifying.

Every document is built once per change and served from the cache with a strong
ETag (badges/document_cache.py); the verifier reads the same documents through the
resolvers registered here, without a request."""

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from badges import document_cache, documents
from badges.document_cache import (
    IMMUTABLE,
    LIST,
    PROFILE,
    REVOCABLE,
    Document,
    assertion_scope,
    issuer_scope,
    lists_scope,
)
from badges.models import Assertion, BadgeClass
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


DID_CONTENT_TYPE = "application/did+ld+json"
# A DID document lists the keys; one declared compromised must show soon.
DID_CACHE_CONTROL = "public, max-age=300"


def did_json(document: dict) -> HttpResponse:
    response = json_ld(document)
    # DID Core's media type for a JSON-LD DID document; short cache: a key may be declared compromised.
    response["Content-Type"] = DID_CONTENT_TYPE
    response["Cache-Control"] = DID_CACHE_CONTROL
    return response


# --- The documents, by id (views and the verifier) ---------------------------


def _issuer(public_id) -> Issuer:
    return get_object_or_404(Issuer.objects.prefetch_related("signing_keys"), public_id=public_id)


def ob2_assertion_document(assertion: Assertion) -> Document:
    document = documents.ob2_assertion_document(assertion)
    scopes = (issuer_scope(assertion.badge_class.issuer_id), assertion_scope(assertion.pk))
    if assertion.revoked:
        # OB 2.0: a revoked hosted assertion answers 410 Gone with revoked: true.
        gone = {"@context": document["@context"], "id": document["id"], "type": "Assertion", "revoked": True,
                "revocationReason": assertion.revocation_reason}
        return Document(gone, scopes, LIST, status=410)
    # A hosted OB 2.0 verifier learns of a revocation from this very document.
    return Document(document, scopes, REVOCABLE)


@document_cache.register("badges:assertion_detail")
def ob2_assertion(public_id) -> document_cache.Built | HttpResponse:
    def build():
        assertion = get_object_or_404(
            Assertion.objects.select_related("badge_class__issuer").prefetch_related(
                "evidence", "badge_class__alignments", "badge_class__issuer__signing_keys"),
            public_id=public_id)
        return ob2_assertion_document(assertion)

    return document_cache.document(f"ob2-assertion:{public_id}", build)


@document_cache.register("badges:class_detail")
def ob2_badge_class(public_id) -> document_cache.Built | HttpResponse:
    def build():
        badge_class = get_object_or_404(
            BadgeClass.objects.select_related("issuer").prefetch_related("alignments", "issuer__signing_keys"),
            public_id=public_id)
        return Document(documents.ob2_badge_class_document(badge_class), (issuer_scope(badge_class.issuer_id),),
                        PROFILE)

    return document_cache.document(f"ob2-class:{public_id}", build)


@document_cache.register("ob:issuer_v2")
def ob2_issuer(public_id) -> document_cache.Built | HttpResponse:
    def build():
        issuer = _issuer(public_id)
        return Document(documents.ob2_issuer_document(issuer), (issuer_scope(issuer.pk),), PROFILE)

    return document_cache.document(f"ob2-issuer:{public_id}", build)


@document_cache.register("ob:issuer")
def ob3_issuer(public_id) -> document_cache.Built | HttpResponse:
    def build():
        issuer = get_object_or_404(Issuer.objects.prefetch_related("signing_keys", "endorsements"),
                                   public_id=public_id)
        return Document(documents.ob3_issuer_document(issuer), (issuer_scope(issuer.pk),), PROFILE)

    return document_cache.document(f"ob3-issuer:{public_id}", build)


@document_cache.register("ob:issuer_did")
def issuer_did(public_id) -> document_cache.Built | HttpResponse:
    def build():
        issuer = _issuer(public_id)
        return Document(documents.issuer_did_document(issuer), (issuer_scope(issuer.pk),), DID_CACHE_CONTROL,
                        content_type=DID_CONTENT_TYPE)

    return document_cache.document(f"did:{public_id}", build)


@document_cache.register("ob:key")
def key_document(public_id) -> document_cache.Built | HttpResponse:
    def build():
        signing_key = get_object_or_404(SigningKey.objects.select_related("issuer"), public_id=public_id)
        # A key may be declared compromised: profile-length, not immutable.
        return Document(documents.key_document(signing_key), (issuer_scope(signing_key.issuer_id),), PROFILE)

    return document_cache.document(f"key:{public_id}", build)


@document_cache.register("ob:revocations")
def revocations(public_id) -> document_cache.Built | HttpResponse:
    def build():
        issuer = get_object_or_404(Issuer, public_id=public_id)
        return Document(documents.revocation_list_document(issuer), (issuer_scope(issuer.pk), lists_scope(issuer.pk)),
                        LIST)

    return document_cache.document(f"revocations:{public_id}", build)


# A signed status list is kept by what it says: signed again only when a bit (or the key) changes.
SIGNED_STATUS_TTL_S = 90 * 24 * 3600


def signed_status_list(issuer: Issuer, number: int) -> dict:
    credential = documents.status_list_document(issuer, number)
    ed_key = active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    digest = hashlib.sha256(json.dumps(credential, sort_keys=True).encode()).hexdigest()
    key = f"hosted:signed-status:{issuer.public_id}:{number}:{ed_key.public_id}:{digest}"
    signed = cache.get(key)
    if signed is None:
        now = timezone.now()
        credential["validFrom"] = iso_datetime(now)
        signed = proofs.add_data_integrity_proof(credential, private_key_for(ed_key),
                                                 documents.signing_key_method_id(ed_key), now)
        cache.set(key, signed, timeout=SIGNED_STATUS_TTL_S)
    return signed


@document_cache.register("ob:status_list")
def status_list_document(public_id, number: int) -> document_cache.Built | HttpResponse:
    def build():
        issuer = _issuer(public_id)
        return Document(signed_status_list(issuer, number), (issuer_scope(issuer.pk), lists_scope(issuer.pk)), LIST)

    return document_cache.document(f"status:{public_id}:{number}", build)


@document_cache.register("ob:credential")
def ob3_credential(public_id) -> document_cache.Built | HttpResponse:
    def build():
        assertion = get_object_or_404(Assertion.objects.only("pk", "ob3_credential"), public_id=public_id)
        if assertion.ob3_credential is None:
            return json_ld({"error": "Le badge est en cours de préparation."}, status=404)
        # Revocation shows in the status list; the credential changes only when it is signed again.
        return Document(assertion.ob3_credential, (assertion_scope(assertion.pk),), IMMUTABLE)

    return document_cache.document(f"ob3-credential:{public_id}", build)


# --- Views --------------------------------------------------------------------


def _or_human_page(request: HttpRequest, document, human_url) -> HttpResponse:
    if wants_json(request, default_json=True):
        return document_cache.respond(request, document())
    return HttpResponseRedirect(human_url())


@require_GET
def issuer_v2(request: HttpRequest, public_id) -> HttpResponse:
    return _or_human_page(request, lambda: ob2_issuer(public_id),
                          lambda: get_object_or_404(Issuer, public_id=public_id).get_absolute_url())


@require_GET
def issuer_v3(request: HttpRequest, public_id) -> HttpResponse:
    return _or_human_page(request, lambda: ob3_issuer(public_id),
                          lambda: get_object_or_404(Issuer, public_id=public_id).get_absolute_url())


@require_GET
def issuer_did_document(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, issuer_did(public_id))


@require_GET
def key(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, key_document(public_id))


@require_GET
def revocation_list(request: HttpRequest, public_id) -> HttpResponse:
    return document_cache.respond(request, revocations(public_id))


@require_GET
def status_list(request: HttpRequest, public_id, number: int) -> HttpResponse:
    """The issuer's BitstringStatusListCredential, signed by its current key."""
    return document_cache.respond(request, status_list_document(public_id, number))


@require_GET
def credential(request: HttpRequest, public_id) -> HttpResponse:
    if not wants_json(request, default_json=True):
        return HttpResponseRedirect(get_object_or_404(Assertion, public_id=public_id).get_absolute_url())
    return document_cache.respond(request, ob3_credential(public_id))
