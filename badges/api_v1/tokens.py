"""Creating, checking and revoking API tokens."""

import hashlib
import hmac
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.api_v1.models import ApiToken, Scope
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record
from issuers.models import Issuer, Membership

PREFIX = "bh_"
# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USE_PRECISION_S = 60


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_staff(user: AbstractBaseUser, issuer: Issuer) -> bool:
    return Membership.objects.filter(user=user, issuer=issuer, role__in=Membership.STAFF_ROLES).exists()


@transaction.atomic
def api_token_create(*, issuer: Issuer, created_by: AbstractBaseUser, name: str, scopes: list[str],
                     expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``issuer``; returns it and its secret, which is never shown again."""
    if not _is_staff(created_by, issuer):
        raise PermissionDenied(_("Seuls les propriétaires et administrateurs de la structure créent des jetons."))
    if not scopes or set(scopes) - set(Scope.values):
        raise ValidationError({"scopes": _("Choisissez au moins un droit.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("La date d'expiration doit être dans le futur.")})
    lookup = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)  # 256 bits
    token = ApiToken(issuer=issuer, created_by=created_by, name=name.strip(), prefix=lookup,
                     secret_sha256=_digest(secret), scopes=sorted(set(scopes)), expires_at=expires_at)
    token.full_clean()
    token.save()
    audit_record(action=AuditEvent.Action.API_TOKEN_CREATED, actor=created_by, issuer=issuer,
                 object_type="api_token", object_id=token.public_id, object_label=token.name,
                 details={"scopes": token.scopes, "expires_at": expires_at.isoformat() if expires_at else None})
    return token, f"{PREFIX}{lookup}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: AbstractBaseUser) -> ApiToken:
    if not _is_staff(revoked_by, token.issuer):
        raise PermissionDenied(_("Seuls les propriétaires et administrateurs de la structure révoquent des jetons."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=AuditEvent.Action.API_TOKEN_REVOKED, actor=revoked_by, issuer=token.issuer,
                     object_type="api_token", object_id=token.public_id, object_label=token.name)
    return token


def api_token_check(raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, whose creator still manages its issuer; None otherwise."""
    if not raw.startswith(PREFIX):
        return None
    lookup, _sep, secret = raw[len(PREFIX):].partition("_")
    if not lookup or not secret or len(raw) > 200:
        return None
    token = ApiToken.objects.active().select_related("issuer", "created_by").filter(prefix=lookup).first()
    # Compared even when no row matched, so timing tells nothing about which prefixes exist.
    expected = token.secret_sha256 if token is not None else "0" * 64
    if not hmac.compare_digest(expected, _digest(secret)) or token is None:
        return None
    if not token.created_by.is_active or not _is_staff(token.created_by, token.issuer):
        return None  # its creator left the structure: the token goes with them
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USE_PRECISION_S:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
