import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from badges.services import upload_validate


def image_bytes(fmt="PNG", size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return buffer.getvalue()


def test_a_photo_named_like_a_pdf_is_kept_as_a_photo():
    clean = upload_validate(upload=SimpleUploadedFile("scan.pdf", image_bytes("JPEG")))
    assert clean.name.startswith("scan-") and clean.name.endswith(".jpg")


def test_a_pdf_is_recognised_by_its_magic_bytes():
    clean = upload_validate(upload=SimpleUploadedFile("attestation", b"%PDF-1.7\n%...\n%%EOF\n"))
    assert clean.name.startswith("attestation-") and clean.name.endswith(".pdf")


def test_a_file_pretending_to_be_an_image_is_refused():
    with pytest.raises(ValidationError, match="Type de fichier non accepté"):
        upload_validate(upload=SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image"))


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BADGEHUB_MAX_UPLOAD_BYTES = 50
    with pytest.raises(ValidationError, match="taille maximale"):
        upload_validate(upload=SimpleUploadedFile("photo.png", image_bytes()))


def test_an_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.BADGEHUB_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError, match="trop de pixels"):
        upload_validate(upload=SimpleUploadedFile("photo.png", image_bytes(size=(20, 20))))


def test_an_svg_loses_its_scripts():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect/></svg>'
    clean = upload_validate(upload=SimpleUploadedFile("dessin.txt", svg)).read()
    assert b"script" not in clean and b"onload" not in clean and b"<rect" in clean


def test_stored_names_cannot_be_guessed():
    first = upload_validate(upload=SimpleUploadedFile("photo.jpg", image_bytes("JPEG")))
    second = upload_validate(upload=SimpleUploadedFile("photo.jpg", image_bytes("JPEG")))
    assert first.name != second.name
