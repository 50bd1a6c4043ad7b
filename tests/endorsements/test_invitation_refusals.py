"""The refusals of an endorsement invitation say why (docs/mutation.md, endorsements.protect):
the page shows the service's sentence, so a refusal without it leaves the person guessing."""

import pytest
from django.core.exceptions import ValidationError

from endorsements import services
from endorsements.models import Endorsement, EndorsementInvitation, Endorser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_invitation_whose_endorsement_was_deleted_stays_used(endorsement, invitation, endorser_user, endorser):
    Endorsement.objects.filter(pk=endorsement.pk).delete()  # e.g. by an administrator
    assert EndorsementInvitation.objects.get(pk=invitation.pk).accepted_at is not None
    with pytest.raises(ValidationError) as refused:
        services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Encore.")
    assert refused.value.messages == ["Cette invitation a déjà été utilisée."]
    assert not Endorsement.objects.exists()


def test_someone_endorsing_for_an_organisation_they_are_not_part_of_is_told_so(invitation):
    stranger = UserFactory(username="stranger", email="stranger@example.org")
    other = Endorser.objects.create(name="Autre organisation", email="contact@autre.example")
    with pytest.raises(ValidationError) as refused:
        services.endorsement_accept(invitation=invitation, user=stranger, endorser=other, statement="Oui.")
    assert refused.value.messages == ["Vous ne faites pas partie de cette organisation."]
    assert not Endorsement.objects.exists() and not other.members.exists()
