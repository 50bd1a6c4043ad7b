import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from endorsements import services
from endorsements.models import Endorsement
from issuers.audit.models import AuditEvent

pytestmark = pytest.mark.django_db



def url(endorsement) -> str:
    return reverse("endorsements:withdraw", kwargs={"public_id": endorsement.public_id})


def test_a_member_withdraws_after_confirming_and_the_hosted_document_answers_410(client, endorser_user,
                                                                                   endorsement, badge_class):
    document = reverse("endorsements:document", kwargs={"public_id": endorsement.public_id})
    assert client.get(document).status_code == 200
    client.force_login(endorser_user)
    assert "Retirer la recommandation" in client.get(url(endorsement)).content.decode()
    client.post(url(endorsement), {})
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None, "not without the confirmation"
    response = client.post(url(endorsement), {"confirm": "on"})
    assert response.status_code == 302 and response.url == endorsement.endorser.get_absolute_url()
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None
    assert client.get(document).status_code == 410
    assert "Nous apprécions ce badge." not in client.get(badge_class.get_absolute_url()).content.decode()
    assert "Nous apprécions ce badge." not in client.get(endorsement.endorser.get_absolute_url()).content.decode()


def test_a_non_member_cannot_withdraw(client, outsider, beneficiary, endorsement, owner):
    for person in (outsider, beneficiary, owner):
        client.force_login(person)
        assert client.get(url(endorsement)).status_code == 404
        assert client.post(url(endorsement), {"confirm": "on"}).status_code == 404
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None


def test_members_see_a_withdraw_link_on_their_organisation_page(client, endorser_user, outsider, endorsement):
    client.force_login(endorser_user)
    assert url(endorsement) in client.get(endorsement.endorser.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert url(endorsement) not in client.get(endorsement.endorser.get_absolute_url()).content.decode()


def test_the_service_refuses_a_non_member_and_says_why(outsider, endorsement):
    with pytest.raises(ValidationError, match="Seuls les membres de l'organisation peuvent retirer sa recommandation"):
        services.endorsement_withdraw(endorsement=endorsement, user=outsider)
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None


def test_a_withdrawal_is_logged_once_with_who_withdrew(endorser_user, endorsement):
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    first = Endorsement.objects.get(pk=endorsement.pk).withdrawn_at
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)  # a second click changes nothing
    assert Endorsement.objects.get(pk=endorsement.pk).withdrawn_at == first
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.ENDORSEMENT_WITHDRAWN)
    assert event.actor == endorser_user
