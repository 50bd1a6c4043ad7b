"""The "Ajouter à un portefeuille" screen, and the endpoints wallets talk to.

The wallet endpoints are called by apps (some of them web apps): JSON in and out, no
session, no CSRF cookie (each is authorised by an offer's secret instead), their own JSON
429, and CORS open to any origin, which is safe because no cookie ever authorises them."""

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import selectors, throttle
from badges.sharing import qr_svg
from badges.wallets import services
from badges.wallets.models import WalletOffer

# --- the owner's screen --------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def add_to_wallet(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    context: dict = {"assertion": assertion, "badge_class": assertion.badge_class,
                     "offer_minutes": int(services.OFFER_TTL.total_seconds() // 60)}
    if request.method == "POST":
        way = request.POST.get("way")
        protocol = {"lcw": WalletOffer.Protocol.LCW, "oid4vci": WalletOffer.Protocol.OID4VCI}.get(way)
        if protocol is None:
            return redirect("wallet:add_to_wallet", public_id=assertion.public_id)
        throttle.check(throttle.WALLET_OFFER_PER_ACCOUNT, str(request.user.pk))
        try:
            started = services.wallet_offer_start(assertion=assertion, user=request.user, protocol=protocol,
                                                  with_tx_code=request.POST.get("tx_code") != "off")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("wallet:add_to_wallet", public_id=assertion.public_id)
        if protocol == WalletOffer.Protocol.LCW:
            link = services.lcw_deep_link(started.secret)
        else:
            link = services.credential_offer_link(started)
            context["tx_code"] = started.tx_code
        # Shown once: only the offer's hash is kept, so the page is not cached and not redirected to.
        context.update(way=way, link=link, qr_svg=qr_svg(link), expires_at=started.offer.expires_at)
    return render(request, "badges/wallet/add_to_wallet.html", context)


# --- what wallets call ---------------------------------------------------------------


def _json_error(error: str, description: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error}"'
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def public_document(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _cors(view(request, *args, **kwargs))

    return wrapped


def wallet_endpoint(view: Callable) -> Callable:
    """Rate-limited per client, errors as OAuth-style JSON, never cached, CORS preflight answered."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _cors(answer(request, *args, **kwargs))

    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST"
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, DPoP"
            response["Access-Control-Max-Age"] = "600"
            return response
        retry_after = throttle.hit(throttle.WALLET_ENDPOINT_PER_CLIENT, throttle.client_ip(request))
        if retry_after is not None:
            response = _json_error("slow_down", "too many requests", 429)
            response["Retry-After"] = str(retry_after)
            return response
        try:
            response = view(request, *args, **kwargs)
        except services.OfferRefused as exc:
            return _json_error(exc.error, exc.description, exc.status)
        response["Cache-Control"] = "no-store"
        return response

    return csrf_exempt(wrapped)


def _json_body(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError as exc:
        raise services.OfferRefused("invalid_request", "the body is not JSON") from exc
    if not isinstance(body, dict):
        raise services.OfferRefused("invalid_request", "the body is not a JSON object")
    return body


@wallet_endpoint
@require_POST
def exchange(request: HttpRequest, exchange_id: str) -> HttpResponse:
    return JsonResponse(services.lcw_exchange_step(exchange_id=exchange_id, body=_json_body(request)))


@wallet_endpoint
@require_GET
def exchange_protocols(request: HttpRequest, exchange_id: str) -> HttpResponse:
    return JsonResponse(services.lcw_protocols(exchange_id))


@public_document
@require_GET
def credential_issuer_metadata(request: HttpRequest) -> HttpResponse:
    return JsonResponse(services.credential_issuer_metadata())


@public_document
@require_GET
def authorization_server_metadata(request: HttpRequest) -> HttpResponse:
    return JsonResponse(services.authorization_server_metadata())


@wallet_endpoint
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("grant_type") != services.PRE_AUTHORIZED_GRANT:
        return _json_error("unsupported_grant_type", "only the pre-authorized code grant", 400)
    access_token, expires_in = services.oid4vci_token(pre_authorized_code=request.POST.get("pre-authorized_code", ""),
                                                      tx_code=request.POST.get("tx_code"))
    return JsonResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in})


@wallet_endpoint
@require_POST
def nonce(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"c_nonce": services.oid4vci_nonce()})


@wallet_endpoint
@require_POST
def credential(request: HttpRequest) -> HttpResponse:
    scheme, _sep, access_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not access_token:
        return _json_error("invalid_token", "a Bearer access token is required", 401)
    issued = services.oid4vci_credential(access_token=access_token.strip(), body=_json_body(request))
    return JsonResponse({"credentials": [{"credential": issued}]})

