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


ATTLIST_SVG = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(document.domain)">]>\n'
               b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="9" height="9"/></svg>')


def truncated_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 60).save(buffer, format="PNG")
    return buffer.getvalue()[:-2000]


def test_the_dtd_of_an_svg_never_survives_sanitising():
    clean = upload_validate(upload=SimpleUploadedFile("x.svg", ATTLIST_SVG)).read()
    assert b"DOCTYPE" not in clean and b"ATTLIST" not in clean and b"onload" not in clean and b"<rect" in clean


def test_entities_in_an_svg_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    with pytest.raises(Exception, match="SVG est illisible"):
        upload_validate(upload=SimpleUploadedFile("x.svg", bomb))


def test_a_badge_image_with_a_dtd_stored_before_bakes_into_an_svg_without_it():
    """Images uploaded before the checks existed: baking starts from the sanitised image."""
    from django.core.files.base import ContentFile

    from badges.openbadges import bake

    legacy = BadgeClassFactory(image=ContentFile(ATTLIST_SVG, name="ancien.svg"))
    baked = assertion_finalise(assertion=AssertionFactory(badge_class=legacy))
    with baked.baked_svg.open("rb") as handle:
        svg = handle.read()
    assert b"DOCTYPE" not in svg and b"ATTLIST" not in svg and b"onload" not in svg
    assert bake.extract_svg(svg)[0] == "credential"


def test_a_truncated_photo_is_refused_by_the_partner_form_which_keeps_what_was_typed(client, mediator, badge_class):
    client.force_login(mediator)
    response = client.post(reverse("partner:issue", kwargs={"public_id": badge_class.public_id}), {
        "recipients": "Sam Martin <sam@example.org>", "narrative": "Très autonome", "issued_on": "2026-01-05",
        "evidence_file": SimpleUploadedFile("photo.png", truncated_png())})
    page = response.content.decode()
    assert "incomplète" in page and "Très autonome" in page and "sam@example.org" in page


def test_a_truncated_badge_file_is_refused_by_the_verifier_and_the_wallet_import(client, beneficiary):
    page = client.post("/badges/verifier/", {"file": SimpleUploadedFile("b.png", truncated_png())}).content.decode()
    assert "incomplète" in page
    client.force_login(beneficiary)
    response = client.post(reverse("wallet:import"), {"file": SimpleUploadedFile("b.png", truncated_png())})
    assert "incomplète" in response.content.decode()
    assert not ImportedBadge.objects.exists()


def test_evidence_added_by_a_service_is_checked_too(badge_class, owner):
    from badges.services import EvidenceInput, assertion_issue

    with pytest.raises(Exception, match="non accepté"):
        assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner,
                        evidence=[EvidenceInput(file=SimpleUploadedFile("page.png", b"<html>x</html>"))])
