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




def remove_url(application, evidence) -> str:
    return reverse("partner:application_evidence_remove",
                   kwargs={"token": application.access_token, "evidence_id": evidence.public_id})


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
    assert remove_url(application, photo) in page and "Retirer" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(application, photo), follow=True)

    assert response.redirect_chain[-1][0] == application_edit_url(application)
    assert "La preuve est retirée de votre demande." in response.content.decode()
    assert not application.evidence.exists()
    assert not default_storage.exists(stored)


def test_a_link_is_removed_and_the_text_stays_while_more_evidence_is_requested(client, requestable):
    application = start(client, requestable)
    link = add_evidence(client, application, evidence_url="https://example.org/mauvaise-capture")
    text = add_evidence(client, application, evidence_text="J'ai écrit à ma conseillère")
    Application.objects.filter(pk=application.pk).update(status=Application.Status.MORE_EVIDENCE)

    page = client.post(remove_url(application, link), follow=True).content.decode()

    assert "mauvaise-capture" not in page and "J&#x27;ai écrit à ma conseillère" in page
    assert list(application.evidence.all()) == [text]


def test_a_signed_in_applicant_removes_evidence_from_their_draft(client, requestable, beneficiary):
    client.force_login(beneficiary)
    client.post(reverse("partner:request", kwargs={"public_id": requestable.public_id}))
    application = Application.objects.get(applicant=beneficiary)
    text = add_evidence(client, application, evidence_text="Capture de l'envoi")

    client.post(remove_url(application, text))

    assert not Evidence.objects.filter(pk=text.pk).exists()


@pytest.mark.parametrize("status", [Application.Status.SUBMITTED, Application.Status.ACCEPTED,
                                    Application.Status.REFUSED])
def test_evidence_stays_once_the_application_is_sent_or_decided(
        client, requestable, status, django_capture_on_commit_callbacks):
    application = start(client, requestable)
    photo = add_photo(client, application)
    Application.objects.filter(pk=application.pk).update(status=status)
    assert remove_url(application, photo) not in client.get(application_edit_url(application)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(application, photo), follow=True)

    assert "Cette demande a déjà été envoyée : elle ne peut plus être modifiée." in response.content.decode()
    assert Evidence.objects.filter(pk=photo.pk).exists() and default_storage.exists(photo.file.name)


def test_an_outsider_without_the_link_gets_404_and_removes_nothing(client, requestable, outsider):
    application = start(client, requestable)
    photo = add_photo(client, application)
    intruder = Client()
    intruder.force_login(outsider)
    guessed = reverse("partner:application_evidence_remove",
                      kwargs={"token": "not-the-token", "evidence_id": photo.public_id})

    assert intruder.post(guessed).status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_another_applicant_cannot_remove_evidence_through_their_own_link(client, requestable):
    application = start(client, requestable)
    photo = add_photo(client, application)
    other_client = Client()
    other = start(other_client, requestable, name="Léa", email="lea@example.org")

    assert other_client.post(remove_url(other, photo)).status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_removing_takes_a_post_with_the_csrf_token(requestable):
    browser = Client(enforce_csrf_checks=True)
    application = start(Client(), requestable)
    text = add_evidence(Client(), application, evidence_text="Capture de l'envoi")

    assert browser.get(remove_url(application, text)).status_code == 405
    assert browser.post(remove_url(application, text)).status_code == 403
    assert Evidence.objects.filter(pk=text.pk).exists()
