"""Stored files are served behind the rule of what they belong to, with headers that
keep a hostile file from running on our origin."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from badges.issuing import assertion_finalise
from badges.models import Application, Assertion, Evidence, ImportedBadge
from badges.services import EvidenceInput, assertion_issue, assertion_set_visibility
from tests.factories import UserFactory
from tests.helpers import application_edit_url

pytestmark = pytest.mark.django_db

# The stored-XSS of the audit: a DTD gives the root element an onload handler.
ATTLIST_SVG = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ATTLIST svg onload CDATA "fetch(\'/partenaire/\')">]>\n'
               b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="9" height="9"/></svg>')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_user_content_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def private_badge(badge_class, owner, beneficiary):
    return assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner,
                           evidence=[EvidenceInput(file=SimpleUploadedFile("attestation.pdf", PDF))])


def evidence_url(assertion: Assertion) -> str:
    return assertion.evidence.get().file.url


def test_the_evidence_of_a_private_badge_is_for_its_owner_and_issuer_staff_only(
        client, private_badge, beneficiary, owner, mediator, outsider, reviewer):
    url = evidence_url(private_badge)
    assert client.get(url).status_code == 404
    for stranger in (outsider, mediator, reviewer, UserFactory(username="autre-beneficiaire")):
        client.force_login(stranger)
        assert client.get(url).status_code == 404, stranger
    for allowed in (beneficiary, owner):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200 and body(response) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
        assert_user_content_headers(response)


def test_the_evidence_of_a_public_badge_follows_the_owners_choice_to_show_it(client, private_badge, beneficiary):
    url = evidence_url(private_badge)
    assertion_set_visibility(assertion=private_badge, user=beneficiary, public=True)
    assert Client().get(url).status_code == 200
    Assertion.objects.filter(pk=private_badge.pk).update(show_evidence=False)
    assert Client().get(url).status_code == 404


def test_an_svg_with_a_dtd_handler_sent_by_an_anonymous_applicant_is_harmless_for_the_reviewer(
        client, requestable, reviewer, outsider):
    client.post(f"/partenaire/demander/{requestable.public_id}/", {"name": "Eve", "email": "eve@example.org"})
    application = Application.objects.get()
    client.post(application_edit_url(application), {
        "question_0": "Un mail", "draft": "1", "evidence_file": SimpleUploadedFile("dessin.svg", ATTLIST_SVG)})
    evidence = Evidence.objects.get(application=application)
    with evidence.file.open("rb") as handle:
        stored = handle.read()
    assert b"DOCTYPE" not in stored and b"ATTLIST" not in stored and b"onload" not in stored and b"<rect" in stored
    # The applicant opens their own file from their link; nobody else without a role does.
    assert client.get(evidence.file.url).status_code == 200
    assert Client().get(evidence.file.url).status_code == 404
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    elsewhere = Client()
    elsewhere.force_login(outsider)
    assert elsewhere.get(evidence.file.url).status_code == 404
    elsewhere.force_login(reviewer)
    response = elsewhere.get(evidence.file.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_user_content_headers(response)


def test_a_draft_application_file_is_not_shown_to_reviewers_before_it_is_sent(client, requestable, reviewer):
    application = Application.objects.create(badge_class=requestable, applicant_email="l@example.org",
                                             applicant_name="Léa")
    evidence = Evidence(application=application)
    evidence.file.save("preuve.pdf", ContentFile(PDF))
    client.force_login(reviewer)
    assert client.get(evidence.file.url).status_code == 404
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    assert client.get(evidence.file.url).status_code == 200


def test_badge_images_are_public_inline_with_safe_headers(client, badge_class):
    response = client.get(badge_class.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Cache-Control"] == "public, max-age=3600"
    assert_user_content_headers(response)


def test_a_baked_badge_is_public_only_once_its_owner_made_it_public(client, private_badge, beneficiary, owner):
    private_badge = assertion_finalise(assertion=private_badge)
    for field in (private_badge.baked_png, private_badge.baked_svg):
        assert client.get(field.url).status_code == 404
    client.force_login(beneficiary)
    assert client.get(private_badge.baked_png.url).status_code == 200
    assertion_set_visibility(assertion=private_badge, user=beneficiary, public=True)
    response = Client().get(private_badge.baked_svg.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert_user_content_headers(response)


def test_an_imported_badge_file_is_its_owners_until_made_public(client, beneficiary, outsider):
    badge = ImportedBadge(user=beneficiary, recipient_email=beneficiary.email, document_id="https://x.example/1",
                          badge_name="Ailleurs", version="ob2", source=ImportedBadge.Source.PNG,
                          original_document={}, verified_status="valid")
    badge.baked_file.save("badge.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    client.force_login(outsider)
    assert client.get(badge.baked_file.url).status_code == 404
    client.force_login(beneficiary)
    assert client.get(badge.baked_file.url).status_code == 200
    ImportedBadge.objects.filter(pk=badge.pk).update(visibility=Assertion.Visibility.PUBLIC)
    assert Client().get(badge.baked_file.url).status_code == 200


def test_files_no_row_names_are_not_served(client, admin_client, badge_class, private_badge):
    from django.core.files.storage import default_storage

    default_storage.save("drafts/abc/photo.png", ContentFile(b"x"))
    default_storage.save("evidence/orphan.pdf", ContentFile(PDF))
    for path in ("/media/drafts/abc/photo.png", "/media/evidence/orphan.pdf", "/media/../manage.py",
                 "/media/badges/../evidence/orphan.pdf", "/media/other/file.png"):
        assert admin_client.get(path).status_code == 404, path
