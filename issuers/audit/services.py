"""Writing the audit log. Services call ``audit_record`` inside their own transaction,
so an action that rolls back leaves no event and a committed one always has its event."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from issuers.audit.models import AuditEvent


def _actor_name(actor: AbstractBaseUser | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    username = actor.get_username()
    return f"{full_name} ({username})" if full_name else username


def audit_record(*, action: str, actor: AbstractBaseUser | None, issuer, object_type: str, object_id: Any,
                 object_label: str = "", count: int = 1, details: dict | None = None) -> AuditEvent:
    """Add one event. ``actor`` None means the platform itself (a rule, a worker)."""
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        issuer=issuer,
        object_type=object_type,
        object_id=str(object_id),
        object_label=str(object_label)[:400],
        count=count,
        details=details or {},
    )
    event.full_clean(exclude=["actor", "issuer"])
    event.save()
    return event


def audit_record_for_issuers(*, issuers: Iterable, **event) -> list[AuditEvent]:
    """The same event once per issuer it concerns (an endorser's key signs for several);
    once without an issuer when it concerns none."""
    issuers = list({issuer.pk: issuer for issuer in issuers if issuer is not None}.values()) or [None]
    return [audit_record(issuer=issuer, **event) for issuer in issuers]
