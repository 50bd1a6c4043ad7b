"""Evidence uploads: the type is decided by the content, never by the file name."""

import io
import logging
import secrets
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Formats a phone camera or a scanner produces; the extension is rewritten from the content.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

# The partner form keeps an evidence file here between its screens, one folder per upload.
DRAFTS_DIR = "drafts"
# Longer than anyone takes between the form's screens; an older file belongs to an abandoned form.
DRAFT_FILES_MAX_AGE = timedelta(days=2)


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


def draft_files_purge(*, older_than: timedelta = DRAFT_FILES_MAX_AGE, storage: Storage | None = None) -> int:
    """Delete the partner form's draft files older than ``older_than``; returns how many went.

    A draft file is deleted when the mediator confirms; one whose form was abandoned
    would stay forever. Only the storage API is used (no paths on disk), so this works
    the same on a local disk and on an object store.
    """
    storage = storage or default_storage
    return _purge_folder(storage, DRAFTS_DIR, timezone.now() - older_than)


def _older_than(storage: Storage, name: str, cutoff: datetime) -> bool:
    try:
        return storage.get_modified_time(name) < cutoff
    except FileNotFoundError:  # confirmed (and deleted) by its mediator meanwhile
        return False


def _purge_folder(storage: Storage, folder: str, cutoff: datetime) -> int:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        path = f"{folder}/{name}"
        if _older_than(storage, path, cutoff):
            storage.delete(path)
            deleted += 1
    for name in folders:
        path = f"{folder}/{name}"
        emptied = _purge_folder(storage, path, cutoff)
        deleted += emptied
        _remove_if_empty(storage, path, cutoff, emptied=emptied > 0)
    return deleted


def _remove_if_empty(storage: Storage, folder: str, cutoff: datetime, *, emptied: bool) -> None:
    """A disk keeps empty folders (one per upload, left by confirmed drafts too); object
    stores have none. A folder is removed only once old: a new one is empty for an instant
    before its upload is written."""
    try:
        if any(storage.listdir(folder)):
            return
        if emptied or _older_than(storage, folder, cutoff):
            storage.delete(folder)  # FileSystemStorage removes an empty folder; elsewhere a no-op
    except Exception as exc:  # an empty folder left behind costs nothing; the files are what matter
        logger.warning("Draft folder %s kept: %s", folder, exc)
