"""Evidence uploads: the type is decided by the content, never by the file name."""

import io
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Formats a phone camera or a scanner produces; the extension is rewritten from the content.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def _stem(name: str) -> str:
    stem = get_valid_filename(PurePath(name or "preuve").stem)[:80] or "preuve"
    # Evidence is served from /media/: an unguessable name keeps "photo.jpg" of one person from another's eyes.
    return f"{stem}-{secrets.token_urlsafe(12)}"


def _image_extension(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > settings.BADGEHUB_MAX_IMAGE_PIXELS:
                # Checked before decoding anything: a decompression bomb never expands.
                raise ValidationError(_("Cette image est trop grande (trop de pixels)."))
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_FORMATS.get(image_format or "")


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:8192].lower()


def upload_validate(*, upload: File) -> ContentFile:
    """Return a safe copy of an uploaded evidence file, or raise ValidationError.

    Accepted: PNG, JPEG, GIF, WebP images (Pillow-verified, pixel-limited), PDF
    (magic bytes) and SVG (sanitised: no script, handler or external reference).
    """
    limit = settings.BADGEHUB_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("Ce fichier dépasse la taille maximale (%(max)s Mo).") % {"max": round(limit / 1024 / 1024, 1)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("Ce fichier dépasse la taille maximale (%(max)s Mo).") % {"max": round(limit / 1024 / 1024, 1)}
        )
    if not data:
        raise ValidationError(_("Ce fichier est vide."))
    stem = _stem(getattr(upload, "name", ""))
    if data.startswith(b"%PDF-"):
        return ContentFile(data, name=f"{stem}.pdf")
    extension = _image_extension(data)
    if extension:
        return ContentFile(data, name=f"{stem}.{extension}")
    if _looks_like_svg(data):
        from badges.openbadges.bake import sanitise_svg

        try:
            clean = sanitise_svg(data)
        except Exception:
            raise ValidationError(_("Ce fichier SVG est illisible."))
        return ContentFile(clean, name=f"{stem}.svg")
    raise ValidationError(
        _("Type de fichier non accepté : envoyez une photo (JPEG, PNG, WebP, GIF), un PDF ou un SVG.")
    )
