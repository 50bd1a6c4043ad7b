"""Writes of the OB 3.0 API that are not OAuth itself: a beneficiary disconnects an application."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model


@transaction.atomic
def application_disconnect(*, user: AbstractBaseUser, application) -> int:
    """Revoke every token and pending code ``application`` holds for ``user``; returns how many
    tokens. The application keeps its registration: it may ask again, and the person decides."""
    refresh_tokens = list(get_refresh_token_model().objects.filter(user=user, application=application,
                                                                   revoked__isnull=True))
    for refresh_token in refresh_tokens:
        refresh_token.revoke()
    deleted, _detail = get_access_token_model().objects.filter(user=user, application=application).delete()
    get_grant_model().objects.filter(user=user, application=application).delete()
    return len(refresh_tokens) + deleted
