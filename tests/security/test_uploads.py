"""Files people upload are served back from /media/ by their extension: the name must be ours."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.issuing import assertion_finalise
from badges.models import ImportedBadge
from badges.services import upload_validate
from tests.factories import AssertionFactory, BadgeClassFactory, IssuerFactory

pytestmark = pytest.mark.django_db


def test_an_imported_badge_named_like_a_web_page_is_kept_as_a_png(client, beneficiary):
    elsewhere = assertion_finalise(assertion=AssertionFactory(
        badge_class=BadgeClassFactory(issuer=IssuerFactory(name="Ailleurs")), recipient_email=beneficiary.email))
    with elsewhere.baked_png.open("rb") as handle:
        upload = SimpleUploadedFile("page.html", handle.read(), content_type="text/html")
    client.force_login(beneficiary)
    assert client.post(reverse("wallet:import"), {"file": upload}).status_code == 302
    stored = ImportedBadge.objects.get(user=beneficiary).baked_file.name
    assert stored.startswith("imported/page") and stored.endswith(".png")


def test_an_evidence_svg_loses_its_script_and_an_html_file_is_refused():
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                                      b'<script>alert(2)</script><a href="javascript:alert(3)"><rect/></a></svg>')
    clean = upload_validate(upload=svg).read()
    assert b"script" not in clean and b"onload" not in clean and b"javascript" not in clean
    with pytest.raises(Exception, match="non accepté"):
        upload_validate(upload=SimpleUploadedFile("x.png", b"<html><script>alert(1)</script></html>"))


def test_a_decompression_bomb_is_refused_before_it_expands(settings):
    import io

    from PIL import Image

    settings.BADGEHUB_MAX_IMAGE_PIXELS = 100 * 100
    buffer = io.BytesIO()
    Image.new("1", (2000, 2000)).save(buffer, format="PNG")
    with pytest.raises(Exception, match="trop de pixels"):
        upload_validate(upload=SimpleUploadedFile("bomb.png", buffer.getvalue()))
