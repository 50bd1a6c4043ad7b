"""badgehub as an Open Badges 3.0 Service Consumer (Write): a beneficiary sends one of their
badges to another OB 3.0 host. We read its service description, register once as a client
(RFC 7591), send the person through its authorization page (PKCE S256), exchange the code at
our callback and call its ``upsertCredential`` with the badge as issued.

Every request to the other host goes through the verifier's safe fetcher (no private
addresses, one deadline, a size cap). The access token is used once and never stored."""

import json
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient

from badges.models import Assertion
from badges.ob3api.models import RemotePlatform
from badges.ob3api.scopes import CREDENTIAL_UPSERT
from badges.verification import FetchRefused, safe_fetch, safe_request
from issuers.keystore import decrypt_private_key, encrypt_private_key

API_PATH = "/ims/ob/v3p0"


class SendError(Exception):
    """What the page tells the beneficiary, in French, when the other platform cannot take the badge."""


@dataclass(frozen=True)
class AuthorizationStart:
    url: str
    state: str
    code_verifier: str


def callback_url() -> str:
    return settings.SITE_URL + reverse("wallet:platform_callback")


def discovery_url_for(address: str) -> str:
    """The service description of the host at ``address`` (its site, its API root or the
    discovery URL itself)."""
    address = address.strip()
    if not address.startswith(("http://", "https://")):
        address = "https://" + address
    parts = urlsplit(address)
    if not parts.hostname or parts.username or parts.password:
        raise SendError(_("Cette adresse n'est pas celle d'un site web."))
    if settings.PRODUCTION and parts.scheme != "https":
        raise SendError(_("Cette plateforme doit être jointe en https."))
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH + "/discovery"):
        pass
    elif path.endswith(API_PATH):
        path += "/discovery"
    else:
        path = API_PATH + "/discovery"
    url = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if url.startswith(settings.SITE_URL + "/"):
        raise SendError(_("C'est l'adresse de badgehub : votre badge y est déjà."))
    return url


def _unreachable(exc: Exception) -> SendError:
    # Our own refusals are French sentences; a network error's text would only confuse.
    if isinstance(exc, FetchRefused):
        return SendError(_("Impossible de joindre cette plateforme : %(reason)s") % {"reason": exc})
    return SendError(_("Impossible de joindre cette plateforme. Vérifiez son adresse, ou réessayez plus tard."))


def _json_object(status: int, body: bytes, what: str) -> dict:
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise SendError(_("La plateforme a répondu de façon inattendue (%(what)s, code %(status)s).")
                        % {"what": what, "status": status})
    return document


def _absolute(url, what: str) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or (
            settings.PRODUCTION and parts.scheme != "https"):
        raise SendError(_("La description de cette plateforme n'a pas d'adresse valable pour %(what)s.")
                        % {"what": what})
    return url


def _remote_error(content: bytes) -> str:
    try:
        document = json.loads(content)
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    return str(document.get("imsx_description") or document.get("error_description") or document.get("error") or "")


