"""Endorsements: an issuer invites an organisation, the organisation publishes or withdraws.

The invitation token is the key: whoever opens the link can read the invitation and, like a
claim link, it proves the invited mailbox (the account created from it has that address verified).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.api_v1.models import Event
from badges.api_v1.webhooks import webhook_event
from badges.models import Assertion, BadgeClass
from badges.services.emails import email_queue
from endorsements import documents
from endorsements.models import Endorsement, EndorsementInvitation, Endorser, EndorserKey
from endorsements.selectors import endorsers_for_invitation
from issuers.audit.models import AuditEvent
from issuers.audit.services import audit_record, audit_record_for_issuers
from issuers.keystore import generate_key_pair
from issuers.models import Issuer, Membership


def target_issuer(*, badge_class: BadgeClass | None = None, issuer: Issuer | None = None,
                  assertion: Assertion | None = None) -> Issuer | None:
    if badge_class is not None:
        return badge_class.issuer
    if assertion is not None:
        return assertion.badge_class.issuer
    return issuer


@transaction.atomic
def endorsement_invite(
    *, invited_by: AbstractBaseUser, organisation_name: str, email: str, message: str = "",
    badge_class: BadgeClass | None = None, issuer: Issuer | None = None, assertion: Assertion | None = None,
) -> EndorsementInvitation:
    """Invite an organisation to endorse a badge class, the issuer itself or one assertion,
    and e-mail it the link. Only the issuer's staff may invite."""
    owner = target_issuer(badge_class=badge_class, issuer=issuer, assertion=assertion)
    if owner is None or not Membership.objects.filter(
        user=invited_by, issuer=owner, role__in=Membership.STAFF_ROLES
    ).exists():
        raise ValidationError(_("Seule l'équipe de l'émetteur peut inviter à recommander."))
    invitation = EndorsementInvitation(
        badge_class=badge_class, issuer=issuer, assertion=assertion, invited_by=invited_by,
        organisation_name=organisation_name.strip(), email=email.strip().lower(), message=message.strip(),
    )
    invitation.full_clean()
    invitation.save()
    email_queue(
        to=invitation.email,
        template="endorsement_invitation",
        context={
            "path": reverse("endorsements:invitation", kwargs={"token": invitation.token}),
            "organisation_name": invitation.organisation_name,
            "issuer_name": owner.name,
            "target_name": str(invitation.target) if assertion is None else assertion.badge_class.name,
            "message": invitation.message,
            "inviter_name": invited_by.get_full_name() or invited_by.get_username(),
            "expires_on": invitation.expires_at.date().isoformat(),
        },
        issuer=owner,
    )
    return invitation


def endorsement_issuer(endorsement: Endorsement) -> Issuer | None:
    return target_issuer(badge_class=endorsement.badge_class, issuer=endorsement.issuer,
                         assertion=endorsement.assertion)


def _endorsement_audit(*, action: str, endorsement: Endorsement, actor: AbstractBaseUser | None) -> None:
    audit_record(action=action, actor=actor, issuer=endorsement_issuer(endorsement), object_type="endorsement",
                 object_id=endorsement.public_id, object_label=str(endorsement)[:400],
                 details={"endorser": str(endorsement.endorser.public_id), "statement": endorsement.statement})


def invitation_check_open(*, invitation: EndorsementInvitation) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été utilisée."))
    if invitation.is_expired:
        raise ValidationError(_("Cette invitation a expiré. Demandez à l'émetteur de vous en envoyer une nouvelle."))


@transaction.atomic
def endorser_key_create(*, endorser: Endorser) -> EndorserKey:
    """A new Ed25519 key for the endorser; the previous one is retired (and stays published)."""
    public_pem, private_encrypted = generate_key_pair("Ed25519")
    now = timezone.now()
    endorser.keys.filter(retired_at__isnull=True).update(retired_at=now)
    key = EndorserKey(endorser=endorser, public_key_pem=public_pem, private_key_encrypted=private_encrypted,
                      created_at=now)
    key.full_clean()
    key.save()
    return key


