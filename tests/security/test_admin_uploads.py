"""Images uploaded in the admin (badge classes, issuers, endorsers) get the same checks
as every other file: content, size, pixels, completeness, SVG sanitised."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from badges.models import BadgeClass
from endorsements.models import Endorser
from issuers.models import Issuer

pytestmark = pytest.mark.django_db

SCRIPTED_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="alert(1)">'
                b'<script>alert(document.cookie)</script><circle r="9" onclick="alert(2)"/></svg>')


def png(size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30000) -> bytes:
    """A few hundred bytes announcing side × side pixels (900 million for the audit's bomb)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + side // 8) * 16)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


HOSTILE = {
    "bomb": (png_bomb(), "trop de pixels"),
    "truncated": (png((300, 300))[:400], "incomplète"),
    "html": (b"<!doctype html><html><script>alert(1)</script></html>", "Type de fichier non accepté"),
    "huge": (b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024), "taille maximale"),
}


def badge_class_form(issuer, image: SimpleUploadedFile) -> dict:
    return {"issuer": issuer.pk, "name": "Je sais souder", "description": "Soudure à l'arc.", "tags": "[]",
            "criteria_narrative": "Observé en atelier.", "issuable_by_mediator": "on", "image": image,
            "alignments-TOTAL_FORMS": "0", "alignments-INITIAL_FORMS": "0"}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_badge_image_is_refused_and_the_form_keeps_what_was_typed(admin_client, issuer, kind):
    data, message = HOSTILE[kind]
    response = admin_client.post("/admin/badges/badgeclass/add/",
                                 badge_class_form(issuer, SimpleUploadedFile("badge.png", data)))
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="Je sais souder"' in page
    assert not BadgeClass.objects.filter(name="Je sais souder").exists()


def test_a_badge_image_with_a_script_is_stored_sanitised_under_a_name_of_ours(admin_client, issuer):
    response = admin_client.post("/admin/badges/badgeclass/add/",
                                 badge_class_form(issuer, SimpleUploadedFile("badge.svg", SCRIPTED_SVG)))
    assert response.status_code == 302
    badge_class = BadgeClass.objects.get(name="Je sais souder")
    with badge_class.image.open("rb") as handle:
        stored = handle.read()
    assert b"script" not in stored and b"onload" not in stored and b"onclick" not in stored and b"<circle" in stored
    assert badge_class.image.name.startswith("badges/badge-") and badge_class.image.name != "badges/badge.svg"


def test_a_photo_is_not_a_badge_image(admin_client, issuer):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, "JPEG")
    response = admin_client.post("/admin/badges/badgeclass/add/",
                                 badge_class_form(issuer, SimpleUploadedFile("badge.png", buffer.getvalue())))
    assert "envoyez une image PNG ou SVG" in response.content.decode()


@pytest.mark.parametrize("kind", ["bomb", "html"])
def test_issuer_logos_get_the_same_checks(admin_client, kind):
    data, message = HOSTILE[kind]
    form = {"name": "Mission Locale", "email": "contact@ml.example.org", "image": SimpleUploadedFile("logo.png", data),
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "signing_keys-TOTAL_FORMS": "0", "signing_keys-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/issuers/issuer/add/", form)
    assert message in response.content.decode() and 'value="Mission Locale"' in response.content.decode()
    assert not Issuer.objects.filter(name="Mission Locale").exists()
    form["image"] = SimpleUploadedFile("logo.svg", SCRIPTED_SVG)
    assert admin_client.post("/admin/issuers/issuer/add/", form).status_code == 302
    with Issuer.objects.get(name="Mission Locale").image.open("rb") as handle:
        assert b"script" not in handle.read()


@pytest.mark.parametrize("kind", ["truncated", "html"])
def test_endorser_logos_get_the_same_checks(admin_client, kind):
    data, message = HOSTILE[kind]
    form = {"name": "France Travail", "email": "ft@example.org", "image": SimpleUploadedFile("logo.png", data),
            "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/endorsements/endorser/add/", form)
    assert message in response.content.decode()
    assert not Endorser.objects.exists()
    form["image"] = SimpleUploadedFile("logo.png", png())
    assert admin_client.post("/admin/endorsements/endorser/add/", form).status_code == 302
    assert Endorser.objects.get().image.name.endswith(".png")
