import pytest
from django.urls import reverse

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
