"""The page of a badge is the page of the badge asked for, among several (issue 16: the
viewer helper without its ``public_id`` survived the mutation run)."""

import pytest

from badges.models import Assertion
from badges.services import assertion_issue, assertion_set_visibility
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


def test_each_public_badge_page_shows_its_own_badge(client, issuer, owner, beneficiary):
    pages = {}
    for name in ("Je sais envoyer un mail", "Je sais remplir un formulaire en ligne"):
        badge_class = BadgeClassFactory(issuer=issuer, name=name)
        assertion = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner)
        assertion_set_visibility(assertion=assertion, user=beneficiary, public=True)
        pages[name] = Assertion.objects.get(pk=assertion.pk).get_absolute_url()
    for name, url in pages.items():
        page = client.get(url).content.decode()
        other = next(n for n in pages if n != name)
        assert name in page and other not in page
