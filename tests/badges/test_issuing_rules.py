"""How a badge may be obtained is the issuer's decision, kept by the issuing service for
every path: an archived badge is issued no more, a badge is issued only the ways its
issuer opened (by a mediator, on request, self-declared), an import never issues, and
an automatic issue nobody asked for (a key badge) needs nobody's habilitation."""

import pytest
from django.core.exceptions import ValidationError

from badges.models import Assertion
from badges.services import assertion_issue
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


def issue(badge_class, via, issued_by=None):
    return assertion_issue(badge_class=badge_class, recipient_email="lea@example.org", issued_by=issued_by, via=via,
                           notify=False)


def test_an_archived_badge_is_issued_no_more(issuer, mediator):
    archived = BadgeClassFactory(issuer=issuer, archived=True, requestable=True, self_issuable=True)
    for via in (Assertion.Via.MEDIATOR, Assertion.Via.APPLICATION, Assertion.Via.SELF, Assertion.Via.AUTOMATIC):
        with pytest.raises(ValidationError, match="Ce badge est archivé"):
            issue(archived, via, issued_by=mediator if via == Assertion.Via.MEDIATOR else None)
    assert not Assertion.objects.filter(badge_class=archived).exists()


@pytest.mark.parametrize("via, closed", [
    (Assertion.Via.MEDIATOR, {"issuable_by_mediator": False}),
    (Assertion.Via.APPLICATION, {"requestable": False}),
    (Assertion.Via.SELF, {"self_issuable": False}),
    (Assertion.Via.IMPORT, {}),
])
def test_a_badge_is_issued_only_the_ways_its_issuer_opened(issuer, mediator, via, closed):
    badge_class = BadgeClassFactory(issuer=issuer, **closed)
    with pytest.raises(ValidationError, match="Ce badge ne peut pas être obtenu de cette façon"):
        issue(badge_class, via, issued_by=mediator if via == Assertion.Via.MEDIATOR else None)
    assert not Assertion.objects.filter(badge_class=badge_class).exists()


@pytest.mark.parametrize("via, opened", [
    (Assertion.Via.MEDIATOR, {"issuable_by_mediator": True}),
    (Assertion.Via.APPLICATION, {"requestable": True, "issuable_by_mediator": False}),
    (Assertion.Via.SELF, {"self_issuable": True, "issuable_by_mediator": False}),
])
def test_each_way_the_issuer_opened_issues(issuer, mediator, via, opened):
    badge_class = BadgeClassFactory(issuer=issuer, **opened)
    assertion = issue(badge_class, via, issued_by=mediator if via == Assertion.Via.MEDIATOR else None)
    assert assertion.issued_via == via and Assertion.objects.filter(badge_class=badge_class).count() == 1


def test_a_key_badge_nobody_asked_for_needs_nobodys_habilitation(issuer):
    acteur = BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique")
    key_badge = BadgeClassFactory(issuer=issuer, required_badge=acteur, issuable_by_mediator=False)
    assertion = issue(key_badge, Assertion.Via.AUTOMATIC)
    assert assertion.pk and assertion.issued_by is None
