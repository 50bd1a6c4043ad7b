"""The rules of badges on request, at the service level where they live (the pages reach an
application through its link or the reviewer's queue, which would hide a missing check)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Application, Assertion, Evidence, OutgoingEmail
from badges.services import applications as service
from badges.services.issuing import EvidenceInput, assertion_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start(badge_class, email="sam@example.org"):
    application, _resumed = service.application_start(badge_class=badge_class, name="Sam Martin", email=email)
    return application


def submitted(badge_class):
    application = start(badge_class)
    service.application_save(application=application, answers={q: "Une réponse" for q in badge_class.question_list})
    return service.application_submit(application=application)


@pytest.mark.parametrize("closed", ["not_requestable", "archived"])
def test_nobody_asks_for_a_badge_that_is_not_open_to_requests(requestable, closed):
    if closed == "archived":
        requestable.archived = True
    else:
        requestable.requestable = False
    requestable.save()
    with pytest.raises(ValidationError, match="ne se demande pas"):
        start(requestable)
    assert not Application.objects.exists()


def test_starting_again_with_someone_elses_address_shows_nothing_and_mails_the_link_to_them(requestable):
    first = start(requestable)
    OutgoingEmail.objects.all().delete()
    again, resumed = service.application_start(badge_class=requestable, name="Quelqu'un", email="SAM@example.org")
    assert resumed and again.pk == first.pk
    assert list(OutgoingEmail.objects.values_list("template", "to")) == [("application_link", "sam@example.org")]


def test_a_sent_application_is_not_changed_nor_sent_again(requestable):
    application = submitted(requestable)
    with pytest.raises(ValidationError, match="déjà été envoyée"):
        service.application_save(application=application, answers={q: "Autre" for q in requestable.question_list})
    with pytest.raises(ValidationError, match="déjà été envoyée"):
        service.application_submit(application=application)
    application.refresh_from_db()
    assert set(application.answers.values()) == {"Une réponse"}


def test_an_application_without_every_answer_or_the_evidence_asked_for_is_not_sent(requestable):
    requestable.evidence_required = True
    requestable.save()
    application = start(requestable)
    with pytest.raises(ValidationError) as refused:
        service.application_submit(application=application)
    assert len(refused.value.messages) == 2
    service.application_save(application=application, answers={q: "Oui" for q in requestable.question_list})
    with pytest.raises(ValidationError, match="au moins une preuve"):
        service.application_submit(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_evidence_of_another_application_is_not_removed_through_this_one(requestable):
    mine, theirs = start(requestable), start(requestable, email="lea@example.org")
    service.application_save(application=theirs, answers={}, evidence=[EvidenceInput(url="https://exemple.fr/a")])
    evidence = Evidence.objects.get(application=theirs)
    with pytest.raises(PermissionDenied):
        service.application_evidence_remove(application=mine, evidence=evidence)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_of_a_sent_application_stays(requestable):
    application = start(requestable)
    service.application_save(application=application, answers={q: "Oui" for q in requestable.question_list},
                             evidence=[EvidenceInput(url="https://exemple.fr/a")])
    service.application_submit(application=application)
    with pytest.raises(ValidationError, match="déjà été envoyée"):
        service.application_evidence_remove(application=application, evidence=Evidence.objects.get())
    assert Evidence.objects.count() == 1


def test_only_a_reviewer_of_the_badge_decides(requestable, reviewer, outsider, mediator):
    application = submitted(requestable)
    for decide in (lambda who: service.application_accept(application=application, reviewer=who),
                   lambda who: service.application_refuse(application=application, reviewer=who, comment="Non"),
                   lambda who: service.application_request_more(application=application, reviewer=who,
                                                                comment="Une photo")):
        with pytest.raises(PermissionDenied):
            decide(outsider)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and not Assertion.objects.exists()
    service.application_accept(application=application, reviewer=reviewer)
    assert Assertion.objects.get().recipient_email == "sam@example.org"


def test_a_draft_or_a_decided_application_awaits_no_decision(requestable, reviewer):
    draft = start(requestable, email="lea@example.org")
    with pytest.raises(ValidationError, match="n'attend pas de décision"):
        service.application_accept(application=draft, reviewer=reviewer)
    application = submitted(requestable)
    service.application_refuse(application=application, reviewer=reviewer, comment="Pas encore")
    with pytest.raises(ValidationError, match="n'attend pas de décision"):
        service.application_accept(application=application, reviewer=reviewer)
    assert not Assertion.objects.exists()


def test_a_refusal_or_a_request_for_more_needs_a_comment(requestable, reviewer):
    application = submitted(requestable)
    with pytest.raises(ValidationError):
        service.application_refuse(application=application, reviewer=reviewer, comment="  ")
    with pytest.raises(ValidationError):
        service.application_request_more(application=application, reviewer=reviewer, comment="")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


@pytest.fixture
def self_issuable(badge_class):
    badge_class.self_issuable = True
    badge_class.issuable_by_mediator = False
    badge_class.save()
    return badge_class


def test_a_visitor_who_is_not_signed_in_declares_nothing(self_issuable):
    with pytest.raises(PermissionDenied):
        service.assertion_self_issue(badge_class=self_issuable, user=AnonymousUser())
    assert not Assertion.objects.exists()


def test_a_self_declared_badge_is_issued_once_while_held_and_again_once_revoked(self_issuable):
    sam = UserFactory(username="sam", email="sam@example.org")
    first = service.assertion_self_issue(badge_class=self_issuable, user=sam)
    assert service.assertion_self_issue(badge_class=self_issuable, user=sam) == first
    assert first.recipient_email == "sam@example.org" and first.recipient_user == sam
    assertion_revoke(assertion=first, reason="Erreur")
    second = service.assertion_self_issue(badge_class=self_issuable, user=sam)
    assert second != first and Assertion.objects.count() == 2


def test_a_file_of_an_application_is_checked_like_any_other(requestable):
    application = start(requestable)
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image")
    with pytest.raises(ValidationError, match="Type de fichier non accepté"):
        service.application_save(application=application, answers={},
                                 evidence=[EvidenceInput(name="Photo", file=upload)])
    assert not Evidence.objects.exists()


def test_a_reviewer_applying_with_their_other_address_is_not_told_about_it_at_their_main_one(
        requestable, owner, reviewer):
    from badges.services.accounts import email_address_add

    email_address_add(user=reviewer, email="lucie.perso@example.org", verified=True)
    application = start(requestable, email="lucie.perso@example.org")
    service.application_save(application=application, answers={q: "Oui" for q in requestable.question_list})
    service.application_submit(application=application)
    told = set(OutgoingEmail.objects.filter(template="application_submitted").values_list("to", flat=True))
    assert told == {"owner@example.org"}


def test_a_signed_in_person_asks_and_declares_with_a_verified_address_not_the_account_field(requestable,
                                                                                          self_issuable):
    """The account's e-mail field may hold an address never proven (typed at sign-up, changed by an
    administrator): a badge goes to an address the person verified."""
    sam = UserFactory(username="sam", email="sam@example.org")
    sam.email = "never.verified@example.org"
    sam.save()
    application, _resumed = service.application_start(badge_class=requestable, applicant=sam)
    assert application.applicant_email == "sam@example.org"
    assert service.assertion_self_issue(badge_class=self_issuable, user=sam).recipient_email == "sam@example.org"
