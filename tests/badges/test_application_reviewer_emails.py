"""Reviewers hear of new work: every submitted (or completed) application e-mails them."""

import pytest
from django.core import mail
from django.urls import reverse

from badges.models import Application, OutgoingEmail
from badges.tasks import send_email
from tests.factories import UserFactory
from tests.helpers import application_edit_url

pytestmark = pytest.mark.django_db




def review_url(application) -> str:
    return reverse("partner:review", kwargs={"public_id": application.public_id})


def apply(client, badge_class, **who) -> Application:
    who = who or {"name": "Sam Martin", "email": "sam@example.org"}
    client.post(reverse("partner:request", kwargs={"public_id": badge_class.public_id}), who)
    application = Application.objects.latest("created_at")
    client.post(application_edit_url(application), {"question_0": "Un mail à ma conseillère",
                                        "evidence_url": "https://example.org/capture", "submit": "1"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    return application


def delivered() -> dict[str, mail.EmailMessage]:
    """Send the queued reviewer e-mails as the worker would; the messages by recipient."""
    mail.outbox.clear()
    for email in OutgoingEmail.objects.filter(template="application_submitted", status=OutgoingEmail.Status.PENDING):
        send_email(email.pk)
    return {message.to[0]: message for message in mail.outbox}


def test_the_issuers_reviewers_get_an_email_with_the_badge_the_applicant_and_the_review_link(
        client, requestable, owner, reviewer, mediator):
    application = apply(client, requestable)

    messages = delivered()

    assert set(messages) == {"owner@example.org", "reviewer@example.org"}, "a mediator does not review"
    message = messages["reviewer@example.org"]
    assert message.subject == "Nouvelle demande à évaluer : « Je sais utiliser un ordinateur »"
    assert message.body.startswith("Bonjour Lucie")
    assert "Sam Martin demande le badge « Je sais utiliser un ordinateur »" in message.body
    assert f"http://127.0.0.1:8000{review_url(application)}" in message.body
    assert f"{reverse('partner:review_queue')}?badge={requestable.public_id}" in message.body
    html = message.alternatives[0][0]
    assert "Évaluer la demande" in html and review_url(application) in html


def test_the_link_in_the_email_opens_the_application_for_the_reviewer(client, requestable, reviewer):
    apply(client, requestable)
    link = delivered()["reviewer@example.org"].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    client.force_login(reviewer)
    assert "https://example.org/capture" in client.get(link).content.decode()


def test_saving_a_draft_tells_no_reviewer(client, requestable, reviewer):
    client.post(reverse("partner:request", kwargs={"public_id": requestable.public_id}),
                {"name": "Sam Martin", "email": "sam@example.org"})
    application = Application.objects.get()
    client.post(application_edit_url(application), {"question_0": "Un mail", "draft": "1"})

    assert not OutgoingEmail.objects.filter(template="application_submitted").exists()


def test_reviewers_are_told_again_when_the_applicant_adds_the_evidence_asked_for(client, requestable, reviewer):
    application = apply(client, requestable)
    delivered()
    reviewer_client = client.__class__()
    reviewer_client.force_login(reviewer)
    reviewer_client.post(review_url(application), {"decision": "more", "comment": "Ajoutez une capture d'écran"})
    client.post(application_edit_url(application), {"question_0": "Un mail à ma conseillère",
                                        "evidence_text": "Voici la capture", "submit": "1"})

    message = delivered()["reviewer@example.org"]

    assert message.subject == "Demande complétée à évaluer : « Je sais utiliser un ordinateur »"
    assert "Sam Martin a ajouté les preuves complémentaires demandées" in message.body
    assert review_url(application) in message.body


def test_a_badge_with_its_own_reviewers_tells_only_them(client, requestable, owner, reviewer):
    peer = UserFactory(username="peer", first_name="Yanis")
    requestable.reviewers.add(peer)

    apply(client, requestable)

    assert set(delivered()) == {"peer@example.org"}


def test_a_reviewer_who_applies_is_not_told_about_their_own_application(client, requestable, owner, reviewer):
    client.force_login(reviewer)
    client.post(reverse("partner:request", kwargs={"public_id": requestable.public_id}))
    application = Application.objects.get(applicant=reviewer)
    client.post(application_edit_url(application), {"question_0": "Un mail", "submit": "1"})

    assert set(delivered()) == {"owner@example.org"}


def test_a_reviewer_applying_without_signing_in_is_not_told_either(client, requestable, owner, reviewer):
    apply(client, requestable, name="Lucie", email="Reviewer@example.org")

    assert set(delivered()) == {"owner@example.org"}


def test_the_reviewer_emails_are_sent_only_once_the_submission_is_committed(
        client, requestable, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        apply(client, requestable)

    email = OutgoingEmail.objects.get(template="application_submitted")
    assert email.to == "reviewer@example.org" and email.issuer == requestable.issuer
    assert email.status == OutgoingEmail.Status.PENDING and callbacks


def test_the_reviewer_email_reads_in_english_too(client, requestable, reviewer):
    apply(client, requestable)
    email = OutgoingEmail.objects.get(template="application_submitted")
    email.context["language"] = "en"
    email.save()

    message = delivered()["reviewer@example.org"]

    assert message.subject == "New application to review: “Je sais utiliser un ordinateur”"
    assert "Sam Martin is applying for the badge “Je sais utiliser un ordinateur”" in message.body
    assert "Review the application" in message.alternatives[0][0]
