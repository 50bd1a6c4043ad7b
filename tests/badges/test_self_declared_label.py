import pytest

from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.services import assertion_self_issue
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_declared(issuer, beneficiary) -> Assertion:
    badge_class = BadgeClassFactory(issuer=issuer, name="Compétences numériques", self_issuable=True)
    assertion = assertion_self_issue(badge_class=badge_class, user=beneficiary)
    Assertion.objects.filter(pk=assertion.pk).update(visibility=Assertion.Visibility.PUBLIC)
    return assertion


def test_a_self_declared_badge_says_so_on_its_public_page(client, self_declared):
    page = client.get(self_declared.get_absolute_url()).content.decode()
    assert "auto-déclaré" in page


def test_a_self_declared_badge_says_so_in_its_open_badges_metadata(self_declared):
    assertion = assertion_finalise(assertion=self_declared)
    assert "self-issued" in assertion.ob3_credential["credentialSubject"]["achievement"]["tag"]


def test_a_badge_issued_by_a_mediator_is_not_labelled_self_declared(client, badge_class, owner):
    from badges.services import assertion_issue

    assertion = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner)
    Assertion.objects.filter(pk=assertion.pk).update(visibility=Assertion.Visibility.PUBLIC)
    page = client.get(assertion.get_absolute_url()).content.decode()
    assert "auto-déclaré" not in page and "délivré par un médiateur" in page
