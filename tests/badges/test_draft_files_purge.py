"""Evidence files of partner forms left unconfirmed are deleted after two days."""

import io
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from badges.models import Assertion
from badges.services.uploads import draft_files_purge
from badges.tasks import purge_draft_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path) -> None:
    # The suite shares one media folder; these tests look at everything under drafts/.
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored(name: str, *, days_old: float = 0) -> str:
    """A file written to the default storage, ``days_old`` days ago."""
    name = default_storage.save(name, ContentFile(b"%PDF-1.4 preuve"))
    if days_old:
        then = time.time() - days_old * 86400
        os.utime(default_storage.path(name), (then, then))
    return name


def age_folder(folder: str, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(default_storage.path(folder), (then, then))


def test_an_abandoned_draft_file_is_deleted_and_a_recent_one_kept():
    abandoned = stored("drafts/0a1b/attestation.pdf", days_old=3)
    recent = stored("drafts/2c3d/photo-atelier.pdf", days_old=1)

    assert draft_files_purge() == 1

    assert not default_storage.exists(abandoned)
    assert default_storage.exists(recent)


def test_files_outside_the_drafts_folder_are_never_touched():
    evidence = stored("evidence/capture.pdf", days_old=30)
    baked = stored("baked/badge.pdf", days_old=30)
    look_alike = stored("drafts-anciens/note.pdf", days_old=30)

    assert draft_files_purge() == 0

    assert all(default_storage.exists(name) for name in (evidence, baked, look_alike))


def test_the_folders_left_empty_go_too():
    stored("drafts/0a1b/attestation.pdf", days_old=3)
    confirmed = stored("drafts/4e5f/deja-delivre.pdf")
    default_storage.delete(confirmed)  # what confirming a draft does; its folder stays on a disk
    age_folder("drafts/4e5f", days=3)
    just_made = stored("drafts/6a7b/en-cours.pdf")
    default_storage.delete(just_made)

    draft_files_purge()

    assert default_storage.listdir("drafts") == (["6a7b"], []), "a folder just made may be about to get its file"


def test_nothing_to_purge_when_no_draft_was_ever_kept():
    assert not default_storage.exists("drafts")
    assert draft_files_purge() == 0


def test_the_beat_runs_the_purge_task_every_day_and_a_starting_worker_knows_it():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-draft-files"]
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    # A fresh interpreter, as `celery -A badgehub worker` starts: the task module must be found.
    loaded = subprocess.run(
        [sys.executable, "-c", "from badgehub.celery import app; app.loader.import_default_modules(); "
                               "print(sorted(app.tasks))"],
        capture_output=True, text=True, check=True, timeout=60)
    assert f"'{entry['task']}'" in loaded.stdout


def test_the_task_deletes_the_abandoned_draft_files():
    abandoned = stored("drafts/0a1b/attestation.pdf", days_old=3)

    assert purge_draft_files() == 1
    assert not default_storage.exists(abandoned)


def test_operators_purge_with_a_management_command():
    abandoned = stored("drafts/0a1b/attestation.pdf", days_old=3)
    recent = stored("drafts/2c3d/photo-atelier.pdf", days_old=1)
    out = io.StringIO()

    call_command("purge_drafts", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 draft file(s) older than 2 day(s)."
    assert not default_storage.exists(abandoned) and default_storage.exists(recent)
    call_command("purge_drafts", "--days", "0.5", stdout=out)
    assert not default_storage.exists(recent)


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#0b5cad").save(buffer, "JPEG")
    return SimpleUploadedFile("atelier.jpg", buffer.getvalue())


def test_a_mediator_back_after_the_purge_is_asked_for_the_file_again(client, mediator, badge_class):
    client.force_login(mediator)
    issue_url = reverse("partner:issue", kwargs={"public_id": badge_class.public_id})
    preview_url = reverse("partner:issue_preview", kwargs={"public_id": badge_class.public_id})
    client.post(issue_url, {"recipients": "Sam Martin <sam@example.org>", "narrative": "A envoyé un mail seul.",
                            "evidence_url": "", "issued_on": timezone.localdate().isoformat(),
                            "evidence_file": photo()})
    kept = client.session[f"partner_draft:{badge_class.public_id}"]["file_path"]
    os.utime(default_storage.path(kept), (time.time() - 3 * 86400,) * 2)
    draft_files_purge()

    response = client.post(preview_url, follow=True)

    assert response.redirect_chain[-1][0] == issue_url
    page = response.content.decode()
    assert "Le fichier joint à ce brouillon (atelier.jpg) n&#x27;est plus disponible" in page
    assert "Fichier déjà joint" not in page and "A envoyé un mail seul." in page
    assert not Assertion.objects.exists()


@pytest.mark.worker
def test_a_real_worker_runs_the_purge_from_the_redis_broker(celery_worker):
    abandoned = stored("drafts/0a1b/attestation.pdf", days_old=3)

    purge_draft_files.delay()

    deadline = time.monotonic() + 30
    while default_storage.exists(abandoned) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not default_storage.exists(abandoned)