@transaction.atomic
def platform_for(address: str) -> RemotePlatform:
    """The host at ``address``, registered with as a client (once: later sends reuse it)."""
    discovery_url = discovery_url_for(address)
    redirect_uri = callback_url()
    known = RemotePlatform.objects.filter(discovery_url=discovery_url, redirect_uri=redirect_uri).first()
    if known is not None:
        return known
    try:
        status, _type, body = safe_fetch(discovery_url)
    except (FetchRefused, OSError) as exc:
        raise _unreachable(exc) from exc
    if status != 200:
        raise SendError(_("Cette adresse n'est pas celle d'une plateforme Open Badges 3.0 (code %(status)s).")
                        % {"status": status})
    description = _json_object(status, body, "discovery")
    try:
        scheme = description["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
        servers = description.get("servers") or [{"url": discovery_url.removesuffix("/discovery")}]
        api_root = str(servers[0]["url"]).rstrip("/")
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise SendError(_("Cette plateforme ne décrit pas son API Open Badges 3.0 comme prévu.")) from exc
    if CREDENTIAL_UPSERT not in (flow.get("scopes") or {}):
        raise SendError(_("Cette plateforme n'accepte pas qu'on lui envoie des badges."))
    registration_url = _absolute(scheme.get("x-imssf-registrationUrl"), "l'enregistrement")
    registration = {
        "client_name": "badgehub", "client_uri": settings.SITE_URL + "/",
        "tos_uri": settings.SITE_URL + "/", "policy_uri": settings.SITE_URL + "/",
        "software_id": "badgehub", "software_version": "1.0",
        "redirect_uris": [redirect_uri], "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "scope": CREDENTIAL_UPSERT,
    }
    try:
        status, _type, body = safe_request("POST", registration_url, body=json.dumps(registration).encode(),
                                           headers={"Content-Type": "application/json", "Accept": "application/json"})
    except (FetchRefused, OSError) as exc:
        raise _unreachable(exc) from exc
    registered = _json_object(status, body, "registration")
    if status not in (200, 201) or not registered.get("client_id") or not registered.get("client_secret"):
        raise SendError(_("Cette plateforme a refusé l'enregistrement de badgehub. %(detail)s")
                        % {"detail": _remote_error(body)})
    platform, _created = RemotePlatform.objects.update_or_create(discovery_url=discovery_url, defaults={
        "name": str(scheme.get("x-imssf-name") or description.get("info", {}).get("title") or "")[:200],
        "authorization_url": _absolute(flow.get("authorizationUrl"), "l'autorisation"),
        "token_url": _absolute(flow.get("tokenUrl"), "le jeton"),
        "credentials_url": _absolute(api_root + "/credentials", "les badges"),
        "redirect_uri": redirect_uri, "client_id": str(registered["client_id"])[:500],
        "client_secret": encrypt_private_key(str(registered["client_secret"]).encode()),
    })
    return platform


def authorization_start(*, platform: RemotePlatform) -> AuthorizationStart:
    """Where to send the person: the platform's authorization page, with our state and a PKCE
    challenge (its verifier stays on our side until the code comes back)."""
    client = WebApplicationClient(platform.client_id)
    verifier = client.create_code_verifier(64)
    state = secrets.token_urlsafe(32)
    url = client.prepare_request_uri(
        platform.authorization_url, redirect_uri=platform.redirect_uri, scope=[CREDENTIAL_UPSERT], state=state,
        code_challenge=client.create_code_challenge(verifier, "S256"), code_challenge_method="S256",
    )
    return AuthorizationStart(url=url, state=state, code_verifier=verifier)


def credential_send(*, platform: RemotePlatform, code: str, code_verifier: str, assertion: Assertion) -> bool:
    """Exchange the code for a token and upsert the badge's credential; True when the platform
    created it, False when it already had it (replaced)."""
    if not assertion.ob3_credential:
        raise SendError(_("Ce badge est encore en préparation. Réessayez dans quelques minutes."))
    client = WebApplicationClient(platform.client_id)
    body = client.prepare_request_body(code=code, redirect_uri=platform.redirect_uri, code_verifier=code_verifier,
                                       include_client_id=False)
    secret = decrypt_private_key(bytes(platform.client_secret)).decode()
    # RFC 6749 §2.3.1: both are form-encoded before Basic authentication.
    basic = (quote(platform.client_id, safe=""), quote(secret, safe=""))
    try:
        status, _type, content = safe_request(
            "POST", platform.token_url, body=body.encode(), auth=basic,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
        try:
            token = client.parse_request_body_response(content.decode("utf-8", "replace"),
                                                       scope=[CREDENTIAL_UPSERT])
        except (OAuth2Error, ValueError, Warning) as exc:
            raise SendError(_("La plateforme n'a pas donné son accord (%(reason)s).")
                            % {"reason": _remote_error(content) or getattr(exc, "error", "") or status}) from exc
        status, _type, content = safe_request(
            "POST", platform.credentials_url, body=json.dumps(assertion.ob3_credential).encode(),
            headers={"Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/json",
                     "Accept": "application/json"})
    except (FetchRefused, OSError) as exc:
        raise _unreachable(exc) from exc
    if status not in (200, 201):
        raise SendError(_("La plateforme a refusé le badge (code %(status)s). %(detail)s")
                        % {"status": status, "detail": _remote_error(content)})
    return status == 201
