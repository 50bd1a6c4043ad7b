import pytest
from django.test import Client
from django.urls import reverse

from endorsements import documents
from endorsements.models import Endorsement, EndorsementInvitation
from tests.endorsements.conftest import deliver, link_in

pytestmark = pytest.mark.django_db


def test_an_invited_organisation_endorses_a_badge_from_the_email_to_the_open_badges_json(owner, issuer,
                                                                                      badge_class):
    staff = Client()
    staff.force_login(owner)
    staff.post(reverse("endorsements:invitation_new", kwargs={"issuer_id": issuer.public_id}), {
        "target": f"badge:{badge_class.public_id}", "organisation_name": "Région Bourgogne-Franche-Comté",
        "email": "contact@region.example", "message": "Votre regard compte."})
    link = link_in(deliver("endorsement_invitation"))

    invitee = Client()
    assert "Je sais utiliser un ordinateur" in invitee.get(link).content.decode()
    invitee.post(link, {"action": "signup", "name": "Inès Roy", "password": "un-long-mot-de-passe"})
    page = invitee.get(link).content.decode()
    assert "Région Bourgogne-Franche-Comté" in page, "the organisation name is suggested"
    response = invitee.post(link, {
        "action": "publish", "endorser": "new", "name": "Région Bourgogne-Franche-Comté",
        "url": "https://region.example", "description": "Collectivité territoriale.",
        "statement": "Nous apprécions ce badge : il atteste une autonomie réelle."})
    endorsement = Endorsement.objects.get()
    assert response.status_code == 302 and response.url == endorsement.endorser.get_absolute_url()
    assert endorsement.badge_class == badge_class and endorsement.withdrawn_at is None
    assert endorsement.endorser.email == "contact@region.example"
    assert endorsement.endorser.members.get().first_name == "Inès Roy"
    assert EndorsementInvitation.objects.get().status == "accepted"

    public = Client()
    page = public.get(badge_class.get_absolute_url()).content.decode()
    assert "Recommandé par" in page and "il atteste une autonomie réelle" in page
    assert "il atteste une autonomie réelle" in public.get(endorsement.endorser.get_absolute_url()).content.decode()
    ob = public.get(reverse("badges:class_detail", kwargs={"public_id": badge_class.public_id}),
                    headers={"Accept": "application/ld+json"}).json()
    assert ob["endorsement"] == [documents.endorsement_url(endorsement)]
    hosted = public.get(reverse("endorsements:document", kwargs={"public_id": endorsement.public_id})).json()
    assert hosted["claim"]["endorsementComment"].startswith("Nous apprécions ce badge")

    # The same link again: nothing new is published.
    invitee.post(link, {"action": "publish", "endorser": "new", "name": "Doublon", "statement": "Encore."})
    assert Endorsement.objects.count() == 1
