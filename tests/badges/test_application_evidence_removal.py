"""An applicant takes a piece of evidence back out of their application before sending it."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from badgehub.demo import badge_png
from badges.models import Application, Evidence
from tests.helpers import application_edit_url

pytestmark = pytest.mark.django_db




def remove(client, application, evidence, **typed):
    """The "Retirer" button: it submits the application form, with what is typed in it."""
    return client.post(application_edit_url(application),
                       {"question_0": "Un mail", **typed, "remove_evidence": str(evidence.public_id)}, follow=True)


def start(client, badge_class, name="Sam Martin", email="sam@example.org") -> Application:
    client.post(reverse("partner:request", kwargs={"public_id": badge_class.public_id}),
                {"name": name, "email": email})
    return Application.objects.get(applicant_email=email)


def add_evidence(client, application, **fields) -> Evidence:
    client.post(application_edit_url(application), {"question_0": "Un mail", "draft": "1", **fields})
    return application.evidence.latest("created_at")


def add_photo(client, application) -> Evidence:
    return add_evidence(client, application,
                        evidence_file=SimpleUploadedFile("capture.png", badge_png("C", "#0b5cad")))


def test_the_applicant_removes_a_photo_and_its_file_leaves_the_storage(
        client, requestable, django_capture_on_commit_callbacks):
    application = start(client, requestable)
    photo = add_photo(client, application)
    stored = photo.file.name
    assert default_storage.exists(stored)
    page = client.get(application_edit_url(application)).content.decode()
    assert f'value="{photo.public_id}"' in page and "Retirer la preuve « capture" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = remove(client, application, photo)

    assert response.redirect_chain[-1][0] == application_edit_url(application)
    assert "La preuve est retirée de votre demande." in response.content.decode()
    assert not application.evidence.exists()
    assert not default_storage.exists(stored)


def test_a_link_is_removed_and_the_text_stays_while_more_evidence_is_requested(client, requestable):
    application = start(client, requestable)
    link = add_evidence(client, application, evidence_url="https://example.org/mauvaise-capture")
    text = add_evidence(client, application, evidence_text="J'ai écrit à ma conseillère")
    Application.objects.filter(pk=application.pk).update(status=Application.Status.MORE_EVIDENCE)

    page = remove(client, application, link).content.decode()

    assert "mauvaise-capture" not in page and "J&#x27;ai écrit à ma conseillère" in page
    assert list(application.evidence.all()) == [text]


def test_a_signed_in_applicant_removes_evidence_from_their_draft(client, requestable, beneficiary):
    client.force_login(beneficiary)
    client.post(reverse("partner:request", kwargs={"public_id": requestable.public_id}))
    application = Application.objects.get(applicant=beneficiary)
    text = add_evidence(client, application, evidence_text="Capture de l'envoi")

    remove(client, application, text)

    assert not Evidence.objects.filter(pk=text.pk).exists()


def test_what_was_typed_is_kept_when_a_piece_of_evidence_is_removed(client, requestable):
    application = start(client, requestable)
    link = add_evidence(client, application, evidence_url="https://example.org/mauvaise-capture")

    page = remove(client, application, link, question_0="Un mail à ma conseillère, avec mon CV",
                  evidence_text="Capture de l'envoi").content.decode()

    application.refresh_from_db()
    assert application.answers["Quel mail avez-vous envoyé ?"] == "Un mail à ma conseillère, avec mon CV"
    assert [e.narrative for e in application.evidence.all()] == ["Capture de l'envoi"]
    assert "La preuve est retirée de votre demande." in page


@pytest.mark.parametrize("status", [Application.Status.SUBMITTED, Application.Status.ACCEPTED,
                                    Application.Status.REFUSED])
def test_evidence_stays_once_the_application_is_sent_or_decided(
        client, requestable, status, django_capture_on_commit_callbacks):
    application = start(client, requestable)
    photo = add_photo(client, application)
    Application.objects.filter(pk=application.pk).update(status=status)
    assert str(photo.public_id) not in client.get(application_edit_url(application)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = remove(client, application, photo)

    assert response.status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists() and default_storage.exists(photo.file.name)


def test_an_outsider_without_the_link_gets_404_and_removes_nothing(client, requestable, outsider):
    application = start(client, requestable)
    photo = add_photo(client, application)
    intruder = Client()
    intruder.force_login(outsider)
    guessed = reverse("partner:application_edit", kwargs={"token": "not-the-token"})

    assert intruder.post(guessed, {"remove_evidence": str(photo.public_id)}).status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_another_applicant_cannot_remove_evidence_through_their_own_link(client, requestable):
    application = start(client, requestable)
    photo = add_photo(client, application)
    other_client = Client()
    other = start(other_client, requestable, name="Léa", email="lea@example.org")

    assert remove(other_client, other, photo).status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_removing_takes_a_post_with_the_csrf_token(requestable):
    browser = Client(enforce_csrf_checks=True)
    application = start(Client(), requestable)
    text = add_evidence(Client(), application, evidence_text="Capture de l'envoi")

    assert browser.get(application_edit_url(application), {"remove_evidence": str(text.public_id)}).status_code == 200
    assert browser.post(application_edit_url(application),
                        {"remove_evidence": str(text.public_id)}).status_code == 403
    assert Evidence.objects.filter(pk=text.pk).exists()
