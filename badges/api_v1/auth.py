"""Bearer-token authentication, scopes and per-token rate limits of the API v1."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from badges import throttle
from badges.api_v1.models import ApiToken
from badges.api_v1.tokens import api_token_check


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer bh_…``: the request acts as the token's creator, for its issuer only."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide.")) from None
        token = api_token_check(raw)
        if token is None:
            # Refused tokens are counted per client: permissions and throttles run only once a
            # request is authenticated, so this is the one place that sees someone guessing.
            retry_after = throttle.hit(throttle.API_PER_CLIENT, throttle.client_ip(request))
            if retry_after is not None:
                raise exceptions.Throttled(wait=retry_after)
            raise exceptions.AuthenticationFailed(_("Jeton invalide, expiré ou révoqué."))
        return token.created_by, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Jeton d'API créé dans l'espace partenaire (bh_…)."}


class HasScope(BasePermission):
    """The token holds the scope the view asks for this method (``required_scopes``)."""

    message = _("Ce jeton n'a pas le droit nécessaire pour cette opération.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        needed = view.required_scopes.get(request.method.upper() if request.method != "HEAD" else "GET")
        return needed is not None and needed in token.scopes


class TokenThrottle(BaseThrottle):
    """Per token (``throttle.API_PER_TOKEN``). REST framework throttles after authentication and
    permissions, so a request here always carries a token; refused tokens are counted per
    client by ``BearerTokenAuthentication``."""

    def allow_request(self, request, view) -> bool:
        token = request.auth
        self.retry_after = (throttle.hit(throttle.API_PER_TOKEN, f"token:{token.pk}")
                            if isinstance(token, ApiToken) else None)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after
