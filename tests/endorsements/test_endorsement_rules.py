"""Who may endorse in the name of an organisation (issue 16: each rule of the endorsement
services and selectors fails a test when it is removed)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from endorsements import services
from endorsements.models import Endorsement, EndorsementInvitation, Endorser
from endorsements.selectors import endorsers_for_invitation

pytestmark = pytest.mark.django_db


def test_a_member_endorses_in_the_name_of_their_organisation_whatever_address_was_invited(
        endorser_user, badge_class, owner):
    # The issuer invited a person's own address, not the organisation's contact one.
    invitation = services.endorsement_invite(invited_by=owner, organisation_name="Département",
                                             email="ines.personal@example.org", badge_class=badge_class,
                                             message="")
    departement = Endorser.objects.create(name="Département", email="contact@departement.example")
    departement.members.add(endorser_user)
    assert list(endorsers_for_invitation(user=endorser_user, invitation=invitation)) == [departement]
    endorsement = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=departement,
                                              statement="Nous soutenons ce badge.")
    assert Endorsement.objects.get() == endorsement and endorsement.endorser == departement


def test_the_service_refuses_an_expired_invitation_and_publishes_nothing(endorser_user, endorser, invitation):
    EndorsementInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expiré"):
        services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Oui.")
    assert not Endorsement.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_someone_outside_the_organisation_cannot_take_a_used_invitation(endorser_user, endorser, invitation,
                                                                        outsider):
    services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Oui.")
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        services.endorsement_accept(invitation=invitation, user=outsider, endorser=endorser, statement="Non.")
    assert not endorser.members.filter(pk=outsider.pk).exists()
    assert Endorsement.objects.get().statement == "Oui."
