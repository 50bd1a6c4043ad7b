"""Correcting a badge replaces it without changing how it was obtained: a self-declared or
requested badge stays so for verifiers (the public label says so), a revoked badge is not
"corrected" back to life, and an imported record is re-issued as the staff's own."""

import pytest
from django.core.exceptions import ValidationError

from badges.models import Assertion, Evidence
from badges.services import assertion_correct, assertion_issue, assertion_revoke
from issuers.audit.models import AuditEvent
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


def correct(assertion, owner):
    return assertion_correct(assertion=assertion, corrected_by=owner, recipient_email="lea.martin@example.org",
                             recipient_name="Léa Martin", narrative="", issued_on=assertion.issued_on)


@pytest.mark.parametrize("via, opened", [
    (Assertion.Via.SELF, {"self_issuable": True, "issuable_by_mediator": False}),
    (Assertion.Via.APPLICATION, {"requestable": True, "issuable_by_mediator": False}),
])
def test_a_corrected_badge_is_obtained_the_way_the_wrong_one_was(issuer, owner, via, opened):
    badge_class = BadgeClassFactory(issuer=issuer, **opened)
    wrong = assertion_issue(badge_class=badge_class, recipient_email="lea@exemple.org", via=via, notify=False)
    corrected = correct(wrong, owner)
    assert corrected.issued_via == via
    wrong.refresh_from_db()
    assert wrong.revoked


def test_an_imported_record_is_reissued_by_the_staff(issuer, owner, mediator):
    badge_class = BadgeClassFactory(issuer=issuer)
    wrong = Assertion.objects.create(badge_class=badge_class, recipient_email="lea@exemple.org",
                                     issued_via=Assertion.Via.IMPORT)
    corrected = correct(wrong, owner)
    assert corrected.issued_via == Assertion.Via.MEDIATOR and corrected.issued_by == owner


def test_a_revoked_badge_is_not_corrected_back_to_life(issuer, owner):
    badge_class = BadgeClassFactory(issuer=issuer)
    wrong = assertion_issue(badge_class=badge_class, recipient_email="lea@exemple.org", issued_by=owner, notify=False)
    assertion_revoke(assertion=wrong, reason="Erreur")
    with pytest.raises(ValidationError, match="Ce badge est déjà révoqué : il ne peut plus être corrigé."):
        correct(wrong, owner)
    assert Assertion.objects.filter(badge_class=badge_class).count() == 1


def test_the_corrected_badge_carries_the_correction_and_the_same_evidence(issuer, owner):
    badge_class = BadgeClassFactory(issuer=issuer)
    wrong = assertion_issue(badge_class=badge_class, recipient_email="lea@exemple.org", recipient_name="Lea",
                            issued_by=owner, narrative="Observé", notify=False)
    Evidence.objects.create(assertion=wrong, name="Photo de l'atelier", narrative="Atelier du 3 mars",
                            url="https://portfolio.example/lea", file="evidence/atelier.jpg", genre="Photo")
    corrected = assertion_correct(assertion=wrong, corrected_by=owner, recipient_email="lea.martin@example.org",
                                  recipient_name="Léa Martin", narrative="Observée en atelier",
                                  issued_on=wrong.issued_on)
    assert (corrected.recipient_email, corrected.recipient_name, corrected.narrative) == \
        ("lea.martin@example.org", "Léa Martin", "Observée en atelier")
    [evidence] = corrected.evidence.all()
    assert (evidence.name, evidence.narrative, evidence.url, evidence.file.name, evidence.genre) == \
        ("Photo de l'atelier", "Atelier du 3 mars", "https://portfolio.example/lea", "evidence/atelier.jpg", "Photo")


def test_the_audit_log_names_who_revoked_the_wrong_badge(issuer, owner):
    badge_class = BadgeClassFactory(issuer=issuer)
    wrong = assertion_issue(badge_class=badge_class, recipient_email="lea@exemple.org", issued_by=owner, notify=False)
    correct(wrong, owner)
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.ASSERTION_REVOKED, object_id=str(wrong.public_id))
    assert revoked.actor == owner


def test_the_audit_log_of_the_issuer_says_who_corrected_what(issuer, owner):
    badge_class = BadgeClassFactory(issuer=issuer)
    wrong = assertion_issue(badge_class=badge_class, recipient_email="lea@exemple.org", recipient_name="Léa Martin",
                            issued_by=owner, notify=False)
    corrected = correct(wrong, owner)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ASSERTION_CORRECTED)
    assert (event.actor, event.issuer, event.object_type, event.object_id) == \
        (owner, issuer, "assertion", str(wrong.public_id))
    assert event.object_label == f"{badge_class.name} → Léa Martin"
    assert event.details["replaced_by"] == str(corrected.public_id)
    # Only what changed, before and after.
    assert event.details["changed"] == {
        "recipient_email": {"before": "lea@exemple.org", "after": "lea.martin@example.org"}}
