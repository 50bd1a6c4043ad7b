"""The serving of stored files keeps its promises on its own (badgehub/media.py): safe
headers whatever the site-wide settings, a file of unknown kind never shown on our origin,
a row whose file is gone answering 404 rather than an error."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from badges.models import Assertion, ImportedBadge

pytestmark = pytest.mark.django_db


def imported_public(beneficiary, name: str, content: bytes) -> ImportedBadge:
    badge = ImportedBadge(user=beneficiary, recipient_email=beneficiary.email, document_id="https://x.example/1",
                          badge_name="Ailleurs", version="ob2", source=ImportedBadge.Source.PNG,
                          original_document={}, verified_status="valid", visibility=Assertion.Visibility.PUBLIC)
    badge.baked_file.save(name, ContentFile(content))
    return badge


def test_a_file_carries_nosniff_even_when_the_site_wide_setting_is_off(settings, beneficiary):
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    badge = imported_public(beneficiary, "badge.png", b"\x89PNG\r\n\x1a\n")
    response = Client().get(badge.baked_file.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_file_of_a_kind_we_do_not_know_is_downloaded_never_shown(beneficiary):
    badge = imported_public(beneficiary, "page.html", b"<script>alert(document.cookie)</script>")
    response = Client().get(badge.baked_file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_row_whose_file_is_gone_answers_404(beneficiary):
    badge = imported_public(beneficiary, "badge.png", b"\x89PNG\r\n\x1a\n")
    default_storage.delete(badge.baked_file.name)
    assert Client().get(badge.baked_file.url).status_code == 404
