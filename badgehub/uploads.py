"""Every file that comes in, by any door, passes here: evidence (partner form,
applications), badge and issuer images and endorser logos (admin), badge files
(verifier, wallet import).

The rules, in one place: the type is decided by the content, never by the file
name or the browser; a size limit; the pixel count read from the header before
anything is decoded; images decoded once in full so a truncated file is refused;
SVG rewritten by a maintained sanitiser (Cloudflare's svg-hush) with DTDs and
entities refused; a stored name of ours, unguessable.
"""

import io
import secrets
import unicodedata
from pathlib import PurePath

from defusedxml import minidom as safe_minidom
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from badges.openbadges import bake

# Pillow format → the extension we store (and serve the type of).
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

# What each door accepts, by stored extension.
EVIDENCE = frozenset({"png", "jpg", "gif", "webp", "pdf", "svg"})  # what a phone camera or a scanner makes
BADGE_IMAGE = frozenset({"png", "svg"})  # the two formats Open Badges can be baked into
LOGO = frozenset({"png", "jpg", "gif", "webp", "svg"})
BADGE_FILE = frozenset({"png", "svg"})  # a baked badge to verify or import

# Raster images embedded in an SVG stay (common in badge designs); an SVG inside an SVG does not.
_SVG_DATA_URLS = {"image": ["png", "jpeg", "gif", "webp"]}


def _refused_type(accept: frozenset[str]) -> ValidationError:
    if accept == BADGE_IMAGE or accept == BADGE_FILE:
        return ValidationError(_("Type de fichier non accepté : envoyez une image PNG ou SVG."))
    if accept == LOGO:
        return ValidationError(_("Type de fichier non accepté : envoyez une image (PNG, JPEG, WebP, GIF ou SVG)."))
    return ValidationError(
        _("Type de fichier non accepté : envoyez une photo (JPEG, PNG, WebP, GIF), un PDF ou un SVG.")
    )


def _too_big(limit: int) -> ValidationError:
    return ValidationError(
        _("Ce fichier dépasse la taille maximale (%(max)s Mo).") % {"max": round(limit / 1024 / 1024, 1)}
    )


def _stem(name: str) -> str:
    stem = get_valid_filename(PurePath(name or "fichier").stem)[:60] or "fichier"
    # Served from /media/ behind access checks; an unguessable name is the second lock.
    return f"{stem}-{secrets.token_urlsafe(12)}"


def display_file_name(name: str, *, limit: int = 150) -> str:
    """The name a person gave a file, safe to show and to offer as a download name:
    no folders (``C:\\Users\\…`` or ``../``), no control or invisible characters,
    spaces collapsed, at most ``limit`` characters with its extension kept."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    # Line breaks and tabs become spaces; invisible formatting (right-to-left overrides) goes.
    name = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name
                   if unicodedata.category(ch) == "Cc" or unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:10] if dot and stem else ""
        name = name[:limit - len(extension) - 1].rstrip(" .") + ("." + extension if extension else "")
    return name


def unguessable_name(name: str, extension: str) -> str:
    """``name``'s stem, a random part and ``extension``: for files the platform writes."""
    return f"{_stem(name)}.{extension}"


