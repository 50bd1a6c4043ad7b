"""Accepting an endorsement invitation (docs/mutation.md, endorsements.protect): the refusals say why
(the page shows the service's sentence), and what is endorsed is what the invitation named."""

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


def test_an_invitation_to_endorse_the_issuer_or_one_badge_endorses_that_one(issuer, owner, badge_class,
                                                                           endorser_user, endorser):
    from tests.factories import AssertionFactory

    awarded = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    for target in ({"issuer": issuer}, {"assertion": awarded}):
        invitation = services.endorsement_invite(invited_by=owner, organisation_name=endorser.name,
                                                 email="contact@region.example", **target)
        endorsement = services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                                  statement="Nous soutenons.")
        endorsement.refresh_from_db()
        [(field, value)] = target.items()
        assert getattr(endorsement, field) == value


def test_the_published_endorsement_is_logged_with_who_accepted_it(invitation, endorser_user, endorser, issuer):
    from issuers.audit.models import AuditEvent

    services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser, statement="Oui.")
    assert AuditEvent.objects.get(issuer=issuer, action=AuditEvent.Action.ENDORSEMENT_PUBLISHED).actor == endorser_user
