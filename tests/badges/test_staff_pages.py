import pytest
from django.core import mail
from django.urls import reverse

from badges.models import Application, Assertion, Evidence, OutgoingEmail
from badges.services import EvidenceInput, assertion_issue
from badges.tasks import send_email
from tests.factories import BadgeClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(badge_class, owner):
    return assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam Martin",
                           issued_by=owner, narrative="A envoyé un mail seul",
                           evidence=[EvidenceInput(url="https://example.org/preuve")])


def url(name, issuer, **kwargs):
    return reverse(f"partner:{name}", kwargs={"issuer_id": issuer.public_id, **kwargs})


def test_staff_search_issued_badges_by_person_and_filter_by_status(client, owner, issuer, issued, badge_class):
    other = assertion_issue(badge_class=badge_class, recipient_email="ali@example.org", recipient_name="Ali",
                            issued_by=owner)
    other.revoked = True
    other.save()
    client.force_login(owner)
    page = client.get(url("assertions", issuer), {"q": "sam"}).content.decode()
    assert "Sam Martin" in page and "ali@example.org" not in page
    page = client.get(url("assertions", issuer), {"statut": "revoked"}).content.decode()
    assert "ali@example.org" in page and "Sam Martin" not in page
    page = client.get(url("assertions", issuer), {"q": "ordinateur"}).content.decode()
    assert "Sam Martin" in page and "ali@example.org" in page


def test_self_declared_badges_are_labelled_in_the_staff_list(client, owner, issuer, badge_class, beneficiary):
    badge_class.self_issuable = True
    badge_class.save()
    assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=beneficiary,
                    via=Assertion.Via.SELF)
    client.force_login(owner)
    assert "auto-déclaré" in client.get(url("assertions", issuer)).content.decode()


def test_staff_revoke_with_a_reason_and_the_recipient_is_told(client, owner, issuer, issued):
    client.force_login(owner)
    client.post(url("assertion_revoke", issuer, public_id=issued.public_id), {"reason": "Erreur de personne"})
    issued.refresh_from_db()
    assert issued.revoked and issued.revocation_reason == "Erreur de personne"
    assert OutgoingEmail.objects.filter(assertion=issued, template="revoked").exists()


def test_a_revocation_needs_a_reason(client, owner, issuer, issued):
    client.force_login(owner)
    client.post(url("assertion_revoke", issuer, public_id=issued.public_id), {"reason": ""})
    issued.refresh_from_db()
    assert not issued.revoked


def test_a_correction_revokes_the_wrong_badge_and_issues_a_corrected_one(client, owner, issuer, issued):
    client.force_login(owner)
    response = client.post(url("assertion_correct", issuer, public_id=issued.public_id), {
        "recipient_name": "Sam Martin", "recipient_email": "sam.martin@example.org",
        "narrative": "A envoyé un mail seul", "issued_on": "2026-01-15"})
    assert response.status_code == 302
    issued.refresh_from_db()
    corrected = Assertion.objects.get(recipient_email="sam.martin@example.org")
    assert issued.revoked and corrected.get_absolute_url() in issued.revocation_reason
    assert corrected.issued_on.date().isoformat() == "2026-01-15"
    assert Evidence.objects.get(assertion=corrected).url == "https://example.org/preuve"
    assert OutgoingEmail.objects.filter(assertion=corrected, template="award").exists()


def test_a_mediator_cannot_revoke(client, mediator, issuer, issued):
    client.force_login(mediator)
    assert client.get(url("assertions", issuer)).status_code == 404
    assert client.post(url("assertion_revoke", issuer, public_id=issued.public_id),
                       {"reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert not issued.revoked


def test_a_mediator_of_another_issuer_sees_none_of_the_staff_pages(client, outsider, issuer, issued):
    client.force_login(outsider)
    email = OutgoingEmail.objects.get(assertion=issued)
    for name, kwargs in [("assertions", {}), ("applications", {}), ("emails", {}),
                         ("assertion_correct", {"public_id": issued.public_id})]:
        assert client.get(url(name, issuer, **kwargs)).status_code == 404, name
    assert client.post(url("assertion_revoke", issuer, public_id=issued.public_id),
                       {"reason": "x"}).status_code == 404
    assert client.post(url("email_resend", issuer, email_id=email.pk)).status_code == 404


def test_the_owner_of_another_issuer_cannot_reach_our_badges_through_theirs(client, issued, other_issuer):
    from issuers.models import Membership
    from issuers.services import membership_set
    from tests.factories import UserFactory

    other_owner = UserFactory(username="other-owner")
    membership_set(issuer=other_issuer, user=other_owner, role=Membership.Role.OWNER)
    client.force_login(other_owner)
    response = client.post(url("assertion_revoke", other_issuer, public_id=issued.public_id), {"reason": "x"})
    assert response.status_code == 404
    issued.refresh_from_db()
    assert not issued.revoked


def test_failed_emails_are_visible_to_staff_and_can_be_resent(client, owner, issuer, issued,
                                                             django_capture_on_commit_callbacks):
    email = OutgoingEmail.objects.get(assertion=issued)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED, attempts=5,
                                                     last_error="ConnectionRefusedError: SMTP down")
    client.force_login(owner)
    page = client.get(url("emails", issuer)).content.decode()
    assert "sam@example.org" in page and "SMTP down" in page and "1 e-mail n'a pas pu être envoyé." in page
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url("email_resend", issuer, email_id=email.pk))
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING and len(callbacks) == 1
    send_email(email.pk)  # what the queued task does in the worker
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and mail.outbox[-1].to == ["sam@example.org"]


def test_staff_and_reviewers_see_the_applications_of_their_issuer(client, reviewer, issuer, badge_class,
                                                                  other_issuer):
    Application.objects.create(badge_class=badge_class, applicant_email="a@example.org", applicant_name="Awa",
                               status=Application.Status.SUBMITTED)
    elsewhere = BadgeClassFactory(issuer=other_issuer)
    Application.objects.create(badge_class=elsewhere, applicant_email="b@example.org", applicant_name="Bob",
                               status=Application.Status.SUBMITTED)
    client.force_login(reviewer)
    page = client.get(url("applications", issuer)).content.decode()
    assert "Awa" in page and "Bob" not in page


def test_the_award_email_is_a_moment_of_recognition(issued):
    send_email(OutgoingEmail.objects.get(assertion=issued).pk)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    for text in ("Où est rangé votre badge ?", "LinkedIn", "CV", "rendez-le public", "A envoyé un mail seul"):
        assert text in message.body and text in html
    assert f"/badges/claim/{issued.claim_token}/" in message.body


def test_the_partner_home_links_staff_to_their_pages(client, owner, issuer):
    client.force_login(owner)
    page = client.get(reverse("partner:home")).content.decode()
    assert url("assertions", issuer) in page and url("emails", issuer) in page
