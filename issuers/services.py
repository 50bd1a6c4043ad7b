from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record
from issuers.keystore import generate_key_pair
from issuers.models import Issuer, Membership, SigningKey
from issuers.signals import signing_key_rotated


def _key_label(key: SigningKey) -> str:
    return f"{key.algorithm} {key.public_id}"


@transaction.atomic
def signing_key_create(*, issuer: Issuer, algorithm: str, by: AbstractBaseUser | None = None) -> SigningKey:
    """Create a key pair; the previous active key of that algorithm is retired.

    Retired keys stay published so that badges they signed keep verifying.
    Replacing an active key is a rotation, recorded in the audit log.
    """
    public_pem, private_encrypted = generate_key_pair(algorithm)
    now = timezone.now()
    previous = list(SigningKey.objects.filter(issuer=issuer, algorithm=algorithm, retired_at__isnull=True))
    SigningKey.objects.filter(pk__in=[old.pk for old in previous]).update(retired_at=now)
    key = SigningKey(
        issuer=issuer,
        algorithm=algorithm,
        public_key_pem=public_pem,
        private_key_encrypted=private_encrypted,
        created_at=now,
    )
    key.full_clean()
    key.save()
    for old in previous:
        audit_record(action=AuditEvent.Action.SIGNING_KEY_ROTATED, actor=by, issuer=issuer, object_type="signing_key",
                     object_id=old.public_id, object_label=_key_label(old),
                     details={"algorithm": algorithm, "new_key": str(key.public_id)})
    if previous:
        issuer_id = issuer.pk
        transaction.on_commit(lambda: signing_key_rotated.send(sender=SigningKey, issuer_id=issuer_id,
                                                               algorithm=algorithm))
    return key


@transaction.atomic
def signing_key_revoke(*, key: SigningKey, reason: str, revoked_at=None,
                       by: AbstractBaseUser | None = None) -> SigningKey:
    """Mark a key compromised and put a fresh key in its place."""
    key.revoked_at = revoked_at or timezone.now()
    key.revocation_reason = reason
    key.retired_at = key.retired_at or key.revoked_at
    key.full_clean()
    key.save(update_fields=["revoked_at", "revocation_reason", "retired_at"])
    new_key = signing_key_create(issuer=key.issuer, algorithm=key.algorithm, by=by)
    audit_record(action=AuditEvent.Action.SIGNING_KEY_COMPROMISED, actor=by, issuer=key.issuer,
                 object_type="signing_key", object_id=key.public_id, object_label=_key_label(key),
                 details={"algorithm": key.algorithm, "reason": reason, "revoked_at": key.revoked_at.isoformat(),
                          "new_key": str(new_key.public_id)})
    return key


def issuer_ensure_keys(*, issuer: Issuer) -> None:
    for algorithm in SigningKey.Algorithm.values:
        if not issuer.signing_keys.filter(algorithm=algorithm, retired_at__isnull=True).exists():
            signing_key_create(issuer=issuer, algorithm=algorithm)


@transaction.atomic
def issuer_create(*, name: str, email: str, url: str = "", description: str = "", territory: str = "",
                  co_creators: str = "", owner: AbstractBaseUser | None = None,
                  by: AbstractBaseUser | None = None) -> Issuer:
    issuer = Issuer(name=name, email=email, url=url, description=description, territory=territory,
                    co_creators=co_creators)
    issuer.full_clean()
    issuer.save()
    issuer_ensure_keys(issuer=issuer)
    if owner is not None:
        membership_set(issuer=issuer, user=owner, role=Membership.Role.OWNER, by=by)
    return issuer


def _member_label(membership: Membership) -> str:
    return _user_label(membership.user)


def _user_label(user: AbstractBaseUser) -> str:
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


@transaction.atomic
def membership_set(*, issuer: Issuer, user: AbstractBaseUser, role: str,
                   by: AbstractBaseUser | None = None) -> Membership:
    """Give ``user`` a role in ``issuer`` (added, or changed from the role they had)."""
    previous = Membership.objects.select_for_update().filter(issuer=issuer, user=user).first()
    membership = previous or Membership(issuer=issuer, user=user)
    old_role = previous.role if previous else None
    membership.role = role
    membership.full_clean()
    membership.save()
    if old_role != role:
        audit_record(
            action=AuditEvent.Action.MEMBERSHIP_CHANGED if previous else AuditEvent.Action.MEMBERSHIP_ADDED,
            actor=by, issuer=issuer, object_type="membership", object_id=membership.pk,
            object_label=_member_label(membership),
            details={"user_id": user.pk, "role": role, **({"previous_role": old_role} if previous else {})},
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: AbstractBaseUser | None = None) -> None:
    """Take ``membership``'s role away: the person no longer acts for the issuer."""
    audit_record(action=AuditEvent.Action.MEMBERSHIP_REMOVED, actor=by, issuer=membership.issuer,
                 object_type="membership", object_id=membership.pk, object_label=_member_label(membership),
                 details={"user_id": membership.user_id, "previous_role": membership.role})
    membership.delete()
