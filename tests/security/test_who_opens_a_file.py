"""Who opens a stored evidence file: each person the rule names, and nobody else — in
particular nobody of another issuer, whatever their role there (issue 16: each rule of
``user_may_see_evidence`` fails a test when it is removed)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from badges.models import Application, Assertion, Evidence
from badges.services import EvidenceInput, assertion_decline, assertion_issue, email_address_add
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def opens(user, url: str, session_applications=()) -> bool:
    client = Client()
    if user is not None:
        client.force_login(user)
    if session_applications:
        session = client.session
        session["applications_opened"] = list(session_applications)
        session.save()
    status = client.get(url).status_code
    assert status in (200, 404), (url, status)
    return status == 200


@pytest.fixture
def other_reviewer(other_issuer):
    user = UserFactory(username="other-reviewer")
    membership_set(issuer=other_issuer, user=user, role=Membership.Role.REVIEWER)
    return user


def issued_with_file(badge_class, by, email="sam@example.org") -> Assertion:
    return assertion_issue(badge_class=badge_class, recipient_email=email, issued_by=by,
                           evidence=[EvidenceInput(file=SimpleUploadedFile("attestation.pdf", PDF))])


def file_url(assertion: Assertion) -> str:
    return assertion.evidence.get().file.url


def test_the_mediator_who_issued_a_private_badge_opens_its_evidence_and_no_other_mediator_does(
        badge_class, mediator, beneficiary, outsider, issuer):
    url = file_url(issued_with_file(badge_class, mediator))
    colleague = UserFactory(username="colleague")
    membership_set(issuer=issuer, user=colleague, role=Membership.Role.MEDIATOR)
    assert opens(mediator, url)
    assert not opens(colleague, url)
    assert not opens(outsider, url)


def test_the_staff_of_another_issuer_never_open_our_evidence(badge_class, owner, beneficiary, other_owner,
                                                             other_reviewer):
    url = file_url(issued_with_file(badge_class, owner))
    assert opens(owner, url) and opens(beneficiary, url)
    assert not opens(other_owner, url)
    assert not opens(other_reviewer, url)


def test_an_admin_of_the_issuer_opens_the_evidence_of_a_badge_someone_else_issued(badge_class, mediator, issuer):
    url = file_url(issued_with_file(badge_class, mediator))
    admin = UserFactory(username="issuer-admin")
    membership_set(issuer=issuer, user=admin, role=Membership.Role.ADMIN)
    assert opens(admin, url)


def test_a_private_badge_shows_its_evidence_to_nobody_even_when_its_evidence_is_marked_shown(
        badge_class, owner, outsider):
    assertion = issued_with_file(badge_class, owner)
    assert assertion.visibility == Assertion.Visibility.PRIVATE and assertion.show_evidence
    url = file_url(assertion)
    assert not opens(None, url)
    assert not opens(outsider, url)


def test_the_recipient_who_declined_a_badge_no_longer_opens_its_evidence(badge_class, owner, beneficiary):
    assertion = issued_with_file(badge_class, owner)
    url = file_url(assertion)
    assert opens(beneficiary, url)
    assertion_decline(assertion=assertion)
    assert not opens(beneficiary, url)
    assert opens(owner, url)


def test_an_address_that_is_not_verified_does_not_open_the_badge_sent_to_it(badge_class, owner):
    # Anyone can type an address into their account; only a verified one proves the mailbox.
    pretender = UserFactory(username="pretender")
    email_address_add(user=pretender, email="sam@example.org", verified=False)
    assertion = issued_with_file(badge_class, owner)
    assert not opens(pretender, file_url(assertion))


def test_the_account_that_claimed_a_badge_opens_it_without_the_address_it_was_sent_to(badge_class, owner):
    holder = UserFactory(username="holder")
    assertion = issued_with_file(badge_class, owner, email="old-address@example.org")
    Assertion.objects.filter(pk=assertion.pk).update(recipient_user=holder)
    assert opens(holder, file_url(assertion))


# --- Files of an application ---------------------------------------------------

def application_with_file(badge_class, *, applicant=None, email="lea@example.org",
                          status=Application.Status.SUBMITTED) -> tuple[Application, str]:
    application = Application.objects.create(badge_class=badge_class, applicant=applicant, applicant_email=email,
                                             applicant_name="Léa", status=status)
    evidence = Evidence(application=application)
    evidence.file.save("preuve.pdf", ContentFile(PDF))
    return application, evidence.file.url


def test_an_applicant_with_an_account_opens_their_own_files_even_as_a_draft(requestable, beneficiary):
    application, url = application_with_file(requestable, applicant=beneficiary, email=beneficiary.email,
                                             status=Application.Status.DRAFT)
    assert opens(beneficiary, url)
    assert not opens(UserFactory(username="another-applicant"), url)


def test_the_link_of_one_application_opens_only_that_applications_files(requestable):
    mine, _ = application_with_file(requestable, email="me@example.org")
    theirs, url = application_with_file(requestable, email="them@example.org")
    assert opens(None, url, session_applications=[theirs.pk])
    assert not opens(None, url, session_applications=[mine.pk])
    assert not opens(UserFactory(username="signed-in"), url, session_applications=[mine.pk])


def test_a_peer_the_badge_names_as_reviewer_opens_the_files_once_sent(requestable):
    peer = UserFactory(username="peer")
    requestable.reviewers.add(peer)
    _, draft_url = application_with_file(requestable, email="draft@example.org", status=Application.Status.DRAFT)
    _, url = application_with_file(requestable)
    assert opens(peer, url)
    assert not opens(peer, draft_url)


def test_reviewers_and_staff_of_another_issuer_never_open_an_applications_files(requestable, reviewer, owner,
                                                                                 other_owner, other_reviewer,
                                                                                 outsider, mediator):
    _, url = application_with_file(requestable)
    assert opens(reviewer, url) and opens(owner, url)
    for stranger in (other_owner, other_reviewer, outsider, mediator):
        assert not opens(stranger, url), stranger
