import pytest
from django.urls import reverse
from django.utils import formats

from endorsements.models import EndorsementInvitation
from tests.endorsements.conftest import deliver

pytestmark = pytest.mark.django_db


def test_the_invitation_e_mail_gives_its_expiry_date_in_words(client, owner, issuer, badge_class):
    client.force_login(owner)
    client.post(reverse("endorsements:invitation_new", kwargs={"issuer_id": issuer.public_id}),
                {"target": f"badge:{badge_class.public_id}", "organisation_name": "Région",
                 "email": "contact@region.example", "message": ""})
    expires = EndorsementInvitation.objects.get().expires_at.date()
    message = deliver("endorsement_invitation")
    in_words = formats.date_format(expires, "j F Y")  # e.g. "15 décembre 2026"
    assert any(month in in_words for month in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                               "août", "septembre", "octobre", "novembre", "décembre"))
    assert f"valable jusqu'au {in_words}" in message.body
    assert expires.isoformat() not in message.body
    html = message.alternatives[0][0]
    assert in_words in html and expires.isoformat() not in html