def endorser_active_key(*, endorser: Endorser) -> EndorserKey:
    key = endorser.keys.filter(retired_at__isnull=True, revoked_at__isnull=True).order_by("-created_at").first()
    return key or endorser_key_create(endorser=endorser)


@transaction.atomic
def endorser_key_rotate(*, endorser: Endorser, by: AbstractBaseUser | None = None) -> EndorserKey:
    """Retire the endorser's key for a new one and sign its published endorsements again
    with it, so that badges signed from now on embed fresh copies. Badges signed before
    keep their copies: the old key stays listed in the profile and still verifies them."""
    endorser = Endorser.objects.select_for_update().get(pk=endorser.pk)  # one rotation at a time
    previous = list(endorser.keys.filter(retired_at__isnull=True))
    key = endorser_key_create(endorser=endorser)
    now = timezone.now()
    published = list(endorser.endorsements.published().select_related(
        "endorser", "badge_class__issuer", "issuer", "assertion__badge_class__issuer"))
    for endorsement in published:
        endorsement.ob3_credential = documents.signed_endorsement_credential(endorsement, key, now)
        endorsement.save(update_fields=["ob3_credential"])
    # Recorded for each issuer whose badges carry this endorser's endorsements.
    audit_record_for_issuers(
        issuers=[endorsement_issuer(endorsement) for endorsement in published],
        action=AuditEvent.Action.ENDORSER_KEY_ROTATED, actor=by, object_type="endorser_key",
        object_id=previous[0].public_id if previous else key.public_id, object_label=endorser.name,
        count=len(published),
        details={"endorser": str(endorser.public_id), "new_key": str(key.public_id),
                 "retired_keys": [str(old.public_id) for old in previous], "endorsements_signed_again": len(published)},
    )
    return key


@transaction.atomic
def endorser_key_revoke(*, key: EndorserKey, reason: str, revoked_at=None,
                        by: AbstractBaseUser | None = None) -> EndorserKey:
    """Mark a key compromised: what it signs from ``revoked_at`` on no longer verifies.
    The endorser gets a fresh key at once and its published endorsements are signed
    again with it, so the badges signed afterwards carry endorsements that verify."""
    key = EndorserKey.objects.select_for_update().get(pk=key.pk)
    key.revoked_at = revoked_at or timezone.now()
    key.revocation_reason = reason
    key.retired_at = key.retired_at or key.revoked_at
    key.full_clean()
    key.save(update_fields=["revoked_at", "revocation_reason", "retired_at"])
    endorser_key_rotate(endorser=key.endorser, by=by)
    endorsements = key.endorser.endorsements.published().select_related(
        "badge_class__issuer", "issuer", "assertion__badge_class__issuer")
    audit_record_for_issuers(
        issuers=[endorsement_issuer(endorsement) for endorsement in endorsements],
        action=AuditEvent.Action.ENDORSER_KEY_COMPROMISED, actor=by, object_type="endorser_key",
        object_id=key.public_id, object_label=key.endorser.name,
        details={"endorser": str(key.endorser.public_id), "reason": reason, "revoked_at": key.revoked_at.isoformat()},
    )
    return key


@transaction.atomic
def endorsement_sign(*, endorsement: Endorsement) -> Endorsement:
    """Sign the endorsement's OB 3.0 EndorsementCredential with its endorser's key and
    keep it: badges embed the stored copy, so a batch never signs it again."""
    key = endorser_active_key(endorser=endorsement.endorser)
    endorsement.ob3_credential = documents.signed_endorsement_credential(endorsement, key, timezone.now())
    endorsement.save(update_fields=["ob3_credential"])
    return endorsement


# What the signed EndorsementCredential says: changing one of these signs it again.
SIGNED_FIELDS = {"endorser", "statement", "created_at", "badge_class", "issuer", "assertion"}


