"""Who may endorse in the name of an organisation (issue 16: each rule of the endorsement
services and selectors fails a test when it is removed)."""

import pytest

from endorsements import services
from endorsements.models import Endorsement, Endorser
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
