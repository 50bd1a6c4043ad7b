"""scripts/backup and scripts/restore, run as an operator would: a badge issued before
the backup verifies on the restored database and media, with our verifier."""

import json
import os
import subprocess
import uuid

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from badges.issuing import assertion_finalise
from badges.services import assertion_issue
from tests.resilience.conftest import _test_database_url
from tests.resilience.stack import PYTHON, ROOT

VERIFY = """
import json, django
django.setup()
from badges.models import Assertion
from badges.verification import verify_badge
assertion = Assertion.objects.get(public_id="{public_id}")
with assertion.baked_png.open("rb") as baked:
    from_file = verify_badge(baked.read())
hosted = verify_badge("{site_url}/badges/assertions/{public_id}/")
print(json.dumps({{"file": [from_file.valid, from_file.version, from_file.badge_name],
                  "hosted": [hosted.valid, hosted.version, hosted.badge_name],
                  "badges": sorted(Assertion.objects.values_list("recipient_email", flat=True))}}))
"""


@pytest.fixture
def restored_database():
    name = f"badgehub_restore_{uuid.uuid4().hex[:12]}"
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    yield url
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / name), *args], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_badge_issued_before_the_backup_verifies_after_a_restore(transactional_db, badge_class, mediator,
                                                                    restored_database, tmp_path):
    before = assertion_issue(badge_class=badge_class, recipient_email="awa@example.org", recipient_name="Awa",
                             issued_by=mediator)
    assertion_finalise(assertion=before)
    backup = tmp_path / "backup"
    made = _script("backup", str(backup), DATABASE_URL=_test_database_url(), MEDIA_ROOT=settings.MEDIA_ROOT)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in backup.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz"]
    # Issued after the backup: not in it.
    assertion_issue(badge_class=badge_class, recipient_email="bruno@example.org", issued_by=mediator)

    media = tmp_path / "restored-media"
    restored = _script("restore", str(backup), DATABASE_URL=restored_database, MEDIA_ROOT=str(media))
    assert restored.returncode == 0, restored.stderr
    again = _script("restore", str(backup), DATABASE_URL=restored_database, MEDIA_ROOT=str(media))
    assert again.returncode != 0 and "restore into a new, empty database" in again.stderr  # never overwrites

    env = {**os.environ, "DATABASE_URL": restored_database, "MEDIA_ROOT": str(media), "SITE_URL": settings.SITE_URL,
           "DJANGO_SETTINGS_MODULE": "badgehub.settings"}
    checked = subprocess.run([PYTHON, "-c", VERIFY.format(public_id=before.public_id, site_url=settings.SITE_URL)],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr[-3000:]
    result = json.loads(checked.stdout.strip().splitlines()[-1])
    assert result["file"] == [True, "ob3", badge_class.name]
    assert result["hosted"] == [True, "ob2", badge_class.name]
    assert result["badges"] == ["awa@example.org"]


def test_restore_refuses_a_damaged_backup(tmp_path, restored_database):
    backup = tmp_path / "backup"
    backup.mkdir()
    for name in ("db.dump", "media.tar.gz"):
        (backup / name).write_bytes(b"not a backup")
    (backup / "SHA256SUMS").write_text("0" * 64 + "  db.dump\n" + "0" * 64 + "  media.tar.gz\n")
    restored = _script("restore", str(backup), DATABASE_URL=restored_database, MEDIA_ROOT=str(tmp_path / "m"))
    assert restored.returncode != 0 and "damaged" in restored.stderr
