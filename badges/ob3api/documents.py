"""The JSON the OB 3.0 API answers with: the service description and Imsx_StatusInfo errors."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse

from badges.ob3api.scopes import ALL_SCOPES, CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE

# Imsx_CodeMinorFieldValue for each HTTP status we answer with (OB 3.0 Imsx_StatusInfo).
CODE_MINOR = {400: "invalid_data", 401: "unauthorizedrequest", 403: "forbidden", 404: "unknown",
              405: "not_allowed", 406: "not_acceptable", 429: "server_busy", 500: "internal_server_error"}


def imsx_error(status: int, description: str, *, code_minor: str | None = None) -> JsonResponse:
    response = JsonResponse({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {"imsx_codeMinorField": [{
            "imsx_codeMinorFieldName": "TargetEndSystem",
            "imsx_codeMinorFieldValue": code_minor or CODE_MINOR.get(status, "unknown"),
        }]},
    }, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="badgehub"'
    return response


def _url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def _operation(operation_id: str, summary: str, scope: str | None, responses: dict) -> dict:
    operation = {"operationId": operation_id, "summary": summary, "tags": ["OpenBadgeCredentials"],
                 "responses": {**responses, "default": {"description": "Imsx_StatusInfo"}}}
    if scope:
        operation["security"] = [{"OAuth2ACG": [scope]}]
    return operation


def service_description() -> dict:
    """GET /ims/ob/v3p0/discovery: OpenAPI 3.0, with the OAuth 2.0 authorization code flow
    and the registration URL other platforms need to connect (OB 3.0 §6.3, §7)."""
    token_url = _url("oauth2_provider:token")
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "badgehub — Open Badges API",
            "version": "3.0",
            "description": "Open Badges 3.0 API (Service Provider): the badges of the person who connects.",
            "termsOfService": settings.SITE_URL + "/",
            "x-imssf-privacyPolicyUrl": settings.SITE_URL + "/",
        },
        "servers": [{"url": settings.SITE_URL + reverse("ob3api:discovery").removesuffix("/discovery")}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": _operation("getCredentials", "The OpenBadgeCredentials of the authenticated entity.",
                                  CREDENTIAL_READ, {"200": {"description": "GetOpenBadgeCredentialsResponse"}}),
                "post": _operation("upsertCredential", "Create or replace an OpenBadgeCredential.",
                                   CREDENTIAL_UPSERT, {"200": {"description": "Replaced"},
                                                       "201": {"description": "Created"}}),
            },
            "/profile": {
                "get": _operation("getProfile", "The profile of the authenticated entity.", PROFILE_READ,
                                  {"200": {"description": "Profile"}}),
                "put": _operation("putProfile", "Update the profile of the authenticated entity.", PROFILE_UPDATE,
                                  {"200": {"description": "Profile"}}),
            },
            "/discovery": {
                "get": {"operationId": "getServiceDescription", "tags": ["Discovery"],
                        "summary": "This service description document.",
                        "responses": {"200": {"description": "ServiceDescriptionDocument"},
                                      "default": {"description": "Imsx_StatusInfo"}}},
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant authorization (PKCE S256 required)",
                    "x-imssf-name": "badgehub",
                    "x-imssf-privacyPolicyUrl": settings.SITE_URL + "/",
                    "x-imssf-registrationUrl": _url("ob3api:register"),
                    "x-imssf-termsOfServiceUrl": settings.SITE_URL + "/",
                    "flows": {
                        "authorizationCode": {
                            "tokenUrl": token_url,
                            "authorizationUrl": _url("oauth2_provider:authorize"),
                            "refreshUrl": token_url,
                            "scopes": {scope: str(settings.OAUTH2_PROVIDER["SCOPES"][scope]) for scope in ALL_SCOPES},
                        },
                    },
                },
            },
            "schemas": {},
        },
    }
