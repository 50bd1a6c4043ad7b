"""Validation of badge files uploaded to the verifier (and to the wallet import)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from badges.openbadges import bake

MAX_BADGE_FILE_BYTES = 5 * 1024 * 1024


def read_badge_file(upload) -> bytes:
    """The bytes of an uploaded baked badge, refusing what is not a reasonable PNG or SVG."""
    if upload.size > MAX_BADGE_FILE_BYTES:
        raise ValidationError(_("Le fichier est trop volumineux (5 Mo au maximum)."))
    data = upload.read()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            bake.check_png(data, settings.BADGEHUB_MAX_IMAGE_PIXELS)
        except bake.BakeError:
            raise ValidationError(_("Cette image PNG est illisible ou trop grande."))
        return data
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return data
    raise ValidationError(_("Choisissez une image de badge PNG ou SVG."))