def _image_extension(data: bytes) -> str | None:
    """The extension of a complete, reasonable raster image; None if it is not one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own header check, far above ours
        raise ValidationError(_("Cette image est trop grande (trop de pixels)."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if image_format not in IMAGE_FORMATS:
        return None
    if width * height > settings.BADGEHUB_MAX_IMAGE_PIXELS:
        # Read from the header: a decompression bomb never expands.
        raise ValidationError(_("Cette image est trop grande (trop de pixels)."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # chunk checksums (PNG), structure
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel: a truncated file fails here
    except Exception:
        raise ValidationError(_("Cette image est incomplète ou abîmée : enregistrez-la à nouveau et réessayez."))
    return IMAGE_FORMATS[image_format]


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:16384].lower()


def svg_sanitise(data: bytes) -> bytes:
    """The SVG rewritten by svg-hush; ValidationError if it is not a plain SVG document.

    Entities are refused before svg-hush reads it (no expansion, no external DTD),
    and its output is parsed once more with any DTD refused: a DOCTYPE can carry
    default attributes (``<!ATTLIST svg onload …>``) that no element shows.
    """
    try:
        return bake.sanitise_svg(data, data_urls=_SVG_DATA_URLS)
    except bake.BakeError:
        raise ValidationError(_("Ce fichier SVG est illisible ou contient des déclarations interdites."))


def file_check(data: bytes, *, accept: frozenset[str] = EVIDENCE, max_bytes: int | None = None) -> tuple[bytes, str]:
    """(safe bytes, extension) of a file's content, or ValidationError (in French).

    Raster images and PDFs are kept byte for byte (a baked PNG keeps its badge);
    an SVG is replaced by its sanitised version.
    """
    limit = max_bytes or settings.BADGEHUB_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise _too_big(limit)
    if not data:
        raise ValidationError(_("Ce fichier est vide."))
    if data.startswith(b"%PDF-"):
        if "pdf" not in accept:
            raise _refused_type(accept)
        if b"%%EOF" not in data[-1024:]:
            raise ValidationError(_("Ce PDF est incomplet : enregistrez-le à nouveau et réessayez."))
        return data, "pdf"
    extension = _image_extension(data)
    if extension:
        if extension not in accept:
            raise _refused_type(accept)
        return data, extension
    if _looks_like_svg(data) and "svg" in accept:
        return svg_sanitise(data), "svg"
    raise _refused_type(accept)


def _read_upload(upload: File, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise _too_big(limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    return data


class CheckedFile(ContentFile):
    """Content that passed ``file_check``, under a name of ours: services store it as it is."""

    @property
    def extension(self) -> str:
        return PurePath(self.name).suffix.lstrip(".")


def upload_validate(*, upload: File, accept: frozenset[str] = EVIDENCE, max_bytes: int | None = None) -> CheckedFile:
    """A safe copy of an uploaded file, named by us, or ValidationError.

    ``accept``: EVIDENCE (photos, PDF, SVG), BADGE_IMAGE (PNG, SVG), LOGO (images).
    A file checked already for what this door accepts (a CheckedFile) is returned as it is.
    """
    if isinstance(upload, CheckedFile) and upload.extension in accept:
        return upload
    limit = max_bytes or settings.BADGEHUB_MAX_UPLOAD_BYTES
    data, extension = file_check(_read_upload(upload, limit), accept=accept, max_bytes=limit)
    return CheckedFile(data, name=unguessable_name(getattr(upload, "name", ""), extension))


MAX_BADGE_FILE_BYTES = 5 * 1024 * 1024


def badge_file_read(upload: File) -> bytes:
    """The bytes of a baked badge to verify or import (PNG or SVG), or ValidationError.

    A PNG gets every image check; an SVG is only parsed safely (entities and
    external references refused), not sanitised: its embedded badge is what is
    checked, and it is never served back.
    """
    data = _read_upload(upload, MAX_BADGE_FILE_BYTES)
    if not data:
        raise ValidationError(_("Ce fichier est vide."))
    if data.startswith(bake.PNG_SIGNATURE):
        file_check(data, accept=frozenset({"png"}), max_bytes=MAX_BADGE_FILE_BYTES)
        return data
    if _looks_like_svg(data):
        try:
            document = safe_minidom.parseString(data)
        except Exception:
            raise ValidationError(_("Ce fichier SVG est illisible ou contient des déclarations interdites."))
        if document.documentElement is None or document.documentElement.localName != "svg":
            raise ValidationError(_("Choisissez une image de badge PNG ou SVG."))
        return data
    raise ValidationError(_("Choisissez une image de badge PNG ou SVG."))


class CheckedUploadsForm(forms.ModelForm):
    """A model form (the admin's) whose file fields get the same checks as every other door.

    ``checked_uploads`` maps a field name to what it accepts. A new upload is replaced
    by its checked copy (sanitised SVG, our name); a kept or cleared file is left alone.
    """

    checked_uploads: dict[str, frozenset[str]] = {}

    def clean(self):
        data = super().clean()
        for name, accept in self.checked_uploads.items():
            value = data.get(name)
            if isinstance(value, UploadedFile):
                try:
                    data[name] = upload_validate(upload=value, accept=accept)
                except ValidationError as exc:
                    self.add_error(name, exc.messages)
        return data
