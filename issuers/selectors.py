from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from issuers.models import Issuer, SigningKey


def get_issuer_for_user(*, user: AbstractBaseUser, public_id, roles: tuple[str, ...]) -> Issuer:
    """The issuer if ``user`` holds one of ``roles`` in it; 404 otherwise so
    that outsiders learn nothing about other issuers' staff pages."""
    issuer = Issuer.objects.for_user(user, roles).filter(public_id=public_id).first()
    if issuer is None:
        raise Http404
    return issuer


def active_signing_key(*, issuer: Issuer, algorithm: str) -> SigningKey:
    return issuer.signing_keys.filter(algorithm=algorithm, retired_at__isnull=True).latest()
