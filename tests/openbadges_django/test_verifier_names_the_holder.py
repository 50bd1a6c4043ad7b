"""The verifier's report says whose badge it is ("Délivré à …") when the badge is genuine."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.issuing import assertion_finalise
from badges.services import assertion_issue
from tests.helpers import verify_on_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def assertion(badge_class, owner):
    return assertion_finalise(assertion=assertion_issue(
        badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam Martin", issued_by=owner))


def test_the_report_names_the_holder_of_a_genuine_badge(client, assertion):
    upload = SimpleUploadedFile("badge.png", assertion.baked_png.read(), content_type="image/png")
    page = verify_on_page(client, {"file": upload})
    assert "Ce badge est authentique et valide." in page and "Délivré à Sam Martin" in page


def test_a_forged_name_is_not_repeated(client, assertion):
    credential = dict(assertion.ob3_credential)
    credential["credentialSubject"] = {**credential["credentialSubject"], "name": "Mallory"}
    page = verify_on_page(client, {"text": json.dumps(credential)})
    assert "Ce badge n'a pas pu être vérifié" in page and "Délivré à" not in page
