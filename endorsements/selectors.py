"""Reads that cross relations or check who may see what."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404

from endorsements.models import Endorsement, EndorsementInvitation, Endorser
from issuers.models import Issuer


def _issuer_targets(issuer: Issuer) -> Q:
    return Q(issuer=issuer) | Q(badge_class__issuer=issuer) | Q(assertion__badge_class__issuer=issuer)


def issuer_invitations(*, issuer: Issuer) -> QuerySet[EndorsementInvitation]:
    return (EndorsementInvitation.objects.filter(_issuer_targets(issuer))
            .select_related("badge_class", "issuer", "assertion__badge_class", "endorser", "endorsement"))


def issuer_endorsements(*, issuer: Issuer) -> QuerySet[Endorsement]:
    return (Endorsement.objects.filter(_issuer_targets(issuer))
            .select_related("endorser", "badge_class", "issuer", "assertion__badge_class"))


def endorsers_for_invitation(*, user: AbstractBaseUser, invitation: EndorsementInvitation) -> QuerySet[Endorser]:
    """Organisations the person may endorse as: those they belong to, and those whose
    contact address is the invited one (the link proves that mailbox, so they may join)."""
    if not user.is_authenticated:
        return Endorser.objects.none()
    return Endorser.objects.filter(Q(members=user) | Q(email__iexact=invitation.email)).distinct()


def get_endorsement_for_member(*, user: AbstractBaseUser, public_id) -> Endorsement:
    """The endorsement if ``user`` belongs to its organisation; 404 otherwise."""
    endorsement = (
        Endorsement.objects.select_related("endorser", "badge_class", "issuer", "assertion__badge_class")
        .filter(public_id=public_id, endorser__members=user).first()
        if user.is_authenticated else None
    )
    if endorsement is None:
        raise Http404
    return endorsement
