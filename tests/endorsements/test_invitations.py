from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from endorsements import services
from endorsements.models import EndorsementInvitation
from tests.endorsements.conftest import deliver, link_in
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db


def new_url(issuer) -> str:
    return reverse("endorsements:invitation_new", kwargs={"issuer_id": issuer.public_id})


def list_url(issuer) -> str:
    return reverse("endorsements:invitations", kwargs={"issuer_id": issuer.public_id})


def invite(client, issuer, target: str, email="contact@region.example"):
    return client.post(new_url(issuer), {"target": target, "organisation_name": "Région", "email": email,
                                         "message": "Votre regard nous aiderait."})


def test_the_owner_invites_an_organisation_to_endorse_a_badge_and_it_gets_a_french_email(client, owner, issuer,
                                                                                       badge_class):
    client.force_login(owner)
    response = invite(client, issuer, f"badge:{badge_class.public_id}", email="Contact@Region.example")
    assert response.status_code == 302 and response.url == list_url(issuer)
    invitation = EndorsementInvitation.objects.get()
    assert invitation.badge_class == badge_class and invitation.email == "contact@region.example"
    assert invitation.invited_by == owner and invitation.expires_at > timezone.now()
    message = deliver("endorsement_invitation")
    assert message.to == ["contact@region.example"]
    assert "vous invite à recommander « Je sais utiliser un ordinateur »" in message.subject
    assert "Votre regard nous aiderait." in message.body
    assert link_in(message) == reverse("endorsements:invitation", kwargs={"token": invitation.token})


def test_the_owner_can_invite_for_the_issuer_itself_or_for_one_assertion(client, owner, issuer, badge_class):
    client.force_login(owner)
    invite(client, issuer, "issuer")
    assertion = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    page = client.get(new_url(issuer) + f"?assertion={assertion.public_id}").content.decode()
    assert "délivré à" in page
    response = client.post(new_url(issuer) + f"?assertion={assertion.public_id}", {
        "target": f"assertion:{assertion.public_id}", "organisation_name": "Région", "email": "a@region.example"})
    assert response.status_code == 302
    assert EndorsementInvitation.objects.filter(issuer=issuer).exists()
    assert EndorsementInvitation.objects.filter(assertion=assertion).exists()


def test_it_refuses_a_mediator_of_another_issuer(client, outsider, issuer, badge_class):
    client.force_login(outsider)
    assert client.get(new_url(issuer)).status_code == 404
    assert invite(client, issuer, f"badge:{badge_class.public_id}").status_code == 404
    assert client.get(list_url(issuer)).status_code == 404
    assert not EndorsementInvitation.objects.exists()


def test_a_mediator_of_our_issuer_is_not_staff_and_cannot_invite(client, mediator, issuer, badge_class):
    client.force_login(mediator)
    assert invite(client, issuer, f"badge:{badge_class.public_id}").status_code == 404
    assert not EndorsementInvitation.objects.exists()


def test_staff_of_another_issuer_cannot_slip_our_badge_into_their_own_form(client, other_issuer, badge_class):
    from issuers.models import Membership
    from issuers.services import membership_set
    from tests.factories import UserFactory

    other_owner = UserFactory(username="other-owner")
    membership_set(issuer=other_issuer, user=other_owner, role=Membership.Role.OWNER)
    client.force_login(other_owner)
    response = invite(client, other_issuer, f"badge:{badge_class.public_id}")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with pytest.raises(ValidationError):
        services.endorsement_invite(invited_by=other_owner, organisation_name="Région", email="a@b.example",
                                    badge_class=badge_class)
    assert not EndorsementInvitation.objects.exists()


def test_the_list_shows_each_invitation_with_its_status(client, owner, issuer, badge_class, endorser_user,
                                                        endorser):
    def invitation(email):
        return services.endorsement_invite(invited_by=owner, organisation_name=email, email=email,
                                           badge_class=badge_class)

    invitation("pending@example.org")
    expired = invitation("expired@example.org")
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save()
    accepted = invitation("contact@region.example")
    services.endorsement_accept(invitation=accepted, user=endorser_user, endorser=endorser, statement="Bravo.")
    withdrawn = invitation("contact@region.example")
    endorsement = services.endorsement_accept(invitation=withdrawn, user=endorser_user, endorser=endorser,
                                              statement="Finalement non.")
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)

    client.force_login(owner)
    page = client.get(list_url(issuer)).content.decode()
    for text in ("pending@example.org", "en attente", "expirée", "acceptée", "retirée", "Bravo."):
        assert text in page
    assert list_url(issuer) in client.get(reverse("partner:home")).content.decode()


def test_the_issued_badges_page_links_each_assertion_to_an_invitation(client, owner, issuer, badge_class):
    assertion = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org")
    client.force_login(owner)
    page = client.get(reverse("partner:assertions", kwargs={"issuer_id": issuer.public_id})).content.decode()
    assert f"{new_url(issuer)}?assertion={assertion.public_id}" in page
