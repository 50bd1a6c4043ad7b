"""OAuth 2.0 Dynamic Client Registration (RFC 7591) for the OB 3.0 API: an application
registers itself, then a beneficiary decides on the authorization page what it may do."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from badges.ob3api.models import ClientProfile
from badges.ob3api.scopes import ALL_SCOPES

MAX_REDIRECT_URIS = 5
MAX_URI = 500
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class RegistrationError(Exception):
    """An RFC 7591 error: ``error`` is its code (invalid_redirect_uri, invalid_client_metadata)."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_redirect_uri(uri) -> str:
    """https (plain http only to this machine, outside production), no fragment, no user info:
    the authorization code goes nowhere else."""
    if not isinstance(uri, str) or not uri or len(uri) > MAX_URI:
        raise RegistrationError("invalid_redirect_uri", "Each redirect URI must be a string of at most 500 characters.")
    parts = urlsplit(uri)
    if parts.fragment or "#" in uri:
        raise RegistrationError("invalid_redirect_uri", f"A redirect URI has no fragment: {uri}")
    if parts.username or parts.password or not parts.hostname:
        raise RegistrationError("invalid_redirect_uri", f"Not an absolute URI with a host: {uri}")
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and not settings.PRODUCTION and _is_loopback(parts.hostname))
    if not secure:
        raise RegistrationError("invalid_redirect_uri", f"A redirect URI must use https: {uri}")
    return uri


def _optional_url(data: dict, key: str) -> str:
    value = data.get(key, "")
    if value in ("", None):
        return ""
    if not isinstance(value, str) or len(value) > MAX_URI or urlsplit(value).scheme not in ("http", "https"):
        raise RegistrationError("invalid_client_metadata", f"{key} must be an http(s) URL.")
    return value


def _text(data: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise RegistrationError("invalid_client_metadata",
                                f"{key} must be a string of at most {limit} characters" + (" (required)." if required
                                                                                          else "."))
    return value.strip()


def _checked(data) -> dict:
    if not isinstance(data, dict):
        raise RegistrationError("invalid_client_metadata", "The request body must be a JSON object.")
    uris = data.get("redirect_uris")
    if not isinstance(uris, list) or not uris or len(uris) > MAX_REDIRECT_URIS:
        raise RegistrationError("invalid_redirect_uri", "redirect_uris: one to five URIs.")
    grant_types = data.get("grant_types", ["authorization_code", "refresh_token"])
    if (not isinstance(grant_types, list) or "authorization_code" not in grant_types
            or set(grant_types) - {"authorization_code", "refresh_token"}):
        raise RegistrationError("invalid_client_metadata", "grant_types: authorization_code and refresh_token only.")
    response_types = data.get("response_types", ["code"])
    if response_types != ["code"]:
        raise RegistrationError("invalid_client_metadata", "response_types: code only.")
    auth_method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if auth_method not in AUTH_METHODS:
        raise RegistrationError("invalid_client_metadata", "token_endpoint_auth_method: client_secret_basic or "
                                                           "client_secret_post (a confidential client).")
    scope = data.get("scope", " ".join(ALL_SCOPES))
    if not isinstance(scope, str) or not scope.split() or set(scope.split()) - set(ALL_SCOPES):
        raise RegistrationError("invalid_client_metadata", "scope: Open Badges 3.0 scopes only, space separated.")
    return {
        "redirect_uris": [_check_redirect_uri(uri) for uri in uris],
        "grant_types": ["authorization_code", "refresh_token"] if "refresh_token" in grant_types
        else ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": auth_method,
        "scope": " ".join(dict.fromkeys(scope.split())),
        "client_name": _text(data, "client_name", 100, required=True),
        "client_uri": _optional_url(data, "client_uri"),
        "logo_uri": _optional_url(data, "logo_uri"),
        "tos_uri": _optional_url(data, "tos_uri"),
        "policy_uri": _optional_url(data, "policy_uri"),
        "software_id": _text(data, "software_id", 200),
        "software_version": _text(data, "software_version", 100),
    }


@transaction.atomic
def client_register(*, metadata, registered_from: str | None = None) -> dict:
    """Register an application; returns the RFC 7591 response (its secret is shown only here:
    stored hashed, like a password)."""
    checked = _checked(metadata)
    secret = generate_client_secret()
    application = get_application_model()(
        name=checked["client_name"], client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=" ".join(checked["redirect_uris"]), client_secret=secret, hash_client_secret=True,
        skip_authorization=False,
    )
    application.full_clean()
    application.save()
    profile = ClientProfile(
        application=application, scope=checked["scope"], registered_from=registered_from,
        **{key: checked[key] for key in ("client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id",
                                         "software_version")},
    )
    profile.full_clean()
    profile.save()
    response = {"client_id": application.client_id, "client_secret": secret,
                "client_id_issued_at": int(timezone.now().timestamp()), "client_secret_expires_at": 0}
    response.update({key: value for key, value in checked.items() if value not in ("", [])})
    return response
