import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.models import IssueBatch
from badges.services import batches as batches_service
from badges.services import csv_check

pytestmark = pytest.mark.django_db


def template_url(badge_class) -> str:
    return reverse("partner:batch_template", kwargs={"public_id": badge_class.public_id})


def test_a_mediator_downloads_a_template_that_goes_back_in_without_warnings(client, mediator, badge_class):
    client.force_login(mediator)
    page = client.get(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id})).content.decode()
    assert template_url(badge_class) in page
    response = client.get(template_url(badge_class))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    template = response.content.decode("utf-8")
    assert template.startswith("\ufeffnom;e-mail;observation;lien de la preuve;date")
    filled = template + "Sam Martin;sam@example.org;A envoyé un mail seul;https://example.org/preuve;12/03/2026\n"
    report = csv_check(badge_class=badge_class, data=filled.encode())
    assert report.warnings == []
    assert [row["email"] for row in report.rows] == ["sam@example.org"]
    assert report.rows[0]["evidence_url"] == "https://example.org/preuve"


def test_someone_who_cannot_issue_the_badge_gets_no_template(client, outsider, badge_class):
    client.force_login(outsider)
    assert client.get(template_url(badge_class)).status_code == 404


def test_a_corrected_rejected_rows_file_goes_back_in_without_warnings(client, mediator, badge_class):
    client.force_login(mediator)
    data = b"nom;e-mail\nAli Ben;ali@example\nSam Martin;sam@example.org\n"
    client.post(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id}),
                {"file": SimpleUploadedFile("groupe.csv", data, content_type="text/csv")})
    batch = IssueBatch.objects.get()
    rejected = batches_service.batch_rejected_csv(batch=batch)
    corrected = rejected.replace("ali@example", "ali@example.org")
    report = csv_check(badge_class=badge_class, data=corrected.encode())
    assert report.warnings == []
    assert [row["email"] for row in report.rows] == ["ali@example.org"]
