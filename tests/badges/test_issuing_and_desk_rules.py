"""Issuing rules that protect the recipient, and the desk's codes, at the service level: a badge a
mediator sends waits for its recipient's choice, a revocation is made once, a code used or expired
opens nothing and is not renewed once kept."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from badges.models import Assertion, DeskAward, OutgoingEmail
from badges.services import assertion_decline, assertion_issue, assertion_revoke
from badges.services.desk import desk_award_claim, desk_award_create, desk_award_for_code, desk_award_renew
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_badge_a_mediator_sends_to_someone_with_an_account_waits_for_them_to_keep_or_decline_it(
        mediator, badge_class):
    sam = UserFactory(username="sam", email="sam@example.org")
    sent = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator)
    assert sent.claimed_at is None and sent.recipient_user is None
    assertion_decline(assertion=sent)  # still theirs to refuse
    sent.refresh_from_db()
    assert sent.declined_at is not None and sent.recipient_user != sam


def test_the_same_idempotency_key_issues_once(mediator, badge_class):
    first = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator,
                            idempotency_key="lms-42")
    again = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator,
                            idempotency_key="lms-42")
    assert again.pk == first.pk and Assertion.objects.count() == 1


def test_a_badge_revoked_twice_keeps_its_first_reason_and_is_mailed_once(mediator, badge_class):
    sent = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=mediator)
    assertion_revoke(assertion=sent, reason="Erreur de destinataire")
    revoked_at = Assertion.objects.get(pk=sent.pk).revoked_at
    assertion_revoke(assertion=Assertion.objects.get(pk=sent.pk), reason="Autre motif")
    sent.refresh_from_db()
    assert sent.revocation_reason == "Erreur de destinataire" and sent.revoked_at == revoked_at
    assert OutgoingEmail.objects.filter(template="revoked", to="sam@example.org").count() == 1


def test_a_desk_award_is_not_recorded_for_a_mediator_of_another_issuer(outsider, badge_class):
    with pytest.raises(PermissionDenied):
        desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=outsider)
    assert not DeskAward.objects.exists()


def test_a_desk_award_needs_the_persons_name(mediator, badge_class):
    with pytest.raises(ValidationError, match="Indiquez le nom de la personne"):
        desk_award_create(badge_class=badge_class, recipient_name="  ", issued_by=mediator)
    assert not DeskAward.objects.exists()


def test_a_typed_code_names_only_an_open_award(mediator, badge_class):
    award, code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    assert desk_award_for_code(code=code) == award
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert desk_award_for_code(code=code) is None, "expired"
    other, other_code = desk_award_create(badge_class=badge_class, recipient_name="Ben", issued_by=mediator)
    desk_award_claim(award=other, email="ben@example.org")
    assert desk_award_for_code(code=other_code) is None, "already kept"


def test_an_expired_desk_award_issues_nothing_even_by_its_link(mediator, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expiré"):
        desk_award_claim(award=award, email="awa@example.org")
    assert not Assertion.objects.exists()


def test_a_kept_desk_award_gets_no_new_code(mediator, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    desk_award_claim(award=award, email="awa@example.org")
    token = DeskAward.objects.get(pk=award.pk).token
    with pytest.raises(ValidationError, match="déjà été reçu"):
        desk_award_renew(award=award)
    assert DeskAward.objects.get(pk=award.pk).token == token


def test_a_desk_award_kept_without_an_email_or_an_account_is_refused(mediator, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    with pytest.raises(ValidationError, match="Indiquez une adresse e-mail, ou créez votre passeport"):
        desk_award_claim(award=award, email="  ")
    assert not Assertion.objects.exists() and DeskAward.objects.get(pk=award.pk).claimed_at is None
