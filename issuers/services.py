from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from issuers.keystore import generate_key_pair
from issuers.models import Issuer, Membership, SigningKey


@transaction.atomic
def signing_key_create(*, issuer: Issuer, algorithm: str) -> SigningKey:
    """Create a key pair; the previous active key of that algorithm is retired.

    Retired keys stay published so that badges they signed keep verifying.
    """
    public_pem, private_encrypted = generate_key_pair(algorithm)
    now = timezone.now()
    SigningKey.objects.filter(issuer=issuer, algorithm=algorithm, retired_at__isnull=True).update(retired_at=now)
    key = SigningKey(
        issuer=issuer,
        algorithm=algorithm,
        public_key_pem=public_pem,
        private_key_encrypted=private_encrypted,
        created_at=now,
    )
    key.full_clean()
    key.save()
    return key


@transaction.atomic
def signing_key_revoke(*, key: SigningKey, reason: str, revoked_at=None) -> SigningKey:
    """Mark a key compromised and put a fresh key in its place."""
    key.revoked_at = revoked_at or timezone.now()
    key.revocation_reason = reason
    key.retired_at = key.retired_at or key.revoked_at
    key.full_clean()
    key.save(update_fields=["revoked_at", "revocation_reason", "retired_at"])
    signing_key_create(issuer=key.issuer, algorithm=key.algorithm)
    return key


def issuer_ensure_keys(*, issuer: Issuer) -> None:
    for algorithm in SigningKey.Algorithm.values:
        if not issuer.signing_keys.filter(algorithm=algorithm, retired_at__isnull=True).exists():
            signing_key_create(issuer=issuer, algorithm=algorithm)


@transaction.atomic
def issuer_create(*, name: str, email: str, url: str = "", description: str = "", territory: str = "",
                  co_creators: str = "", owner: AbstractBaseUser | None = None) -> Issuer:
    issuer = Issuer(name=name, email=email, url=url, description=description, territory=territory,
                    co_creators=co_creators)
    issuer.full_clean()
    issuer.save()
    issuer_ensure_keys(issuer=issuer)
    if owner is not None:
        membership_set(issuer=issuer, user=owner, role=Membership.Role.OWNER)
    return issuer


@transaction.atomic
def membership_set(*, issuer: Issuer, user: AbstractBaseUser, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(issuer=issuer, user=user, defaults={"role": role})
    membership.full_clean()
    return membership