@transaction.atomic
def endorsement_admin_saved(*, endorsement: Endorsement, by: AbstractBaseUser, created: bool,
                            changed_fields: set[str]) -> Endorsement:
    """What follows a network admin's edit of an endorsement in the Django admin: it is
    signed (again) while published, and publishing or withdrawing it there is recorded."""
    if endorsement.withdrawn_at is None and (endorsement.ob3_credential is None or SIGNED_FIELDS & changed_fields):
        endorsement_sign(endorsement=endorsement)
    if "withdrawn_at" in changed_fields or created:
        action = (AuditEvent.Action.ENDORSEMENT_WITHDRAWN if endorsement.withdrawn_at
                  else AuditEvent.Action.ENDORSEMENT_PUBLISHED)
        _endorsement_audit(action=action, endorsement=endorsement, actor=by)
        if endorsement.withdrawn_at is None:
            _endorsement_webhook(endorsement)
    return endorsement


@transaction.atomic
def endorser_create(*, user: AbstractBaseUser, name: str, email: str, url: str = "",
                    description: str = "") -> Endorser:
    endorser = Endorser(name=name.strip(), email=email.strip().lower(), url=url.strip(),
                        description=description.strip())
    endorser.full_clean()
    endorser.save()
    endorser.members.add(user)
    endorser_key_create(endorser=endorser)
    return endorser


@transaction.atomic
def endorsement_accept(*, invitation: EndorsementInvitation, user: AbstractBaseUser, endorser: Endorser,
                       statement: str) -> Endorsement:
    """Publish the endorsement an invitation asked for. Accepting twice returns the same one."""
    invitation = EndorsementInvitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Endorsement.objects.filter(invitation=invitation).first()
    if existing is not None:
        if existing.endorser.members.filter(pk=user.pk).exists():
            return existing
        raise ValidationError(_("Cette invitation a déjà été utilisée."))
    invitation_check_open(invitation=invitation)
    if not endorsers_for_invitation(user=user, invitation=invitation).filter(pk=endorser.pk).exists():
        raise ValidationError(_("Vous ne faites pas partie de cette organisation."))
    endorser.members.add(user)
    endorsement = Endorsement(
        endorser=endorser, invitation=invitation, statement=statement.strip(),
        badge_class=invitation.badge_class, issuer=invitation.issuer, assertion=invitation.assertion,
    )
    endorsement.full_clean()
    endorsement.save()
    endorsement_sign(endorsement=endorsement)
    invitation.accepted_at = timezone.now()
    invitation.endorser = endorser
    invitation.save(update_fields=["accepted_at", "endorser"])
    _endorsement_audit(action=AuditEvent.Action.ENDORSEMENT_PUBLISHED, endorsement=endorsement, actor=user)
    _endorsement_webhook(endorsement)
    return endorsement


def _endorsement_webhook(endorsement: Endorsement) -> None:
    issuer = endorsement_issuer(endorsement)
    if issuer is None:
        return
    webhook_event(issuer_id=issuer.pk, event=Event.ENDORSEMENT_PUBLISHED, data={"endorsement": {
        "id": str(endorsement.public_id),
        "endorser": endorsement.endorser.name,
        "statement": endorsement.statement,
        "badge_class": str(endorsement.badge_class.public_id) if endorsement.badge_class_id else None,
        "assertion": str(endorsement.assertion.public_id) if endorsement.assertion_id else None,
    }})


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, user: AbstractBaseUser) -> Endorsement:
    """Withdraw a published endorsement: it leaves the pages and its document answers 410."""
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if not endorsement.endorser.members.filter(pk=user.pk).exists():
        raise ValidationError(_("Seuls les membres de l'organisation peuvent retirer sa recommandation."))
    if endorsement.withdrawn_at is None:
        endorsement.withdrawn_at = timezone.now()
        endorsement.save(update_fields=["withdrawn_at"])
        _endorsement_audit(action=AuditEvent.Action.ENDORSEMENT_WITHDRAWN, endorsement=endorsement, actor=user)
    return endorsement
