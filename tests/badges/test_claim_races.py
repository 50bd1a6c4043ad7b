"""A claim link works once even when two requests race (a double tap on a phone, a claim
and a decline from two tabs). Each request runs in its own thread, on its own database
connection, and both have passed every check in Python before either writes: only the
conditional UPDATE (``claimed_at IS NULL AND declined_at IS NULL``) can protect."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from badges import selectors
from badges.models import Assertion, EmailAddress
from badges.services import assertion_claim, assertion_decline
from tests.factories import AssertionFactory, BadgeClassFactory, UserFactory

EMAIL = "lea@example.org"


@pytest.fixture
def award(issuer):
    return AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email=EMAIL)


def race(*actions) -> list[str]:
    """Run ``actions`` at once, each in a thread with its own connection; returns what each
    one answered ("ok" or the refusal's message), in the order of ``actions``."""
    results = [""] * len(actions)

    def run(index, action):
        try:
            action()
            results[index] = "ok"
        except ValidationError as exc:
            results[index] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request is stuck"
    return results


@pytest.fixture
def checks_done(monkeypatch):
    """A barrier every racing request reaches once its checks in Python are done, inside its
    transaction and just before its UPDATE: neither can see what the other is about to write."""
    barrier = threading.Barrier(2, timeout=30)
    real = selectors.user_for_email

    def user_for_email_then_wait(*, email):
        owner = real(email=email)
        barrier.wait()
        return owner

    monkeypatch.setattr(selectors, "user_for_email", user_for_email_then_wait)
    return barrier


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_the_claim_link_claims_once(award, checks_done):
    """The same person twice: no other account owns the address, so only the guard refuses the second."""
    lea = UserFactory(username="lea-compte", email="lea.autre@example.org")
    fresh = [Assertion.objects.get(pk=award.pk), Assertion.objects.get(pk=award.pk)]
    results = race(lambda: assertion_claim(assertion=fresh[0], user=lea),
                   lambda: assertion_claim(assertion=fresh[1], user=lea))
    assert sorted(results) == ["Ce lien a déjà été utilisé.", "ok"]
    award.refresh_from_db()
    assert award.recipient_user == lea and award.claimed_at is not None
    assert EmailAddress.objects.get(email=EMAIL).user == lea


@pytest.mark.django_db(transaction=True)
def test_a_claim_racing_a_decline_leaves_the_badge_claimed_or_declined_never_both(award, checks_done):
    lea = UserFactory(username="lea-compte", email="lea.autre@example.org")
    fresh = [Assertion.objects.get(pk=award.pk), Assertion.objects.get(pk=award.pk)]

    def decline():
        checks_done.wait()  # the decline has no check in Python: it meets the claim at its UPDATE
        assertion_decline(assertion=fresh[1])

    claim_result, decline_result = race(lambda: assertion_claim(assertion=fresh[0], user=lea), decline)
    assert sorted([claim_result, decline_result]) == ["Ce lien a déjà été utilisé.", "ok"]
    award.refresh_from_db()
    if claim_result == "ok":
        assert award.claimed_at is not None and award.declined_at is None and award.recipient_user == lea
    else:
        assert award.declined_at is not None and award.claimed_at is None and award.recipient_user is None
        assert not EmailAddress.objects.filter(email=EMAIL).exists()


@pytest.mark.django_db
def test_a_declined_badge_cannot_be_claimed_afterwards(award):
    lea = UserFactory(username="lea-compte", email="lea.autre@example.org")
    assertion_decline(assertion=award)
    with pytest.raises(ValidationError) as refused:
        assertion_claim(assertion=award, user=lea)
    assert refused.value.messages == ["Ce lien a déjà été utilisé."]
    award.refresh_from_db()
    assert award.claimed_at is None and award.recipient_user is None
    assert not EmailAddress.objects.filter(email=EMAIL).exists()


@pytest.mark.django_db
def test_a_claimed_badge_cannot_be_declined_afterwards(award):
    lea = UserFactory(username="lea-compte", email="lea.autre@example.org")
    assertion_claim(assertion=award, user=lea)
    with pytest.raises(ValidationError) as refused:
        assertion_decline(assertion=award)
    assert refused.value.messages == ["Ce lien a déjà été utilisé."]
    award.refresh_from_db()
    assert award.declined_at is None and award.recipient_user == lea


@pytest.mark.django_db
def test_a_badge_declined_twice_is_refused_the_second_time(award):
    first = assertion_decline(assertion=award).declined_at
    with pytest.raises(ValidationError):
        assertion_decline(assertion=award)
    award.refresh_from_db()
    assert award.declined_at == first
