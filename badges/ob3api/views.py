"""The Open Badges 3.0 API as a Service Provider (OB 3.0 §6, §7): discovery, registration,
the authorization page, and the resource endpoints, each scoped to the token's user and scopes."""

import hashlib
import json
import re
import uuid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.views import AuthorizationView

from badges import selectors as badge_selectors
from badges import throttle
from badges.models import WalletProfile
from badges.ob3api import selectors, services
from badges.ob3api.documents import imsx_error, service_description
from badges.ob3api.registration import RegistrationError, client_register
from badges.ob3api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from badges.openbadges.jsonld import OB3_CONTEXT
from badges.services import wallet as wallet_services

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_BODY = 1024 * 1024
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


# --- Discovery and registration (public) --------------------------------------

@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(service_description())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt  # called by other servers, never with our cookies' authority
def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return imsx_error(405, "POST a client registration (RFC 7591).")
    retry_after = throttle.hit(throttle.OB3_REGISTRATION_PER_CLIENT, throttle.client_ip(request))
    if retry_after is not None:
        response = JsonResponse({"error": "temporarily_unavailable",
                                 "error_description": "Too many registrations from this address."}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    try:
        metadata = json.loads(request.body or b"null")
        registered = client_register(metadata=metadata, registered_from=throttle.client_ip(request))
    except ValueError:
        return JsonResponse({"error": "invalid_client_metadata", "error_description": "Not JSON."}, status=400)
    except RegistrationError as exc:
        return JsonResponse({"error": exc.error, "error_description": exc.description}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": "invalid_client_metadata", "error_description": " ".join(exc.messages)},
                            status=400)
    response = JsonResponse(registered, status=201)
    response["Cache-Control"] = "no-store"
    return response


class Authorize(AuthorizationView):
    """The beneficiary decides, in plain French, what the application may do (allow / refuse)."""

    template_name = "badges/ob3api/authorize.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        redirect_uri = form["redirect_uri"].value() if form is not None and "redirect_uri" in form.fields else ""
        context["redirect_host"] = urlsplit(redirect_uri).netloc if redirect_uri else ""
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("code_challenge_method") != "S256":
            # PKCE with S256 only: refused before the person is asked anything (DOT would refuse
            # "plain" only once they had allowed it).
            error = {"error": "invalid_request", "description": "PKCE with code_challenge_method=S256 is required."}
            return self.render_to_response({"error": error}, status=400)
        response = super().get(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and "redirect_uri" in form.fields:
            # Allowing or refusing redirects to the application's (registered, checked) address:
            # the page's form-action must let the browser follow that redirect.
            parts = urlsplit(form["redirect_uri"].value() or "")
            if parts.scheme in ("http", "https") and parts.netloc:
                response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response


# --- Resource endpoints (bearer token) -------------------------------------------

def _token_user(request: HttpRequest, scope: str):
    """The user a valid access token acts for, if it carries ``scope``; else the Imsx answer."""
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None)
    if not valid or token is None or token.user is None or not token.user.is_active:
        return None, imsx_error(401, "A valid access token is required.")
    if not token.allow_scopes([scope]):
        return None, imsx_error(403, f"This access token does not carry the scope {scope}.")
    for rule, key in ((throttle.API_PER_ACCOUNT, f"user:{token.user_id}"),
                      (throttle.API_PER_CLIENT, throttle.client_ip(request))):
        retry_after = throttle.hit(rule, key)
        if retry_after is not None:
            response = imsx_error(429, "Too many requests.")
            response["Retry-After"] = str(retry_after)
            return None, response
    return token.user, None


def _non_negative(value: str | None, *, default: int, name: str, minimum: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(name)
    return int(value)


def _page_link(request: HttpRequest, *, limit: int, offset: int, since: str | None, rel: str) -> str:
    query = {"limit": limit, "offset": offset, **({"since": since} if since else {})}
    return f'<{settings.SITE_URL}{request.path}?{urlencode(query)}>; rel="{rel}"'


def _get_credentials(request: HttpRequest, user) -> HttpResponse:
    try:
        limit = min(_non_negative(request.GET.get("limit"), default=DEFAULT_LIMIT, name="limit", minimum=1), MAX_LIMIT)
        offset = _non_negative(request.GET.get("offset"), default=0, name="offset", minimum=0)
    except ValueError as exc:
        return imsx_error(400, f"{exc}: a whole number is expected.", code_minor="invalid_query_parameter")
    since_text = request.GET.get("since") or None
    since = parse_datetime(since_text) if since_text else None
    if since_text and (since is None or since.tzinfo is None):
        return imsx_error(400, "since: an ISO 8601 date-time with its time zone is expected.",
                          code_minor="invalid_query_parameter")
    entries = selectors.credential_entries(user=user, since=since)
    page = entries[offset:offset + limit]
    response = JsonResponse({"credential": [entry.credential for entry in page if entry.credential],
                             "compactJwsString": [entry.compact_jws for entry in page if entry.compact_jws]})
    total = len(entries)
    links = [_page_link(request, limit=limit, offset=0, since=since_text, rel="first"),
             _page_link(request, limit=limit, offset=max(0, (total - 1) // limit * limit), since=since_text,
                        rel="last")]
    if offset + limit < total:
        links.append(_page_link(request, limit=limit, offset=offset + limit, since=since_text, rel="next"))
    if offset > 0:
        links.append(_page_link(request, limit=limit, offset=max(0, min(offset, total) - limit), since=since_text,
                                rel="prev"))
    response["X-Total-Count"] = str(total)
    response["Link"] = ", ".join(links)
    response["Cache-Control"] = "no-store"
    return response


def _upsert_credential(request: HttpRequest, user) -> HttpResponse:
    content_type = request.content_type or ""
    if len(request.body) > MAX_BODY:
        return imsx_error(400, "The credential is too large.")
    if content_type in ("application/json", "application/vc+ld+json", "application/ld+json"):
        try:
            data = json.loads(request.body)
        except ValueError:
            return imsx_error(400, "The body is not JSON.")
        if not isinstance(data, dict):
            return imsx_error(400, "An AchievementCredential (a JSON object) is expected.")
    elif content_type == "text/plain":
        data = request.body.decode("ascii", "replace").strip()
        if not COMPACT_JWS.match(data):
            return imsx_error(400, "A CompactJws string is expected.")
    else:
        return imsx_error(400, "Content-Type: application/json (or application/vc+ld+json) or text/plain.")
    # Verifying may fetch the issuer's documents: the verifier's limit, per account.
    retry_after = throttle.hit(throttle.VERIFIER_PER_CLIENT, f"user:{user.pk}")
    if retry_after is not None:
        response = imsx_error(429, "Too many credentials to verify; try again later.")
        response["Retry-After"] = str(retry_after)
        return response
    try:
        _badge, created = wallet_services.badge_upsert(user=user, data=data)
    except ValidationError as exc:
        return imsx_error(400, " ".join(exc.messages))
    # The answer is the credential exactly as it was sent.
    return HttpResponse(request.body, status=201 if created else 200,
                        content_type="text/plain" if content_type == "text/plain" else content_type)


@csrf_exempt  # bearer tokens only: no cookie gives these endpoints any authority
def credentials(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        user, error = _token_user(request, CREDENTIAL_READ)
        return error or _get_credentials(request, user)
    if request.method == "POST":
        user, error = _token_user(request, CREDENTIAL_UPSERT)
        return error or _upsert_credential(request, user)
    return imsx_error(405, "GET or POST.")


def profile_document(user) -> dict:
    """The person as a Profile: an identifier stable for this site (no internal number shown),
    the name they chose, their primary verified address."""
    emails = badge_selectors.user_verified_emails(user=user)
    primary = user.email_addresses.filter(verified_at__isnull=False, primary=True).values_list("email", flat=True)
    email = next(iter(primary), None) or (emails[0] if emails else None)
    wallet_profile = WalletProfile.objects.filter(user=user).first()
    name = (wallet_profile.display_name if wallet_profile else "") or user.get_full_name() or user.get_username()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:ob3-profile:{user.pk}".encode()).digest()[:16]
    document = {"@context": [OB3_CONTEXT], "type": "Profile", "id": f"urn:uuid:{uuid.UUID(bytes=digest)}",
                "name": name}
    if email:
        document["email"] = email
    return document


@csrf_exempt  # bearer tokens only
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        user, error = _token_user(request, PROFILE_READ)
        return error or JsonResponse(profile_document(user))
    if request.method != "PUT":
        return imsx_error(405, "GET or PUT.")
    user, error = _token_user(request, PROFILE_UPDATE)
    if error:
        return error
    try:
        data = json.loads(request.body)
    except ValueError:
        return imsx_error(400, "The body is not JSON.")
    types = data.get("type") if isinstance(data, dict) else None
    if "Profile" not in (types if isinstance(types, list) else [types]):
        return imsx_error(400, "A Profile is expected.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        return imsx_error(400, "name: a string of at most 200 characters.")
    # Only a name is kept; an address is never changed from outside (it would not be verified).
    if "email" in data and data["email"] not in badge_selectors.user_verified_emails(user=user):
        return imsx_error(400, "email: only one of the person's verified addresses is accepted.")
    wallet_services.wallet_profile_set_name(user=user, display_name=name)
    return JsonResponse(profile_document(user))


# --- The beneficiary's connected applications -------------------------------------

@login_required
@require_GET
def connected_apps(request: HttpRequest) -> HttpResponse:
    applications = selectors.connected_applications(user=request.user)
    return render(request, "badges/ob3api/connected_apps.html", {"applications": applications})


@login_required
@require_POST
def disconnect_app(request: HttpRequest, client_id: str) -> HttpResponse:
    application = get_object_or_404(selectors.connected_applications(user=request.user), client_id=client_id)
    services.application_disconnect(user=request.user, application=application)
    messages.success(request, _("« %(name)s » est déconnectée : elle n'a plus accès à votre passeport.")
                     % {"name": application.name})
    return redirect("wallet:connected_apps")

