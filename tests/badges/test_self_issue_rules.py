"""A self-declared badge (docs/mutation.md, applications.protect): it carries what the person
wrote and who they are, and what they already hold — another badge, or someone else's copy
of this one — never stands in for the badge they ask for. At the service and at the page."""

import pytest
from django.urls import reverse

from badges.models import Assertion
from badges.services import EvidenceInput, assertion_self_issue
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", email="sam@example.org", first_name="Sam", last_name="Lefèvre")


@pytest.fixture
def declarable(issuer):
    return BadgeClassFactory(issuer=issuer, name="Entraide numérique", self_issuable=True, issuable_by_mediator=False)


@pytest.fixture
def other_declarable(issuer):
    return BadgeClassFactory(issuer=issuer, name="Courriel au quotidien", self_issuable=True)


def test_the_badge_carries_the_persons_name_words_and_evidence_and_names_them_as_issuer(sam, declarable):
    assertion = assertion_self_issue(badge_class=declarable, user=sam, narrative="J'aide mes voisins le samedi.",
                                     evidence=[EvidenceInput(url="https://example.org/atelier-du-samedi")])
    assertion.refresh_from_db()
    assert (assertion.recipient_name, assertion.narrative, assertion.issued_by) == (
        "Sam Lefèvre", "J'aide mes voisins le samedi.", sam)
    assert [e.url for e in assertion.evidence.all()] == ["https://example.org/atelier-du-samedi"]


def test_without_words_the_badge_says_nothing_and_a_nameless_account_is_named_by_its_username(declarable):
    nameless = UserFactory(username="nadia", email="nadia@example.org", first_name="", last_name="")
    assertion = assertion_self_issue(badge_class=declarable, user=nameless)
    assertion.refresh_from_db()
    assert (assertion.recipient_name, assertion.narrative) == ("nadia", "")
    assert not assertion.evidence.exists()


def test_holding_another_self_declared_badge_does_not_stand_in_for_this_one(sam, declarable, other_declarable):
    first = assertion_self_issue(badge_class=other_declarable, user=sam)
    asked = assertion_self_issue(badge_class=declarable, user=sam)
    assert asked != first and asked.badge_class == declarable
    assert Assertion.objects.filter(recipient_email="sam@example.org").count() == 2


def test_someone_else_holding_this_badge_does_not_stand_in_for_the_persons_own(sam, declarable):
    lea = UserFactory(username="lea", email="lea@example.org")
    theirs = assertion_self_issue(badge_class=declarable, user=lea)
    mine = assertion_self_issue(badge_class=declarable, user=sam)
    assert mine != theirs and mine.recipient_email == "sam@example.org" and mine.recipient_user == sam


def test_the_page_issues_the_badge_asked_for_with_the_words_given(client, sam, declarable, other_declarable):
    assertion_self_issue(badge_class=other_declarable, user=sam)
    UserFactory(username="lea", email="lea@example.org")
    assertion_self_issue(badge_class=declarable, user=UserFactory(username="lea"))
    client.force_login(sam)
    response = client.post(reverse("partner:self_issue", kwargs={"public_id": declarable.public_id}),
                           {"narrative": "J'aide mes voisins.", "evidence_url": "https://example.org/atelier"})
    mine = Assertion.objects.get(badge_class=declarable, recipient_email="sam@example.org")
    assert response.status_code == 302 and response.url == mine.get_absolute_url()
    assert (mine.recipient_name, mine.narrative, mine.issued_by) == ("Sam Lefèvre", "J'aide mes voisins.", sam)
    assert [e.url for e in mine.evidence.all()] == ["https://example.org/atelier"]
