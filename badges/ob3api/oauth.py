"""django-oauth-toolkit, as the OB 3.0 API uses it."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from badges.ob3api.models import ClientProfile
from badges.ob3api.scopes import ALL_SCOPES


class Validator(OAuth2Validator):
    """An application asks only for the scopes it registered with (RFC 7591 ``scope``)."""

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        profile = ClientProfile.objects.filter(application_id=getattr(client, "pk", None)).first()
        allowed = set(profile.scopes) if profile is not None else set(ALL_SCOPES)
        return set(scopes) <= allowed
