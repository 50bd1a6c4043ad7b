"""Evidence files keep the name the applicant gave them: shown to the reviewer, on the
badge page, and offered as the download's name (safely), while the stored name stays ours."""

from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from badgehub.demo import badge_png
from badgehub.uploads import display_file_name
from badges.models import Application, Evidence
from tests.helpers import application_edit_url

pytestmark = pytest.mark.django_db

GIVEN = "Capture écran — mon premier mail envoyé à la conseillère le 3 décembre (version finale).png"


def applied_with_a_file(badge_class, name: str = GIVEN) -> tuple[Client, Application, Evidence]:
    applicant = Client()
    applicant.post(reverse("partner:request", kwargs={"public_id": badge_class.public_id}),
                   {"name": "Sam Martin", "email": "sam@example.org"})
    application = Application.objects.get(applicant_email="sam@example.org")
    applicant.post(application_edit_url(application), {
        "question_0": "Un mail", "question_1": "Ma conseillère", "draft": "1",
        "evidence_file": SimpleUploadedFile(name, badge_png("C", "#0b5cad"), content_type="image/png")})
    return applicant, application, application.evidence.get()


def test_the_reviewer_sees_the_name_the_applicant_gave(requestable, reviewer):
    applicant, application, evidence = applied_with_a_file(requestable)
    assert evidence.file_name == GIVEN and GIVEN not in evidence.file.name
    assert GIVEN in applicant.get(application_edit_url(application)).content.decode()
    applicant.post(application_edit_url(application), {"question_0": "Un mail", "question_1": "Ma conseillère",
                                                       "submit": "1"})
    staff = Client()
    staff.force_login(reviewer)
    review = staff.get(reverse("partner:review", kwargs={"public_id": application.public_id})).content.decode()
    assert GIVEN in review


def test_the_download_is_named_as_given_with_the_extension_of_its_content(requestable, reviewer):
    applicant, _application, evidence = applied_with_a_file(requestable, name='rapport "final".html')
    assert evidence.file.name.endswith(".png")
    response = applicant.get(evidence.file.url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition and "\r" not in disposition
    assert 'filename="rapport \\"final\\".png"' in disposition


def test_a_non_ascii_name_is_encoded_for_the_header(requestable):
    applicant, _application, evidence = applied_with_a_file(requestable)
    disposition = applicant.get(evidence.file.url)["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == GIVEN


@pytest.mark.parametrize(("given", "shown"), [
    ("C:\\Users\\sam\\Documents\\cv.pdf", "cv.pdf"),
    ("../../etc/passwd", "passwd"),
    ("photo\r\nSet-Cookie: x=1.jpg", "photo Set-Cookie: x=1.jpg"),
    ("facture\u202egnp.exe", "facturegnp.exe"),
    ("a" * 300 + ".jpeg", "a" * 145 + ".jpeg"),
])
def test_a_given_name_is_cleaned_before_it_is_kept(given, shown):
    assert display_file_name(given) == shown


def test_the_badge_page_shows_the_given_name(requestable, reviewer):
    from badges.services.applications import application_accept

    applicant, application, _evidence = applied_with_a_file(requestable)
    applicant.post(application_edit_url(application), {"question_0": "Un mail", "question_1": "Ma conseillère",
                                                       "submit": "1"})
    application.refresh_from_db()
    assertion = application_accept(application=application, reviewer=reviewer).assertion
    assertion.visibility = assertion.Visibility.PUBLIC
    assertion.save(update_fields=["visibility"])
    page = Client().get(assertion.get_absolute_url()).content.decode()
    assert f"Télécharger « {GIVEN} »" in page


def test_a_file_joined_by_a_mediator_keeps_its_name_on_every_copy(client, mediator, badge_class):
    from tests.badges.test_partner_issue import fill, photo, preview_url

    client.force_login(mediator)
    fill(client, badge_class, recipients="Sam <sam@example.org>\nAli <ali@example.org>",
         evidence_file=photo("Atelier du mardi.jpg"))
    client.post(preview_url(badge_class))
    rows = list(Evidence.objects.filter(assertion__isnull=False))
    assert len(rows) == 2 and {row.file_name for row in rows} == {"Atelier du mardi.jpg"}
    assert len({row.file.name for row in rows}) == 2
