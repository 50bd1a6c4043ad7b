"""Files of the partner form kept between its screens, and their purge. The rules
every stored file passes are in badgehub.uploads (re-exported here for services)."""

import logging
from datetime import datetime, timedelta

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from badgehub.uploads import (  # noqa: F401 (the services' names for the rules)
    BADGE_IMAGE,
    EVIDENCE,
    LOGO,
    MAX_BADGE_FILE_BYTES,
    CheckedFile,
    badge_file_read,
    display_file_name,
    file_check,
    unguessable_name,
    upload_validate,
)

logger = logging.getLogger(__name__)

# The partner form keeps an evidence file here between its screens, one folder per upload.
DRAFTS_DIR = "drafts"
# Longer than anyone takes between the form's screens; an older file belongs to an abandoned form.
DRAFT_FILES_MAX_AGE = timedelta(days=2)


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
