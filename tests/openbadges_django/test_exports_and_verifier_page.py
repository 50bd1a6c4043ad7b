import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.openbadges import bake
from badges.services import assertion_issue
from badges.verification import verify_badge
from tests.helpers import verify_on_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def assertion(badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


@pytest.mark.parametrize("fmt", ["ob2", "ob2-signed", "ob3", "ob3-jwt", "png", "svg", "png-ob2", "svg-ob2"])
def test_export_badge_writes_a_file_that_verifies(assertion, fmt, tmp_path):
    out = tmp_path / "badge"
    call_command("export_badge", str(assertion.public_id), "--format", fmt, "--out", str(out))
    data = out.read_bytes()
    report = verify_badge(data if fmt in ("png", "svg", "png-ob2", "svg-ob2") else data.decode(),
                          expected_email="sam@example.org")
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    assert report.version == ("ob2" if fmt.startswith("ob2") or fmt.endswith("-ob2") else "ob3")


def test_the_ob2_baked_png_carries_the_openbadges_keyword(assertion, tmp_path):
    out = tmp_path / "badge.png"
    call_command("export_badge", str(assertion.public_id), "--format", "png-ob2", "--out", str(out))
    assert bake.extract_png(out.read_bytes())[0] == "openbadges"


def test_the_owner_downloads_the_baked_png_and_others_get_404_while_it_is_private(client, assertion, beneficiary,
                                                                                  outsider):
    url = f"/badges/assertions/{assertion.public_id}/download/png"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assertion.recipient_user = beneficiary
    assertion.save()
    client.force_login(beneficiary)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert bake.extract_png(response.content)[0] == "openbadgecredential"


def test_a_public_badge_can_be_downloaded_by_anyone(client, assertion):
    assertion.visibility = Assertion.Visibility.PUBLIC
    assertion.save()
    response = client.get(f"/badges/assertions/{assertion.public_id}/download/ob3-jwt")
    assert response.status_code == 200
    assert response.content.decode().strip() == assertion.ob3_jwt
    report = verify_badge(response.content.decode(), expected_email="sam@example.org")
    assert report.status == "valid" and report.version == "ob3"
    assertion.visibility = Assertion.Visibility.PRIVATE
    assertion.save()
    assert client.get(f"/badges/assertions/{assertion.public_id}/download/ob3-jwt").status_code == 404


def test_the_verifier_page_says_a_baked_badge_is_valid_in_plain_french(client, assertion):
    upload = SimpleUploadedFile("badge.png", assertion.baked_png.read(), content_type="image/png")
    page = verify_on_page(client, {"file": upload, "email": "sam@example.org"})
    assert "Ce badge est authentique et valide." in page
    assert "Il appartient bien à l'adresse e-mail indiquée." in page


def test_the_verifier_page_refuses_a_file_that_is_not_a_badge_image_and_keeps_the_form(client):
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    page = client.post("/badges/verifier/", {"file": upload, "email": "sam@example.org"}).content.decode()
    assert "Choisissez une image de badge PNG ou SVG." in page
    assert 'value="sam@example.org"' in page


def test_the_verifier_page_reports_a_tampered_jwt_as_not_verifiable(client, assertion):
    header, payload, signature = assertion.ob3_jwt.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    page = verify_on_page(client, {"text": tampered})
    assert "Ce badge n'a pas pu être vérifié" in page
