"""Correcting an issued badge: the wrong one is revoked (so verifiers see it at once)
and a corrected one is issued in its place, with the same evidence."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from badges.models import Assertion, Evidence
from badges.services.issuing import assertion_issue, assertion_revoke
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record


@transaction.atomic
def assertion_correct(*, assertion: Assertion, corrected_by: AbstractBaseUser, recipient_email: str,
                      recipient_name: str, narrative: str, issued_on: datetime) -> Assertion:
    """Revoke ``assertion`` and issue a corrected copy; returns the new assertion."""
    if assertion.revoked:
        raise ValidationError(_("Ce badge est déjà révoqué : il ne peut plus être corrigé."))
    via = assertion.issued_via if assertion.issued_via != Assertion.Via.IMPORT else Assertion.Via.MEDIATOR
    corrected = assertion_issue(
        badge_class=assertion.badge_class,
        recipient_email=recipient_email,
        recipient_name=recipient_name,
        issued_by=corrected_by,
        via=via,
        narrative=narrative,
        issued_on=issued_on,
    )
    # The evidence documents the same observation: the rows are copied, the files shared.
    Evidence.objects.bulk_create([
        Evidence(assertion=corrected, name=item.name, narrative=item.narrative, url=item.url, file=item.file.name,
                 file_name=item.file_name, genre=item.genre)
        for item in assertion.evidence.all()
    ])
    assertion_revoke(
        assertion=assertion,
        reason=_("Remplacé par un badge corrigé (%(url)s).") % {"url": corrected.get_absolute_url()},
        revoked_by=corrected_by,
    )
    changed = {field: {"before": str(getattr(assertion, field)), "after": str(getattr(corrected, field))}
               for field in ("recipient_email", "recipient_name", "narrative", "issued_on")
               if getattr(assertion, field) != getattr(corrected, field)}
    audit_record(action=AuditEvent.Action.ASSERTION_CORRECTED, actor=corrected_by,
                 issuer=assertion.badge_class.issuer, object_type="assertion", object_id=assertion.public_id,
                 object_label=f"{assertion.badge_class.name} → {corrected.recipient_name or corrected.recipient_email}",
                 details={"replaced_by": str(corrected.public_id), "changed": changed})
    return corrected
